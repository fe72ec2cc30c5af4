"""Certificates (结业证书): issued once per completed course or rotation programme, revoked, zipped per batch."""

from __future__ import annotations

import io
import secrets
import zipfile
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from cadres.models import Cadre
from courses.models import CoursePage, CourseProgress, CreditEntry, CreditSource
from lms.base_url import base_url
from records import certificates as pdf
from records.exceptions import CertificateRefused
from records.models import Certificate, CertificateKind, CertificateZip, JobStatus
from rotations.models import Outcome, Seat

CERTIFICATE_NOT_COMPLETED = gettext_noop("A certificate is issued only for completed training.")
CERTIFICATE_ALREADY_REVOKED = gettext_noop("This certificate was already revoked.")
CERTIFICATE_NEEDS_REASON = gettext_noop("Give a reason for revoking the certificate.")
CERTIFICATE_ISSUED_TEXT = gettext_noop("Your certificate for %(title)s has been issued, number %(number)s.")

CODE_BYTES = 18  # 144 random bits: guessing a valid code is impractical


def _issuer_name() -> str:
    return getattr(settings, "RECORDS_CERTIFICATE_ISSUER", settings.WAGTAIL_SITE_NAME)


def _notify_issued(certificate: Certificate, *, user_id: int) -> None:
    """An in-site message (the reports app's notifications) telling the cadre where the PDF is."""
    from reports.models import Notification

    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(CERTIFICATE_ISSUED_TEXT) % {"title": certificate.title, "number": certificate.number}
    Notification.objects.create(
        user_id=user_id,
        text=text[:500],
        url=reverse("records:certificate-pdf", kwargs={"number": certificate.number}),
        created_at=certificate.issued_at,
    )


def _issue(*, cadre: Cadre, kind: str, lookup: dict, title: str, hours: Decimal, completed_on, issuer: str):
    """The cadre's certificate for `lookup` (a course or a programme): the existing one, or a new one.

    Two completions at once cannot issue two: the unique constraints refuse the second insert, which
    then returns the first one's row. Only a new certificate notifies the cadre.
    """
    existing = Certificate.objects.filter(cadre=cadre, **lookup).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                cadre=cadre,
                kind=kind,
                number=secrets.token_hex(8),  # replaced below, once the row has its id
                code=secrets.token_urlsafe(CODE_BYTES),
                name=cadre.name,
                title=title[:200],
                hours=hours,
                completed_on=completed_on,
                issuer=issuer[:100],
                issued_at=now,
                **lookup,
            )
    except IntegrityError:
        return Certificate.objects.get(cadre=cadre, **lookup)
    prefix = "K" if kind == CertificateKind.COURSE else "L"
    certificate.number = f"{timezone.localtime(now):%Y}{prefix}{certificate.pk:08d}"
    certificate.save(update_fields=["number"])
    _notify_issued(certificate, user_id=cadre.user_id)
    return certificate


@transaction.atomic
def certificate_issue_for_course(*, cadre: Cadre, course: CoursePage) -> Certificate:
    progress = CourseProgress.objects.filter(cadre=cadre, course=course, completed_at__isnull=False).first()
    if progress is None:
        raise CertificateRefused(CERTIFICATE_NOT_COMPLETED)
    entry = CreditEntry.objects.filter(cadre=cadre, course=course, source=CreditSource.COURSE).first()
    return _issue(
        cadre=cadre,
        kind=CertificateKind.COURSE,
        lookup={"course": course},
        title=course.title,
        hours=entry.hours if entry else course.credit_hours,
        completed_on=timezone.localtime(progress.completed_at).date(),
        issuer=_issuer_name(),
    )


@transaction.atomic
def certificate_issue_for_seat(*, seat: Seat) -> Certificate:
    if seat.outcome != Outcome.COMPLETED:
        raise CertificateRefused(CERTIFICATE_NOT_COMPLETED)
    programme = seat.programme
    hours = seat.credit_entry.hours if seat.credit_entry_id else programme.credit_hours
    completed = timezone.localtime(seat.completed_at).date() if seat.completed_at else seat.batch.ends_on
    return _issue(
        cadre=seat.cadre,
        kind=CertificateKind.PROGRAMME,
        lookup={"programme": programme},
        title=f"{programme.name}（{seat.batch}）",
        hours=hours,
        completed_on=completed,
        issuer=programme.organiser or programme.unit.name,
    )


def on_course_completed(*, cadre: Cadre, course: CoursePage, when: datetime) -> None:
    """courses.completion listener: a completed course gets its certificate in the same transaction."""
    certificate_issue_for_course(cadre=cadre, course=course)


def on_seat_completed(*, seat: Seat, when: datetime) -> None:
    """rotations listener: a completed rotation programme gets its certificate in the same transaction."""
    certificate_issue_for_seat(seat=seat)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str, now: datetime | None = None) -> Certificate:
    if not reason.strip():
        raise CertificateRefused(CERTIFICATE_NEEDS_REASON)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise CertificateRefused(CERTIFICATE_ALREADY_REVOKED)
    certificate.revoked_at, certificate.revoked_by = now or timezone.now(), by
    certificate.revoke_reason = reason.strip()[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import credits_changed

    credits_changed(cadre_ids=[certificate.cadre_id])
    return certificate


def verify_url(certificate: Certificate, *, base: str) -> str:
    return base + reverse("records:verify", args=[certificate.code])


def certificate_pdf(certificate: Certificate, *, base: str = "") -> bytes:
    """`base` is where the verification link starts (lms.base_url); without it, the fallback."""
    base = base or base_url()
    return pdf.certificate_pdf(pdf.certificate_data(certificate, verify_url=verify_url(certificate, base=base)))


@transaction.atomic
def certificate_zip_create(*, batch, by, base: str = "") -> CertificateZip:
    """Queue the zip of a batch's certificates; its page polls the job's progress.

    `base` is the requesting page's address (lms.base_url), which the task has no request to ask.
    """
    job = CertificateZip.objects.create(batch=batch, requested_by=by)
    from records.tasks import run_certificate_zip

    transaction.on_commit(lambda: run_certificate_zip.enqueue(job_id=job.pk, base=base))
    return job


def certificate_zip_run(*, job_id: int, base: str = "", progress_every: int = 10) -> CertificateZip:
    """Issue (if needed) and render every completed seat's certificate of the batch into one zip."""
    jobs = CertificateZip.objects.filter(pk=job_id)
    job = jobs.select_related("batch").get()
    seats = list(
        Seat.objects.filter(batch=job.batch, outcome=Outcome.COMPLETED)
        .select_related("cadre", "programme", "programme__unit", "batch", "credit_entry")
        .order_by("cadre__name", "pk")
    )
    jobs.update(status=JobStatus.RUNNING, total=len(seats), done=0)
    base = base_url(passed=base)
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, seat in enumerate(seats, start=1):
                certificate = certificate_issue_for_seat(seat=seat)
                archive.writestr(
                    f"{certificate.number}-{certificate.name}.pdf", certificate_pdf(certificate, base=base)
                )
                if done % progress_every == 0:
                    jobs.update(done=done)
    except Exception:
        jobs.update(status=JobStatus.FAILED, finished_at=timezone.now())
        raise
    job.file.save(f"certificates-batch-{job.batch_id}.zip", ContentFile(buffer.getvalue()), save=False)
    jobs.update(status=JobStatus.SUCCEEDED, done=len(seats), file=job.file.name, finished_at=timezone.now())
    job.refresh_from_db()
    return job
