"""Every write of the records app: counting credit by the rules, claims, recounts, certificates."""

from __future__ import annotations

import io
import itertools
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from cadres.models import Cadre
from courses.crediting import CourseCredit
from courses.models import CoursePage, CourseProgress, CreditEntry, CreditSource, LessonPage, Requirement
from courses.selectors import ancestor_paths, requirements_for_cadre
from quizzes.models import Attempt
from records import certificates as pdf
from records import rules, selectors
from records.exceptions import CertificateRefused, ClaimRefused
from records.models import (
    Certificate,
    CertificateKind,
    CertificateZip,
    ClaimStatus,
    JobStatus,
    OutsideClaim,
)
from rotations.models import Outcome, Seat, Session

CLAIM_ALREADY_DECIDED = gettext_noop("This claim has already been decided.")
CLAIM_NEEDS_REASON = gettext_noop("Say why the claim is returned.")
CLAIM_DATES = gettext_noop("The training must end on or after the day it starts, and not in the future.")
CERTIFICATE_NOT_COMPLETED = gettext_noop("A certificate is issued only for completed training.")
CERTIFICATE_ALREADY_REVOKED = gettext_noop("This certificate was already revoked.")
CERTIFICATE_NEEDS_REASON = gettext_noop("Give a reason for revoking the certificate.")

CODE_BYTES = 18  # 144 random bits: guessing a valid code is impractical


def rule_snapshot(rule: rules.Rule, *parts: dict) -> dict:
    snapshot: dict = {"id": rule.id, "label": rule.label}
    for part in parts:
        snapshot.update(part)
    return snapshot


def course_minutes(course: CoursePage) -> int:
    return course.lessons().aggregate(total=Sum("minutes"))["total"] or 0


def course_quiz_passed(*, cadre: Cadre, course: CoursePage) -> bool:
    return Attempt.objects.filter(cadre=cadre, quiz__course=course, quiz__is_published=True, passed=True).exists()


def _tally_for_year(*, cadre: Cadre, year: int, rule: rules.Rule) -> rules.Tally:
    """The caps already used by the cadre's entries of the year, replayed in the order earned."""
    tally = rules.Tally()
    if not rule.caps:
        return tally
    required = {r.course_id for r in requirements_for_cadre(cadre=cadre, year=year)}
    for entry in CreditEntry.objects.filter(cadre=cadre, year=year).order_by("earned_at", "pk"):
        elective = entry.source == CreditSource.COURSE and entry.course_id not in required
        tally.grant(
            rules.Rule(),  # replay only: record what was granted, with no caps to cut it again
            source=entry.source,
            hours=entry.hours,
            day=timezone.localtime(entry.earned_at).date(),
            elective=elective,
        )
    return tally


def _grant(*, cadre: Cadre, rule: rules.Rule, source: str, counted: rules.Counted, when: datetime, elective: bool):
    # Serialise one cadre's credits, so two completions at once cannot both fill the last of a cap.
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    year = timezone.localtime(when).year
    tally = _tally_for_year(cadre=cadre, year=year, rule=rule)
    granted = tally.grant(
        rule, source=source, hours=counted.hours, day=timezone.localtime(when).date(), elective=elective
    )
    return granted.hours, rule_snapshot(rule, counted.basis, granted.basis)


class RulesCreditPolicy:
    """courses.crediting policy: course hours and targets come from the administrators' rules."""

    def course_credit(self, *, cadre: Cadre, course: CoursePage, when: datetime, share: float) -> CourseCredit | None:
        year = timezone.localtime(when).year
        rule = selectors.rule_for(cadre=cadre, year=year)
        if not rules.share_is_enough(rule, share):
            return None
        counted = rules.course_hours(
            rule,
            stated_hours=course.credit_hours,
            minutes=course_minutes(course) if rule.conversion != rules.COURSE else 0,
            quiz_passed=bool(rule.quiz_bonus_hours) and course_quiz_passed(cadre=cadre, course=course),
        )
        elective = False
        if rule.caps:
            elective = course.pk not in {r.course_id for r in requirements_for_cadre(cadre=cadre, year=year)}
        hours, snapshot = _grant(
            cadre=cadre, rule=rule, source=CreditSource.COURSE, counted=counted, when=when, elective=elective
        )
        return CourseCredit(hours=hours, rule=snapshot)

    def yearly_target(self, *, cadre: Cadre, year: int) -> Decimal | None:
        rule = selectors.rule_for(cadre=cadre, year=year)
        return rule.target_hours if rule.id else None


