"""Data the browser journeys start from, built with the factories and the demo's site content.

A scene is written straight to the database before the browser opens; the journey under test
then happens only through the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from unittest import mock

from django.db import transaction
from django.utils import timezone

from cadres.models import CadreCategory, OrgUnit, UnitLevel
from courses import services
from courses.models import CoursePage, LessonPage, Requirement
from courses.study_time import HEARTBEAT_INTERVAL
from lms.demo import content, site
from tests.factories import CadreFactory, UserFactory, make_course, unit_child, unit_root

CADRE_NAME = "李明"


@dataclass
class Units:
    county: OrgUnit
    township: OrgUnit
    other_township: OrgUnit
    team: OrgUnit


def units() -> Units:
    """清河县 with two townships; a village work team under the first."""
    county = unit_root(code="QHX", name="清河县")
    township = unit_child(county, code="QHX01", name="城关镇")
    other = unit_child(county, code="QHX02", name="河口乡")
    team = unit_child(township, code="QHX0101", name="东关村工作队", level=UnitLevel.VILLAGE_TEAM)
    return Units(county=county, township=township, other_township=other, team=team)


def cadre_in(unit: OrgUnit, *, username: str = "cadre", name: str = CADRE_NAME, **fields):
    return CadreFactory(
        unit=unit, name=name, user=UserFactory(username=username), category=CadreCategory.FIRST_SECRETARY, **fields
    )


@transaction.atomic
def demo_site(*, courses: int = 3) -> dict[str, CoursePage]:
    """The demo's home page, announcements and first `courses` courses (real lesson text), by slug.

    Three courses fill the catalogue's first row and the home page's featured courses; all eight
    take seconds longer to publish, for every test.
    """
    home = site.ensure_home_page()
    index = site.ensure_course_index(home)
    with mock.patch.object(content, "COURSES", content.COURSES[:courses]):
        pages = site.ensure_courses(index, site.ensure_categories())
    site.ensure_featured_courses(home, pages)
    site.ensure_announcements(home, today=timezone.localdate())
    return pages


def require(course: CoursePage, unit: OrgUnit, *, due: date) -> Requirement:
    return Requirement.objects.create(course=course, unit=unit, year=timezone.localdate().year, due_date=due)


def studied(cadre, lesson: LessonPage, *, seconds: int) -> None:
    """Record `seconds` of study through the heartbeat service, as if beats had come in the past hour."""
    start = timezone.now() - timedelta(hours=1)
    for beat in range(seconds // HEARTBEAT_INTERVAL + 1):
        services.heartbeat_record(
            cadre=cadre, lesson=lesson, tab="scene", now=start + timedelta(seconds=beat * HEARTBEAT_INTERVAL)
        )


@dataclass
class CadreScene:
    units: Units
    cadre: object
    courses: dict[str, CoursePage]

    @property
    def policy(self) -> CoursePage:
        return self.courses["rural-revitalisation-policy"]

    @property
    def lesson(self) -> LessonPage:
        return self.policy.get_children().live().specific().first()


def cadre_with_demo_courses() -> CadreScene:
    """A first secretary with two required demo courses (one overdue) and a first lesson half studied."""
    scene = CadreScene(units=units(), cadre=None, courses=demo_site())
    scene.cadre = cadre_in(scene.units.team)
    today = timezone.localdate()
    require(scene.policy, scene.units.county, due=today + timedelta(days=30))
    require(scene.courses["party-spirit"], scene.units.county, due=today - timedelta(days=3))
    studied(scene.cadre, scene.lesson, seconds=scene.lesson.minutes * 30)
    return scene


@dataclass
class StudyScene:
    units: Units
    cadre: object
    course: CoursePage
    lesson: LessonPage


def cadre_with_a_short_required_course(*, credit_hours: int = 2) -> StudyScene:
    """A cadre required to take a one-lesson course whose lesson takes one minute."""
    tree = units()
    cadre = cadre_in(tree.team)
    course = make_course(title="防返贫动态监测", lessons=1, minutes=1, credit_hours=credit_hours, is_required=True)
    require(course, tree.county, due=timezone.localdate() + timedelta(days=14))
    return StudyScene(units=tree, cadre=cadre, course=course, lesson=course.get_children().specific().first())


# The cadre-facing pages every layout, screenshot and accessibility test visits: name → whether
# the visitor is logged in as the scene's cadre.
CADRE_PAGES = {
    "home": True,
    "login": False,
    "activate": False,
    "my-learning": True,
    "catalogue": True,
    "course": True,
    "lesson": True,
    "search": True,
    "not-found": True,
}


def cadre_page_path(scene: CadreScene, name: str) -> str:
    return {
        "home": "/",
        "login": "/accounts/login/",
        "activate": "/accounts/activate/",
        "my-learning": "/me/",
        "catalogue": "/courses/",
        "course": scene.policy.url,
        "lesson": scene.lesson.url,
        "search": "/search/?q=产业",
        "not-found": "/no-such-page/",
    }[name]
