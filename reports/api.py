"""Read-only JSON for other government systems (django-ninja, OpenAPI at /api/v1/openapi.json).

A request carries `Authorization: Bearer <key>` of an `ApiToken`; it sees exactly what the
token's user sees on the report pages: a unit or cadre outside that subtree is a 404, and a
token whose user manages no subtree (a cadre, a trainer) gets 403 everywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from cadres import activation
from cadres.activation import PASSWORD_CHANGE_REQUIRED
from cadres.roles import Scope, scope_for
from reports import selectors
from reports.models import ApiToken, token_digest

NOT_FOUND = "Not found."
NO_SUBTREE = "This token's user manages no part of the organisation tree."


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user", "user__officer__unit", "user__account")
            .filter(digest=token_digest(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        if activation.password_change_required(user=found.user):
            # The token's owner is held at the password change page; so is their token.
            raise HttpError(403, gettext(PASSWORD_CHANGE_REQUIRED))
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.report_scope = scope_for(found.user)
        return found


api = NinjaAPI(
    title="尖兵 Jianbing reports API",
    version="1",
    description=__doc__,
    urls_namespace="reports-api",
    auth=TokenAuth(),
)


class UnitOut(Schema):
    code: str
    name: str
    level: str


class Figures(Schema):
    cadres: int
    required: int
    completed: int
    completion_rate: float | None
    on_time_rate: float | None
    overdue_cadres: int
    average_hours: Decimal | None
    median_hours: Decimal | None
    average_target_hours: Decimal | None
    met_hours: int
    met_hours_rate: float | None
    rotation_trained: int
    rotation_placed_not_trained: int
    rotation_not_placed: int
    quizzes_taken: int
    quizzes_passed: int
    quiz_pass_rate: float | None


class ChildFigures(Figures):
    unit: UnitOut | None


class CompletionOut(Schema):
    unit: UnitOut
    year: int
    as_of: date
    total: Figures
    children: list[ChildFigures]


class RequiredCourseOut(Schema):
    course_id: int
    title: str
    due_date: date
    completed_at: datetime | None
    on_time: bool
    minutes_studied: int
    quiz_percent: Decimal | None
    quiz_passed: bool | None


class CreditOut(Schema):
    earned_at: datetime
    source: str
    hours: Decimal
    description: str


class SeatOut(Schema):
    programme: str
    batch: int
    starts_on: date
    ends_on: date
    outcome: str


class AttemptOut(Schema):
    quiz: str
    finished_at: datetime | None
    percent: Decimal | None
    passed: bool | None


class CadreRecordOut(Schema):
    id: int
    name: str
    unit: UnitOut
    category: str
    rank: str
    year: int
    hours: Decimal
    target_hours: Decimal
    required_courses: list[RequiredCourseOut]
    credits: list[CreditOut]
    rotation: list[SeatOut]
    quizzes: list[AttemptOut]


def _scope(request: HttpRequest) -> Scope:
    scope = request.report_scope
    if scope.nothing:
        raise HttpError(403, NO_SUBTREE)
    return scope


def _unit(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "level": unit.level}


def _figures(item: selectors.Completion) -> dict:
    return {
        "cadres": item.cadres,
        "required": item.required,
        "completed": item.completed,
        "completion_rate": item.completion_rate,
        "on_time_rate": item.on_time_rate,
        "overdue_cadres": item.overdue,
        "average_hours": item.average_hours,
        "median_hours": item.median_hours,
        "average_target_hours": item.average_target,
        "met_hours": item.met,
        "met_hours_rate": item.met_rate,
        "rotation_trained": item.trained,
        "rotation_placed_not_trained": item.placed_not_trained,
        "rotation_not_placed": item.not_placed,
        "quizzes_taken": item.quizzes_taken,
        "quizzes_passed": item.quizzes_passed,
        "quiz_pass_rate": item.quiz_pass_rate,
    }


@api.get("/units/{code}/completion", response=CompletionOut, summary="Completion of a unit's subtree, per child")
def unit_completion(request: HttpRequest, code: str, year: int | None = None):
    """The dashboard's numbers for the unit with this code: its total and one entry per child unit."""
    unit = selectors.unit_in_scope(scope=_scope(request), code=code)
    if unit is None:
        raise HttpError(404, NOT_FOUND)
    today = timezone.localdate()
    board = selectors.dashboard(selectors.Filters(year=year or today.year, unit=unit), today=today)
    return {
        "unit": _unit(unit),
        "year": board.filters.year,
        "as_of": today,
        "total": _figures(board.total),
        "children": [{**_figures(row), "unit": _unit(row.unit) if row.unit else None} for row in board.rows],
    }


@api.get("/cadres/{cadre_id}/record", response=CadreRecordOut, summary="One cadre's record for a year")
def cadre_record(request: HttpRequest, cadre_id: int, year: int | None = None):
    """一人一档: required courses, credit hours, rotation training and quizzes of one cadre in one year."""
    cadre = selectors.cadre_in_scope(scope=_scope(request), cadre_id=cadre_id)
    if cadre is None:
        raise HttpError(404, NOT_FOUND)
    record = selectors.cadre_record(cadre=cadre, year=year or timezone.localdate().year)
    return {
        "id": cadre.pk,
        "name": cadre.name,
        "unit": _unit(cadre.unit),
        "category": cadre.category,
        "rank": cadre.rank,
        "year": record.year,
        "hours": record.hours,
        "target_hours": record.target,
        "required_courses": [
            {
                "course_id": row.course_id,
                "title": row.course.title,
                "due_date": row.due_date,
                "completed_at": row.completed_at,
                "on_time": row.on_time,
                "minutes_studied": row.seconds_studied // 60,
                "quiz_percent": row.quiz_percent,
                "quiz_passed": row.quiz_passed,
            }
            for row in record.courses
        ],
        "credits": [
            {"earned_at": c.earned_at, "source": c.source, "hours": c.hours, "description": c.description}
            for c in record.credits
        ],
        "rotation": [
            {
                "programme": s.programme.name,
                "batch": s.batch.number,
                "starts_on": s.batch.starts_on,
                "ends_on": s.batch.ends_on,
                "outcome": s.outcome,
            }
            for s in record.seats
        ],
        "quizzes": [
            {"quiz": a.quiz.title, "finished_at": a.finished_at, "percent": a.percent, "passed": a.passed}
            for a in record.attempts
        ],
    }