# ---------------------------------------------------------------------------- claims


@transaction.atomic
def claim_submit(
    *, cadre: Cadre, title: str, organiser: str, starts_on, ends_on, hours: Decimal, proof
) -> OutsideClaim:
    if starts_on > ends_on or ends_on > timezone.localdate():
        raise ClaimRefused(CLAIM_DATES)
    claim = OutsideClaim(
        cadre=cadre,
        title=title,
        organiser=organiser,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
        proof=proof,
        submitted_at=timezone.now(),
    )
    claim.full_clean()
    claim.save()
    return claim


def _pending(claim: OutsideClaim) -> OutsideClaim:
    claim = OutsideClaim.objects.select_for_update().select_related("cadre").get(pk=claim.pk)
    if claim.status != ClaimStatus.PENDING:
        raise ClaimRefused(CLAIM_ALREADY_DECIDED)
    return claim


@transaction.atomic
def claim_approve(*, claim: OutsideClaim, by, now: datetime | None = None) -> OutsideClaim:
    """Approve: the hours go into the ledger, counted (and capped) by the cadre's rule."""
    now = now or timezone.now()
    claim = _pending(claim)
    # The hours belong to the day the training ended, the year it counts for.
    earned_at = timezone.make_aware(datetime.combine(claim.ends_on, time(12)))
    year = claim.ends_on.year
    rule = selectors.rule_for(cadre=claim.cadre, year=year)
    counted = rules.Counted(hours=claim.hours, basis={"method": "claim"})
    hours, snapshot = _grant(
        cadre=claim.cadre, rule=rule, source=CreditSource.OUTSIDE, counted=counted, when=earned_at, elective=False
    )
    claim.credit_entry = CreditEntry.objects.create(
        cadre=claim.cadre,
        year=year,
        hours=hours,
        source=CreditSource.OUTSIDE,
        description=f"{claim.title} · {claim.organiser}"[:200],
        earned_at=earned_at,
        rule=snapshot,
    )
    claim.status, claim.decided_by, claim.decided_at, claim.reason = ClaimStatus.APPROVED, by, now, ""
    claim.save(update_fields=["credit_entry", "status", "decided_by", "decided_at", "reason"])
    return claim


@transaction.atomic
def claim_return(*, claim: OutsideClaim, by, reason: str, now: datetime | None = None) -> OutsideClaim:
    if not reason.strip():
        raise ClaimRefused(CLAIM_NEEDS_REASON)
    claim = _pending(claim)
    claim.status, claim.decided_by, claim.decided_at = ClaimStatus.RETURNED, by, now or timezone.now()
    claim.reason = reason.strip()[:300]
    claim.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return claim


# ---------------------------------------------------------------------------- recount


@dataclass(frozen=True)
class Change:
    entry_id: int
    cadre_id: int
    cadre_name: str
    source: str
    description: str
    old_hours: Decimal
    new_hours: Decimal
    rule: str


@dataclass
class RecomputeReport:
    year: int
    entries: int = 0
    cadres: int = 0
    relabelled: int = 0
    changes: list[Change] = field(default_factory=list)

    @property
    def hours_before(self) -> Decimal:
        return sum((c.old_hours for c in self.changes), Decimal(0))

    @property
    def hours_after(self) -> Decimal:
        return sum((c.new_hours for c in self.changes), Decimal(0))


