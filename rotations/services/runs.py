"""Scheduler runs in the background: one at a time per programme, with their phase and progress.

The officer's click queues a run (`schedule_run_start`); a task executes it
(`schedule_run_execute`), writing the phase as it goes so the schedule page's progress bar
can follow it. Under the embedded ImmediateBackend the task runs in the same request right
after the commit, so the page the officer lands on already shows the result.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from rotations.models import ACTIVE_RUN_STATUSES, Programme, RunPhase, RunStatus, ScheduleRun
from rotations.services import scheduling

logger = logging.getLogger("jianbing.rotations")

# A run still "under way" after this long was lost with its worker; a new click may replace it.
STALE_AFTER = timedelta(hours=1)
RUN_ABANDONED = gettext_noop("The run stopped without finishing (its worker was lost).")
RUN_FAILED = gettext_noop("The scheduler failed: {error}")


@transaction.atomic
def schedule_run_start(
    *, programme: Programme, by=None, makeup: bool = False, now: datetime | None = None
) -> tuple[ScheduleRun, bool]:
    """Queue a run of the scheduler, unless one is already under way for the programme.

    Returns the run to follow and whether it is new: a second click while a run is queued or
    running gets the same run back instead of starting another.
    """
    now = now or timezone.now()
    # The programme's row lock makes concurrent clicks take turns; the partial unique
    # constraint `one_active_schedule_run_per_programme` is the backstop.
    Programme.objects.select_for_update().get(pk=programme.pk)
    active = ScheduleRun.objects.filter(programme=programme, status__in=ACTIVE_RUN_STATUSES).first()
    if active is not None:
        if active.created_at > now - STALE_AFTER:
            return active, False
        _finish(active.pk, status=RunStatus.FAILED, error=RUN_ABANDONED, now=now)
    try:
        with transaction.atomic():
            run = ScheduleRun.objects.create(
                programme=programme,
                created_at=now,
                created_by=by,
                makeup=makeup,
                status=RunStatus.QUEUED,
                phase=RunPhase.QUEUED,
                percent=0,
            )
    except IntegrityError:
        return ScheduleRun.objects.get(programme=programme, status__in=ACTIVE_RUN_STATUSES), False
    from rotations.tasks import run_schedule

    transaction.on_commit(lambda: run_schedule.enqueue(run_id=run.pk))
    return run, True


def schedule_run_execute(*, run_id: int) -> ScheduleRun:
    """Run a queued run once (a task delivered twice does nothing the second time)."""
    claimed = ScheduleRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, phase=RunPhase.LOADING, percent=1
    )
    run = ScheduleRun.objects.select_related("programme", "created_by").get(pk=run_id)
    if not claimed:
        return run
    try:
        scheduling.schedule_plan(
            programme=run.programme,
            by=run.created_by,
            makeup=run.makeup,
            run=run,
            on_phase=lambda phase, percent: run_progress(run_id=run_id, phase=phase, percent=percent),
        )
    except Exception as error:
        logger.exception("Schedule run %s failed", run_id)
        _finish(run_id, status=RunStatus.FAILED, error=RUN_FAILED.format(error=error))
    run.refresh_from_db()
    return run


def run_progress(*, run_id: int, phase: str, percent: int) -> None:
    """Record how far a run has got; written straight away so the progress bar sees it."""
    ScheduleRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(phase=phase, percent=percent)


def _finish(run_id: int, *, status: str, error: str = "", now: datetime | None = None) -> None:
    ScheduleRun.objects.filter(pk=run_id).update(
        status=status, phase=RunPhase.DONE, percent=100, error=error[:300], finished_at=now or timezone.now()
    )
