"""Factories that keep related rows coherent: a cadre always gets a login and a real unit."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from cadres.models import Cadre, CadreCategory, Gender, Officer, OrgUnit, UnitLevel
from cadres.roles import CADRE_GROUP, OFFICER_GROUP, TRAINER_GROUP, ensure_role_groups

User = get_user_model()
_serial = itertools.count(1)

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK_CHARS = "10X98765432"


def valid_id_number(serial: int | None = None, *, region: str = "110101", born: date = date(1985, 3, 7)) -> str:
    """A syntactically valid 18-digit resident ID number (ISO 7064 MOD 11-2 check character)."""
    serial = next(_serial) if serial is None else serial
    body = f"{region}{born:%Y%m%d}{serial % 1000:03d}"
    check = ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "pass-word-123")
        if create:
            obj.save(update_fields=["password"])


def unit_root(
    *, code: str = "C01", name: str = "示范县", level: str = UnitLevel.COUNTY, min_on_duty: int | None = None
) -> OrgUnit:
    return OrgUnit.add_root(code=code, name=name, level=level, min_on_duty=min_on_duty)


def unit_child(
    parent: OrgUnit,
    *,
    code: str,
    name: str | None = None,
    level: str = UnitLevel.TOWNSHIP,
    min_on_duty: int | None = None,
) -> OrgUnit:
    parent.refresh_from_db()
    return parent.add_child(code=code, name=name or code, level=level, min_on_duty=min_on_duty)


# Factory cadres have been on the roster for years, so no requirement's grace period for newly
# added cadres (courses/due_dates.py) applies unless a test sets `user__date_joined` itself.
ON_THE_ROSTER_SINCE = datetime(2020, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, date_joined=ON_THE_ROSTER_SINCE)
    name = factory.Sequence(lambda n: f"干部{n}")
    gender = Gender.MALE
    birth_date = date(1985, 3, 7)
    id_number = factory.LazyFunction(valid_id_number)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    category = CadreCategory.FIRST_SECRETARY

    @factory.post_generation
    def in_cadre_group(obj, create, extracted, **kwargs):
        if create:
            obj.user.groups.add(ensure_role_groups()[CADRE_GROUP])


def make_officer(unit: OrgUnit, *, username: str | None = None) -> User:
    user = UserFactory(username=username or f"officer-{unit.code}")
    Officer.objects.create(user=user, unit=unit)
    user.groups.add(ensure_role_groups()[OFFICER_GROUP])
    return user


def make_trainer(*, username: str = "trainer") -> User:
    user = UserFactory(username=username)
    user.groups.add(ensure_role_groups()[TRAINER_GROUP])
    return user


def make_admin(*, username: str = "admin") -> User:
    return User.objects.create_superuser(username=username, password="pass-word-123")


def home_page():
    """The site's HomePage, created under Wagtail's root the first time it is asked for."""
    from lms.models import HomePage

    existing = HomePage.objects.first()
    if existing:
        return existing
    # Replace Wagtail's placeholder "Welcome" page (and the site pointing at it).
    Page.objects.filter(depth=2).delete()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="尖兵", slug="home"))
    Site.objects.update_or_create(
        hostname="localhost", defaults={"root_page": home, "is_default_site": True, "site_name": "尖兵"}
    )
    return home


def course_index():
    from courses.models import CourseIndexPage

    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    return home_page().add_child(instance=CourseIndexPage(title="课程", slug="courses"))


def make_course(*, title: str = "乡村振兴战略", lessons: int = 2, minutes: int = 10, credit_hours=2, **fields):
    """A live course with `lessons` live text lessons of `minutes` each."""
    from courses.models import CoursePage, LessonPage

    course = course_index().add_child(
        instance=CoursePage(
            title=title, summary=fields.pop("summary", f"{title}课程简介"), credit_hours=credit_hours, **fields
        )
    )
    for number in range(1, lessons + 1):
        course.add_child(
            instance=LessonPage(
                title=f"{title} 第{number}讲",
                minutes=minutes,
                body=[("paragraph", f"<p>{title}第{number}讲正文</p>")],
            )
        )
    return course


def make_programme(
    unit: OrgUnit,
    *,
    population: list[OrgUnit] | None = None,
    name: str = "乡村振兴轮训",
    starts_on: date = date(2030, 3, 1),
    ends_on: date = date(2030, 12, 31),
    credit_hours=24,
    **fields,
):
    """A rotation programme organised by `unit`, whose population is `population` (default: `unit`'s subtree)."""
    from rotations.models import Programme

    programme = Programme.objects.create(
        unit=unit, name=name, starts_on=starts_on, ends_on=ends_on, credit_hours=credit_hours, **fields
    )
    programme.population_units.set(population or [unit])
    return programme


def make_batch(
    programme,
    *,
    number: int | None = None,
    starts_on: date = date(2030, 4, 1),
    days: int = 2,
    capacity: int = 30,
    venue: str = "县委党校",
):
    """A batch with morning and afternoon sessions on each of its `days` days."""
    from datetime import timedelta

    from rotations.services.programmes import batch_create

    if number is None:
        number = programme.batches.count() + 1
    return batch_create(
        programme=programme,
        number=number,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        capacity=capacity,
        venue=venue,
    )


# ---------------------------------------------------------------------------- quizzes


def make_question_bank(*, name: str = "乡村振兴题库", owner=None):
    from quizzes.models import QuestionBank

    return QuestionBank.objects.create(name=name, owner=owner)


def make_question(
    bank=None,
    *,
    kind: str = "single",
    stem: str | None = None,
    points=1,
    options=None,
    correct=(0,),
    category=None,
    partial_credit: bool = False,
    true_false: bool | None = None,
    accepted: str = "",
    explanation: str = "解析",
):
    """A question with options A, B, C… (`correct` holds the indexes of the right ones)."""
    from quizzes.models import Option, Question

    bank = bank or make_question_bank()
    question = Question.objects.create(
        bank=bank,
        category=category,
        kind=kind,
        stem=stem or f"<p>第{next(_serial)}题</p>",
        points=points,
        partial_credit=partial_credit,
        true_false_answer=true_false,
        accepted_answers=accepted,
        explanation=explanation,
    )
    if kind in ("single", "multiple"):
        for index, text in enumerate(options or ["甲", "乙", "丙", "丁"]):
            Option.objects.create(question=question, text=text, is_correct=index in correct, sort_order=index)
    return question


def make_quiz(*questions, title: str = "结业测验", course=None, **settings):
    """A published, open quiz with `questions` as its fixed questions, in order, unshuffled."""
    from quizzes.models import Quiz, QuizQuestion

    settings.setdefault("is_published", True)
    settings.setdefault("shuffle_questions", False)
    settings.setdefault("shuffle_options", False)
    quiz = Quiz.objects.create(title=title, course=course, **settings)
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    return quiz


def make_work_team(parent: OrgUnit, *, code: str, name: str | None = None) -> OrgUnit:
    """A village work team under `parent` (usually a township)."""
    return unit_child(parent, code=code, name=name or f"{code}工作队", level=UnitLevel.VILLAGE_TEAM)


def make_posting(
    team: OrgUnit,
    *,
    starts_on: date,
    cadre: Cadre | None = None,
    role: str = "member",
    planned_end_on: date | None = None,
    ended_on: date | None = None,
    end_reason: str = "",
):
    """A posting written directly (no service side effects): the cadre sits in the team it is posted to."""
    from postings.models import Posting
    from postings.rules import add_months

    cadre = cadre or CadreFactory(unit=team)
    return Posting.objects.create(
        cadre=cadre,
        team=team,
        role=role,
        sending_unit="县农业农村局",
        starts_on=starts_on,
        planned_end_on=planned_end_on or add_months(starts_on, 24),
        ended_on=ended_on,
        end_reason=end_reason or ("term_over" if ended_on else ""),
    )