def _lesson_minutes_by_course(course_ids: Iterable[int]) -> dict[int, int]:
    """Live lesson minutes per course, in two queries however many courses there are."""
    courses = {c.path: c.pk for c in CoursePage.objects.filter(pk__in=list(course_ids)).only("path", "depth")}
    depths = {len(path) // LessonPage.steplen + 1 for path in courses}
    minutes: dict[int, int] = defaultdict(int)
    for path, lesson_minutes in LessonPage.objects.live().filter(depth__in=depths).values_list("path", "minutes"):
        course_id = courses.get(path[: -LessonPage.steplen])
        if course_id is not None:
            minutes[course_id] += lesson_minutes
    return minutes


def _count_cadre(
    *,
    cadre: Cadre,
    entries: list[CreditEntry],
    rule: rules.Rule,
    required: set[int],
    minutes: dict[int, int],
    quiz_passes: set[tuple[int, int]],
    batch_info: dict[int, tuple[Decimal, int]],
    claim_hours: dict[int, Decimal],
) -> dict[int, tuple[Decimal, dict]]:
    items, bases = [], {}
    for entry in entries:
        if entry.source == CreditSource.COURSE and entry.course_id is not None:
            counted = rules.course_hours(
                rule,
                stated_hours=entry.course.credit_hours,
                minutes=minutes.get(entry.course_id, 0),
                quiz_passed=(cadre.pk, entry.course_id) in quiz_passes,
            )
        elif entry.source == CreditSource.BATCH and entry.pk in batch_info:
            stated, days = batch_info[entry.pk]
            counted = rules.batch_hours(rule, stated_hours=stated, training_days=days)
        elif entry.source == CreditSource.OUTSIDE and entry.pk in claim_hours:
            counted = rules.Counted(hours=claim_hours[entry.pk], basis={"method": "claim"})
        else:
            counted = rules.Counted(hours=entry.hours, basis=dict(entry.rule) or {})
        bases[entry.pk] = counted.basis
        items.append(
            rules.Item(
                key=entry.pk,
                source=entry.source,
                day=timezone.localtime(entry.earned_at).date(),
                hours=counted.hours,
                elective=entry.source == CreditSource.COURSE and entry.course_id not in required,
            )
        )
    granted = rules.count_year(rule, items)
    return {key: (result.hours, rule_snapshot(rule, bases[key], result.basis)) for key, result in granted.items()}


@transaction.atomic
def ledger_recompute(*, year: int, apply: bool = True, chunk: int = 500) -> RecomputeReport:
    """Recount every ledger entry of `year` under the rules as they stand now; report what changed.

    Entries keep their source and date; hours and the rule snapshot are rewritten (unless
    `apply` is false). Caps are replayed in the order entries were earned.
    """
    report = RecomputeReport(year=year)
    year_rules = selectors.rules_for_year(year=year)
    requirements = list(Requirement.objects.filter(year=year).select_related("unit"))
    cadre_ids = sorted(set(CreditEntry.objects.filter(year=year).values_list("cadre_id", flat=True)))
    for start in range(0, len(cadre_ids), chunk):
        ids = cadre_ids[start : start + chunk]
        entries = list(
            CreditEntry.objects.filter(year=year, cadre_id__in=ids)
            .select_related("cadre", "cadre__unit", "course")
            .order_by("cadre_id", "earned_at", "pk")
        )
        course_ids = {e.course_id for e in entries if e.course_id}
        minutes = _lesson_minutes_by_course(course_ids)
        quiz_passes = set(
            Attempt.objects.filter(
                cadre_id__in=ids, quiz__course_id__in=course_ids, quiz__is_published=True, passed=True
            ).values_list("cadre_id", "quiz__course_id")
        )
        seats = list(Seat.objects.filter(credit_entry__in=[e.pk for e in entries]).select_related("programme"))
        days: dict[int, set] = defaultdict(set)
        for batch_id, day in Session.objects.filter(batch_id__in=[s.batch_id for s in seats]).values_list(
            "batch_id", "date"
        ):
            days[batch_id].add(day)
        batch_info = {s.credit_entry_id: (s.programme.credit_hours, len(days[s.batch_id])) for s in seats}
        claim_hours = dict(
            OutsideClaim.objects.filter(credit_entry__in=[e.pk for e in entries]).values_list(
                "credit_entry_id", "hours"
            )
        )
        changed = []
        for cadre_id, group in itertools.groupby(entries, key=lambda e: e.cadre_id):
            group = list(group)
            cadre = group[0].cadre
            paths = set(ancestor_paths(cadre.unit.path))
            required = {
                r.course_id
                for r in requirements
                if r.unit.path in paths and (not r.categories or cadre.category in r.categories)
            }
            rule = rules.pick_rule(year_rules, year=year, category=cadre.category, rank=cadre.rank)
            counted = _count_cadre(
                cadre=cadre,
                entries=group,
                rule=rule,
                required=required,
                minutes=minutes,
                quiz_passes=quiz_passes,
                batch_info=batch_info,
                claim_hours=claim_hours,
            )
            report.cadres += 1
            for entry in group:
                report.entries += 1
                hours, snapshot = counted[entry.pk]
                if hours != entry.hours:
                    report.changes.append(
                        Change(
                            entry_id=entry.pk,
                            cadre_id=cadre_id,
                            cadre_name=cadre.name,
                            source=entry.source,
                            description=entry.description,
                            old_hours=entry.hours,
                            new_hours=hours,
                            rule=rule.label or "default",
                        )
                    )
                elif snapshot == entry.rule:
                    continue
                else:
                    report.relabelled += 1
                entry.hours, entry.rule = hours, snapshot
                changed.append(entry)
        if apply and changed:
            CreditEntry.objects.bulk_update(changed, ["hours", "rule"], batch_size=500)
    return report


# ---------------------------------------------------------------------------- certificates


def _issuer_name() -> str:
    return getattr(settings, "RECORDS_CERTIFICATE_ISSUER", settings.WAGTAIL_SITE_NAME)


def _issue(*, cadre: Cadre, kind: str, lookup: dict, title: str, hours: Decimal, completed_on, issuer: str):
    existing = Certificate.objects.filter(cadre=cadre, **lookup).first()
    if existing is not None:
        return existing
    now = timezone.now()
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
    prefix = "K" if kind == CertificateKind.COURSE else "L"
    certificate.number = f"{timezone.localtime(now):%Y}{prefix}{certificate.pk:08d}"
    certificate.save(update_fields=["number"])
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
    return certificate


def verify_url(certificate: Certificate) -> str:
    from django.urls import reverse

    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("records:verify", args=[certificate.code])


def certificate_pdf(certificate: Certificate) -> bytes:
    return pdf.certificate_pdf(pdf.certificate_data(certificate, verify_url=verify_url(certificate)))


@transaction.atomic
def certificate_zip_create(*, batch, by) -> CertificateZip:
    job = CertificateZip.objects.create(batch=batch, requested_by=by)
    from records.tasks import run_certificate_zip

    transaction.on_commit(lambda: run_certificate_zip.enqueue(job_id=job.pk))
    return job


def certificate_zip_run(*, job_id: int, progress_every: int = 10) -> CertificateZip:
    """Issue (if needed) and render every completed seat's certificate of the batch into one zip."""
    jobs = CertificateZip.objects.filter(pk=job_id)
    job = jobs.select_related("batch").get()
    seats = list(
        Seat.objects.filter(batch=job.batch, outcome=Outcome.COMPLETED)
        .select_related("cadre", "programme", "programme__unit", "batch", "credit_entry")
        .order_by("cadre__name", "pk")
    )
    jobs.update(status=JobStatus.RUNNING, total=len(seats), done=0)
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, seat in enumerate(seats, start=1):
                certificate = certificate_issue_for_seat(seat=seat)
                archive.writestr(f"{certificate.number}-{certificate.name}.pdf", certificate_pdf(certificate))
                if done % progress_every == 0:
                    jobs.update(done=done)
    except Exception:
        jobs.update(status=JobStatus.FAILED, finished_at=timezone.now())
        raise
    job.file.save(f"certificates-batch-{job.batch_id}.zip", ContentFile(buffer.getvalue()), save=False)
    jobs.update(status=JobStatus.SUCCEEDED, done=len(seats), file=job.file.name, finished_at=timezone.now())
    job.refresh_from_db()
    return job
