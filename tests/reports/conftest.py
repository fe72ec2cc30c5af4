"""A small tree whose report numbers were worked out by hand (see test_numbers.py).

示范县 C01 ── 城关镇 T01 ── 东村工作队 V01: a1, a2 (first secretaries)
          │             └─ a3 (township cadre, directly in T01)
          └─ 南镇 T02: b1 (township cadre; the town may send everyone away)
邻县 C02: x1

Course 甲 (2 h) is required of all of C01, due 2030-06-05; course 乙 (3 h) of T01's first
secretaries, due 2030-07-15. Today is 2030-06-15 (Asia/Shanghai).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from cadres.models import Cadre, CadreCategory, OrgUnit
from courses.models import CoursePage, LessonProgress, Requirement, YearlyTarget
from courses.services import course_progress_refresh
from quizzes import services as quiz_services
from reports import api as _api  # noqa: F401 - build the API schemas before freezegun replaces `date`
from reports.models import Notification
from rotations.services.attendance import attendance_record, batch_complete
from rotations.services.scheduling import seat_assign
from tests.factories import (
    CadreFactory,
    make_admin,
    make_batch,
    make_course,
    make_officer,
    make_programme,
    make_question,
    make_quiz,
    make_trainer,
    unit_child,
    unit_root,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2030, 6, 15)
YEAR = 2030


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen_today():
    with freeze_time("2030-06-15 04:00:00"):  # 12:00 in Shanghai
        yield


def complete_course(cadre: Cadre, course: CoursePage, when: datetime) -> None:
    """Every lesson done, then the course write path (which also runs the reports hook)."""
    for lesson in course.lessons():
        LessonProgress.objects.update_or_create(cadre=cadre, lesson=lesson, defaults={"completed_at": when})
    course_progress_refresh(cadre=cadre, course=course, now=when)


def take_quiz(quiz, cadre: Cadre, question, *, right: bool, when: datetime) -> None:
    attempt = quiz_services.attempt_start(quiz=quiz, cadre=cadre, now=when)
    quiz_services.attempt_submit(
        attempt=attempt, cadre=cadre, answers={question.pk: "true" if right else "false"}, now=when
    )


@dataclass
class Tree:
    county: OrgUnit
    township: OrgUnit
    team: OrgUnit
    south: OrgUnit
    other_county: OrgUnit
    a1: Cadre
    a2: Cadre
    a3: Cadre
    b1: Cadre
    x1: Cadre
    course_a: CoursePage
    course_b: CoursePage
    programme: object
    users: dict


@pytest.fixture
def tree(db, django_capture_on_commit_callbacks) -> Tree:
    county = unit_root(code="C01", name="示范县")
    township = unit_child(county, code="T01", name="城关镇")
    team = unit_child(township, code="V01", name="东村工作队", level="village_team")
    south = unit_child(county, code="T02", name="南镇", min_on_duty=0)
    other_county = unit_root(code="C02", name="邻县")
    a1 = CadreFactory(unit=team, name="甲一", user__username="a1")
    a2 = CadreFactory(unit=team, name="甲二", user__username="a2")
    a3 = CadreFactory(unit=township, name="甲三", category=CadreCategory.TOWNSHIP, user__username="a3")
    b1 = CadreFactory(unit=south, name="乙一", category=CadreCategory.TOWNSHIP, user__username="b1")
    x1 = CadreFactory(unit=other_county, name="丙一", user__username="x1")
    for cadre in (a1, a2, a3, b1, x1):
        cadre.user.email = f"{cadre.user.username}@example.org"
        cadre.user.save(update_fields=["email"])

    course_a = make_course(title="甲课程", lessons=1, credit_hours=2)
    course_b = make_course(title="乙课程", lessons=1, credit_hours=3)
    # As in production, a new requirement refreshes its subtree's summaries once committed.
    with django_capture_on_commit_callbacks(execute=True):
        Requirement.objects.create(course=course_a, unit=county, year=YEAR, due_date=date(2030, 6, 5))
        Requirement.objects.create(
            course=course_b,
            unit=township,
            year=YEAR,
            due_date=date(2030, 7, 15),
            categories=[CadreCategory.FIRST_SECRETARY],
        )
    YearlyTarget.objects.create(category=CadreCategory.FIRST_SECRETARY, year=YEAR, hours=Decimal(4))

    complete_course(a1, course_a, at(6, 1))
    complete_course(a1, course_b, at(6, 10))
    complete_course(a2, course_a, at(6, 10))

    programme = make_programme(county, credit_hours=1, starts_on=date(2030, 1, 1), ends_on=date(2030, 12, 31))
    batch = make_batch(programme, starts_on=date(2030, 5, 1), days=2, capacity=10)
    seat_assign(programme=programme, cadre=a1, batch=batch, today=date(2030, 4, 1))
    seat_assign(programme=programme, cadre=b1, batch=batch, today=date(2030, 4, 1))
    for session in batch.sessions.all():
        attendance_record(session=session, cadre=a1, status="present", now=at(5, 1))
    batch_complete(batch=batch, now=at(5, 2, 18))
    # The completions above issued certificates and told their cadres; these tests count reminders.
    Notification.objects.all().delete()

    question = make_question(kind="true_false", true_false=True)
    quiz = make_quiz(question, title="政策测验", max_attempts=None)
    take_quiz(quiz, a1, question, right=True, when=at(6, 12))
    take_quiz(quiz, a2, question, right=False, when=at(6, 12))

    users = {
        "county": make_officer(county),
        "township": make_officer(township),
        "trainer": make_trainer(),
        "cadre": a1.user,
        "admin": make_admin(),
    }
    return Tree(
        county=county,
        township=township,
        team=team,
        south=south,
        other_county=other_county,
        a1=a1,
        a2=a2,
        a3=a3,
        b1=b1,
        x1=x1,
        course_a=course_a,
        course_b=course_b,
        programme=programme,
        users=users,
    )
