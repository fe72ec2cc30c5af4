"""The officers' and trainers' admin home (/admin/): what waits for them, and their subtree in figures.

Each to-do is one COUNT over the user's scope and the figures come from the rollups, so the page
costs the same number of queries for a village team as for a province.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import TaskState

from cadres.models import ImportStatus, OrgUnit
from cadres.permissions import cached_scope
from cadres.roles import Scope
from cadres.selectors import import_job_list_in_scope
from postings.models import LeaveStatus as PostingLeaveStatus
from postings.selectors import leave_requests_in_scope, postings_ending
from quizzes import roles as quiz_roles
from quizzes.selectors import essay_queue
from records.selectors import pending_claim_count
from reports import selectors
from rotations.models import LeaveRequest as TrainingLeave
from rotations.models import LeaveStatus as TrainingLeaveStatus

ENDING_WITHIN_DAYS = 60
FAILED_IMPORTS_WITHIN_DAYS = 30
FAILED_IMPORTS = (ImportStatus.FAILED, ImportStatus.REJECTED)


@dataclass(frozen=True)
class ToDo:
    key: str
    label: str
    count: int
    url: str
    done_text: str  # what the row says when nothing waits


@dataclass(frozen=True)
class Figures:
    cadres: int
    completion_rate: float | None
    overdue: int
    year: int


@dataclass(frozen=True)
class OfficerHome:
    todos: list[ToDo]
    figures: Figures | None

    @property
    def todos_waiting_first(self) -> list[ToDo]:
        return sorted(self.todos, key=lambda todo: todo.count == 0)

    @property
    def waiting(self) -> int:
        return sum(todo.count for todo in self.todos)


def _in_scope(queryset, scope: Scope, path_field: str):
    if scope.nothing:
        return queryset.none()
    if scope.everything:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": scope.path})


def officer_todos(*, user, scope: Scope, today: date) -> list[ToDo]:
    """What waits for an officer in their subtree (nothing for a user without one)."""
    if scope.nothing:
        return []
    since = timezone.now() - timedelta(days=FAILED_IMPORTS_WITHIN_DAYS)
    training_leave = _in_scope(
        TrainingLeave.objects.filter(status=TrainingLeaveStatus.PENDING), scope, "seat__cadre__unit__path"
    )
    return [
        ToDo(
            "leave",
            _("Leave requests waiting"),
            leave_requests_in_scope(scope=scope).filter(status=PostingLeaveStatus.PENDING).count(),
            reverse("postings_leave:index"),
            _("No leave request waits for a decision."),
        ),
        ToDo(
            "training_leave",
            _("Training leave waiting"),
            training_leave.count(),
            reverse("rotations_batches"),
            _("No training leave waits for a decision."),
        ),
        ToDo(
            "claims",
            _("Outside-training claims waiting"),
            pending_claim_count(scope=scope),
            reverse("records_claims"),
            _("No claim waits for approval."),
        ),
        ToDo(
            "imports",
            _("Failed roster imports (last 30 days)"),
            import_job_list_in_scope(scope=scope).filter(status__in=FAILED_IMPORTS, created_at__gte=since).count(),
            reverse("cadres_roster_import"),
            _("No roster import failed."),
        ),
        ToDo(
            "ending",
            _("Terms ending in the next 60 days"),
            postings_ending(scope=scope, until=today + timedelta(days=ENDING_WITHIN_DAYS)).count(),
            reverse("postings_report_ending") + "?within=2",
            _("No term ends in the next 60 days."),
        ),
    ]


def trainer_todos(*, user) -> list[ToDo]:
    """Course reviews and essays waiting for a trainer or an approver."""
    todos = []
    scope = cached_scope(user)
    if getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
        reviews = TaskState.objects.reviewable_by(user).count()
        # Trainers and administrators review courses; an officer sees the row only if one waits.
        if reviews or scope.nothing or scope.everything:
            todos.append(
                ToDo(
                    "reviews",
                    _("Course reviews waiting"),
                    reviews,
                    reverse("wagtailadmin_home") + "#awaiting-review",
                    _("No course waits for your review."),
                )
            )
    if quiz_roles.can_grade_essays(user):
        todos.append(
            ToDo(
                "essays",
                _("Essays to grade"),
                essay_queue(scope=quiz_roles.results_scope(user)).count(),
                reverse("quiz_results:essays"),
                _("No essay waits for grading."),
            )
        )
    return todos


def figures_for(*, scope: Scope, today: date) -> Figures | None:
    """Cadres, this year's completion rate and the overdue of the subtree, from the rollups."""
    if scope.nothing:
        return None
    filters = selectors.Filters(year=today.year)
    if scope.everything:
        paths = list(OrgUnit.objects.filter(depth=1).values_list("path", flat=True))
    else:
        paths = [scope.path]
    total = selectors.Completion(key="", label="")
    for completion in selectors.subtree_completion(filters, paths=paths, today=today).values():
        total.add(completion)
    return Figures(cadres=total.cadres, completion_rate=total.completion_rate, overdue=total.overdue, year=today.year)


def officer_home(*, user, today: date | None = None) -> OfficerHome:
    today = today or timezone.localdate()
    scope = cached_scope(user)
    figures = figures_for(scope=scope, today=today)
    todos = officer_todos(user=user, scope=scope, today=today)
    if figures is not None:
        todos.insert(
            3,
            ToDo(
                "overdue",
                _("Cadres overdue with required courses"),
                figures.overdue,
                reverse("reports_overdue"),
                _("Nobody is overdue."),
            ),
        )
    return OfficerHome(todos=todos + trainer_todos(user=user), figures=figures)


class OfficerHomePanel(Component):
    """First on /admin/ for officers and trainers: their to-dos with counts and links, then figures."""

    name = "officer_home"
    template_name = "reports/admin/home_panel.html"
    order = 10

    class Media:
        css = {"all": ["css/admin_home.css"]}

    def __init__(self, home: OfficerHome) -> None:
        self.home = home

    def get_context_data(self, parent_context):
        return {"home": self.home, "request": parent_context.get("request")}
