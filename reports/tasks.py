"""Background work of the reports app (run in-process by the embedded ImmediateBackend)."""

from django_tasks import task

from cadres.models import Cadre


@task()
def refresh_subtree(*, unit_path: str) -> int:
    """Recompute the summaries of every cadre in a subtree (after a requirement or roster change)."""
    from reports.summaries import summaries_rebuild

    ids = Cadre.objects.filter(unit__path__startswith=unit_path).values_list("pk", flat=True)
    return summaries_rebuild(cadre_ids=ids)


@task()
def run_export(*, job_id: int) -> None:
    from reports.exports import export_job_run

    export_job_run(job_id=job_id)


@task()
def send_overdue_reminders(*, sender_id: int | None, params: dict) -> int:
    """Remind everyone overdue in what `params` select, as the sender sees it (the whole tree without one)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from reports import selectors
    from reports.registry import filters_for
    from reports.reminders import overdue_reminders_send

    if sender_id is None:
        return overdue_reminders_send(filters=selectors.Filters(year=timezone.localdate().year))
    sender = get_user_model().objects.get(pk=sender_id)
    filters, _applied = filters_for(params, sender)
    return overdue_reminders_send(filters=filters, sender=sender)


@task()
def send_weekly_digests() -> int:
    from reports.reminders import weekly_digests_send

    return weekly_digests_send()
