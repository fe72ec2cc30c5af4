"""One small county with an object of every kind on each side of the township officer's border.

"own" objects sit in township T01 (the township officer's subtree) and belong to the cadre
who logs in; "other" objects sit in township T02 of the same county and belong to another
cadre. The county officer and administrators see both sides, the township officer only its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from cadres.models import Cadre, ImportJob, OrgUnit
from tests.factories import (
    CadreFactory,
    make_admin,
    make_batch,
    make_course,
    make_officer,
    make_posting,
    make_programme,
    make_question,
    make_question_bank,
    make_quiz,
    make_trainer,
    make_work_team,
    unit_child,
    unit_root,
)

ROLES = ("anon", "cadre", "trainer", "county", "township", "admin")


@dataclass
class Side:
    """The objects of one side of the border."""

    township: OrgUnit
    team: OrgUnit
    cadre: Cadre
    objects: dict = field(default_factory=dict)

    def __getitem__(self, name: str):
        return self.objects[name]


@dataclass
class World:
    county: OrgUnit
    own: Side
    other: Side
    users: dict
    shared: dict

    def side(self, name: str) -> Side:
        return self.own if name == "own" else self.other


def _side(county: OrgUnit, number: int, *, username: str, course, lesson, quiz, essay) -> Side:
    from courses.models import Requirement
    from postings.models import ApprovalLevel, Flag, FlagLevel, Inspection, LeaveRequest, PostingRuleSet
    from quizzes import services as quiz_services
    from quizzes.models import Answer
    from rotations.models import Seat, Unavailability

    township = unit_child(county, code=f"T0{number}", name=f"第{number}镇")
    team = make_work_team(township, code=f"T0{number}V1")
    cadre = CadreFactory(unit=team, user__username=username)
    side = Side(township=township, team=team, cadre=cadre)
    today = timezone.localdate()

    posting = make_posting(team, starts_on=today - timedelta(days=60), cadre=cadre)
    programme = make_programme(township, name=f"轮训{number}")
    batch = make_batch(programme)
    seat = Seat.objects.create(programme=programme, batch=batch, cadre=cadre)
    # A submitted attempt whose essay waits for grading, and a second one still in progress.
    submitted = quiz_services.attempt_start(quiz=quiz, cadre=cadre)
    quiz_services.answer_save(attempt=submitted, cadre=cadre, question_id=essay.pk, value="心得体会", revision=None)
    quiz_services.attempt_submit(attempt=submitted, cadre=cadre)
    attempt = quiz_services.attempt_start(quiz=quiz, cadre=cadre)
    side.objects.update(
        requirement=Requirement.objects.create(
            course=course, unit=township, categories=[], year=today.year, due_date=date(today.year, 12, 31)
        ),
        posting=posting,
        posting_leave=LeaveRequest.objects.create(
            posting=posting,
            starts_on=today + timedelta(days=3),
            ends_on=today + timedelta(days=4),
            days=2,
            reason="事假",
            approval_level=ApprovalLevel.TOWNSHIP,
        ),
        inspection=Inspection.objects.create(team=team, inspected_on=today, inspectors="督查组"),
        flag=Flag.objects.create(
            cadre=cadre, posting=posting, year=today.year, level=FlagLevel.NOT_EXCELLENT, absences=3, raised_on=today
        ),
        rules=PostingRuleSet.objects.create(unit=township),
        programme=programme,
        batch=batch,
        seat=seat,
        unavailability=Unavailability.objects.create(
            cadre=cadre, starts_on=date(2030, 6, 1), ends_on=date(2030, 6, 5), reason="出差"
        ),
        attempt=attempt,
        answer=Answer.objects.get(attempt=submitted, question=essay),
        import_job=ImportJob.objects.create(filename="花名册.xlsx", unit=township),
        lesson=lesson,
        course=course,
        quiz=quiz,
    )
    return side


def build_world() -> World:
    county = unit_root(code="C01", name="示范县")
    course = make_course(title="乡村振兴战略", lessons=1)
    lesson = course.get_children().specific().first()
    bank = make_question_bank()
    single = make_question(bank)
    essay = make_question(bank, kind="essay", points=Decimal(5))
    quiz = make_quiz(single, essay, max_attempts=3)
    common = {"course": course, "lesson": lesson, "quiz": quiz, "essay": essay}
    own = _side(county, 1, username="cadre", **common)
    other = _side(county, 2, username="other-cadre", **common)
    users = {
        "anon": None,
        "cadre": own.cadre.user,
        "trainer": make_trainer(),
        "county": make_officer(county, username="county"),
        "township": make_officer(own.township, username="township"),
        "admin": make_admin(),
    }
    from courses.models import CourseCategory
    from quizzes.models import QuestionCategory

    objects = {
        "bank": bank,
        "course_category": CourseCategory.objects.create(name="政策理论"),
        "question_category": QuestionCategory.objects.create(bank=bank, name="基础知识"),
    }
    return World(county=county, own=own, other=other, users=users, shared={**objects, **common})
