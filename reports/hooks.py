"""The calls other apps make after writing, so summary rows change in the same transaction.

These are the only places outside `reports` that import it (each call site says so):

- courses.services.course_progress_refresh → `course_progress_saved` (lesson and course
  completion, credit, a passed final test, the first beat in a course)
- courses.services.heartbeat_record, a beat that only adds study time → `course_seconds_added`
- quizzes.services._after_grading → `attempt_graded` (submit, time-out, essay grading)
- rotations.services.attendance.attendance_record and batch_complete, and
  rotations.services.scheduling.schedule_plan and seat_assign → `seats_changed`
- records (claim approval, recount, batch credit) → `credits_changed`

Roster and requirement edits reach the summaries through `reports.invalidation` instead; a
unit moved in the tree (treebeard's `move`, which sends no signal) calls `unit_moved`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from reports import summaries


def course_progress_saved(*, progress, now: datetime, credit_earned: bool) -> None:
    """After a CourseProgress write. Only a completion or credit earned moves the cadre's year
    figures (and so the rollups); a start or more study time only sets the course row's columns."""
    if progress.completed_at == now or credit_earned:
        summaries.summaries_refresh(cadre_ids=[progress.cadre_id])
    else:
        summaries.course_study_set(
            cadre_id=progress.cadre_id, course_id=progress.course_id, seconds=progress.seconds_studied
        )


def course_seconds_added(*, cadre_id: int, course_id: int, seconds: int) -> None:
    """After a heartbeat only added study time to a started course: the summary's seconds follow (one UPDATE)."""
    summaries.course_study_set(cadre_id=cadre_id, course_id=course_id, seconds=seconds)


def attempt_graded(*, attempt) -> None:
    summaries.summaries_refresh(cadre_ids=[attempt.cadre_id])


def _cadres_changed(cadre_ids: Iterable[int]) -> None:
    ids = set(cadre_ids)
    if ids:
        summaries.summaries_refresh(cadre_ids=ids)


def seats_changed(*, cadre_ids: Iterable[int]) -> None:
    """After seats, their outcomes or attendance marks changed for these cadres."""
    _cadres_changed(cadre_ids)


def credits_changed(*, cadre_ids: Iterable[int]) -> None:
    """After credit entries were added, changed or removed for these cadres (claims, recounts, batch credit)."""
    _cadres_changed(cadre_ids)


def unit_moved(*, unit) -> None:
    """After `unit` moved in the tree: its cadres' rows leave the old ancestors' rollups for the new ones.

    Their summaries still carry the old path, so the refresh subtracts from the old ancestors
    and adds to the new ones in one transaction. The tree keeps children sorted by code, so the
    move may also have shifted the paths of the unit's new siblings: every cadre under the new
    parent is refreshed, not only the moved subtree.
    """
    from cadres.models import Cadre

    path = type(unit).objects.filter(pk=unit.pk).values_list("path", flat=True).get()
    parent_path = path[: -unit.steplen] or path
    _cadres_changed(Cadre.objects.filter(unit__path__startswith=parent_path).values_list("pk", flat=True))
