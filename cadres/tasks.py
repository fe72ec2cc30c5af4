"""Background work of the cadres app (run in-process by the embedded ImmediateBackend)."""

from django_tasks import task

from cadres import services


@task()
def run_roster_import(*, job_id: int) -> None:
    services.import_job_run(job_id=job_id)
