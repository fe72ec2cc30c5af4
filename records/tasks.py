"""Background work of the records app (run in-process by the embedded ImmediateBackend)."""

from django_tasks import task

from records.services import certificates


@task()
def run_certificate_zip(*, job_id: int, base: str = "") -> None:
    certificates.certificate_zip_run(job_id=job_id, base=base)
