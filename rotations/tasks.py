"""Background work of the rotations app (run in-process by the embedded ImmediateBackend)."""

from django_tasks import task


@task()
def run_schedule(*, run_id: int) -> None:
    from rotations.services.runs import schedule_run_execute

    schedule_run_execute(run_id=run_id)
