"""Reads about credit rules, learning records, claims and certificates. Fixed query counts."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from cadres.roles import Scope
from courses.models import CourseProgress, CreditEntry, CreditSource
from courses.selectors import yearly_target_hours
from quizzes.models import Attempt, AttemptStatus
from records import rules
from records.models import Certificate, CertificateKind, CertificateZip, ClaimStatus, CreditRule, OutsideClaim
from rotations.models import Attendance, AttendanceStatus, Batch, Outcome, Seat, Session

# What `secrets.token_urlsafe` writes (records.services.certificates), at most the field's length.
VERIFICATION_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}\Z")


def _scoped(queryset: QuerySet, scope: Scope, path_field: str) -> QuerySet:
    if scope.nothing:
        return queryset.none()
    if scope.everything:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": scope.path})


# ---------------------------------------------------------------------------- rules


def rule_from_row(row: CreditRule) -> rules.Rule:
    return rules.Rule(
        id=row.pk,
        label=row.name,
        year=row.year,
        category=row.category,
        rank=row.rank,
        target_hours=row.target_hours,
        target_days=row.target_days,
        conversion=row.conversion,
        minutes_per_hour=row.minutes_per_hour,
        buckets=tuple(rules.Bucket(min_minutes=b.min_minutes, hours=b.hours) for b in row.buckets.all()),
        quiz_bonus_hours=row.quiz_bonus_hours,
        completion_share=row.completion_share,
        hours_per_training_day=row.hours_per_training_day,
        caps=tuple(rules.Cap(source=c.source, period=c.period, hours=c.hours) for c in row.caps.all()),
    )


def rules_for_year(*, year: int) -> list[rules.Rule]:
    rows = CreditRule.objects.filter(Q(year=year) | Q(year__isnull=True)).prefetch_related("buckets", "caps")
    return [rule_from_row(row) for row in rows]


def rule_for(*, cadre: Cadre, year: int) -> rules.Rule:
    """The rule that counts this cadre's hours in `year`; the built-in default when none is set."""
    return rules.pick_rule(rules_for_year(year=year), year=year, category=cadre.category, rank=cadre.rank)


def rule_text(snapshot: dict) -> str:
    """A short readable account of how an entry was counted, from the snapshot kept on it."""
    if not snapshot:
        return _("Stated hours")
    method = snapshot.get("method")
    if method == rules.MINUTES:
        text = _("%(minutes)s min ÷ %(per_hour)s") % snapshot
    elif method == rules.BUCKETS:
        text = _("%(minutes)s min, bucket from %(bucket)s min") % {**snapshot, "bucket": snapshot.get("bucket") or 0}
    elif method == "days":
        text = _("%(days)s training days × %(per_day)s") % snapshot
    elif method == "claim":
        text = _("Approved claim")
    else:
        text = _("Stated hours")
    if snapshot.get("quiz_bonus"):
        text += " " + _("+ %(bonus)s for the quiz") % {"bonus": snapshot["quiz_bonus"]}
    if snapshot.get("cap"):
        text += " · " + _("capped at %(hours)s") % {"hours": snapshot.get("cap_hours")}
    label = snapshot.get("label") or _("Default rule")
    return f"{label}: {text}"


# ---------------------------------------------------------------------------- 学习档案


@dataclass(frozen=True)
class LedgerRow:
    entry: CreditEntry
    rule_text: str


@dataclass(frozen=True)
class SourceTotal:
    source: str
    label: str
    hours: Decimal


@dataclass(frozen=True)
class QuizResult:
    title: str
    best_percent: Decimal | None
    passed: bool
    attempts: int
    last_at: object


@dataclass
class LearningRecord:
    cadre: Cadre
    year: int
    rule: rules.Rule
    target_hours: Decimal
    ledger: list[LedgerRow]
    courses: list[CourseProgress]
    quizzes: list[QuizResult]
    seats: list[Seat]
    certificates: list[Certificate]
    claims: list[OutsideClaim]
    years: list[int]
    certifiable_courses: list[CourseProgress] = field(default_factory=list)
    certifiable_seats: list[Seat] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((row.entry.hours for row in self.ledger), Decimal(0))

    @property
    def by_source(self) -> list[SourceTotal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in self.ledger:
            totals[row.entry.source] += row.entry.hours
        return [
            SourceTotal(source=value, label=str(label), hours=totals.get(value, Decimal(0)))
            for value, label in CreditSource.choices
        ]

    @property
    def training_days(self) -> int:
        return sum(seat.training_days for seat in self.seats if seat.outcome == Outcome.COMPLETED)

    @property
    def percent(self) -> int:
        if not self.target_hours:
            return 100
        return min(100, int(100 * self.hours / self.target_hours))

    @property
    def target_met(self) -> bool:
        goal = rules.Rule(target_hours=self.target_hours, target_days=self.rule.target_days)
        return rules.target_met(goal, hours=self.hours, training_days=self.training_days)


def record_years(*, cadre: Cadre, today: date) -> list[int]:
    years = set(CreditEntry.objects.filter(cadre=cadre).values_list("year", flat=True).distinct())
    years.add(today.year)
    return sorted(years, reverse=True)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The local start of `year` and of the year after: the bounds of its entries and completions."""
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def quiz_results(*, cadre: Cadre, year: int) -> list[QuizResult]:
    start, end = year_bounds(year)
    attempts = (
        Attempt.objects.filter(cadre=cadre, finished_at__gte=start, finished_at__lt=end)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .select_related("quiz")
        .order_by("quiz__title", "finished_at")
    )
    by_quiz: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_quiz[attempt.quiz_id].append(attempt)
    results = []
    for tries in by_quiz.values():
        scored = [a.percent for a in tries if a.percent is not None]
        results.append(
            QuizResult(
                title=tries[0].quiz.title,
                best_percent=max(scored, default=None),
                passed=any(a.passed for a in tries),
                attempts=len(tries),
                last_at=tries[-1].finished_at,
            )
        )
    return results


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


def attended_session_ids(*, cadre: Cadre, batch_ids: list[int]) -> set[int]:
    """The sessions of these batches the cadre was in the classroom for (one query, none for no batches)."""
    if not batch_ids:
        return set()
    return set(
        Attendance.objects.filter(cadre=cadre, session__batch_id__in=batch_ids, status__in=ATTENDED).values_list(
            "session_id", flat=True
        )
    )


def learning_record(*, cadre: Cadre, year: int, today: date) -> LearningRecord:
    """Everything of one cadre's year: ledger, courses, quizzes, batches, certificates, claims."""
    start, end = year_bounds(year)
    rule = rule_for(cadre=cadre, year=year)
    ledger = [
        LedgerRow(entry=entry, rule_text=rule_text(entry.rule))
        for entry in CreditEntry.objects.filter(cadre=cadre, year=year).order_by("earned_at", "pk")
    ]
    courses = list(
        CourseProgress.objects.filter(cadre=cadre, completed_at__gte=start, completed_at__lt=end)
        .select_related("course")
        .order_by("completed_at")
    )
    seats = list(
        Seat.objects.filter(cadre=cadre, batch__starts_on__year=year)
        .select_related("batch", "programme", "credit_entry")
        .prefetch_related(Prefetch("batch__sessions", queryset=Session.objects.only("batch_id", "date", "hours")))
        .order_by("batch__starts_on")
    )
    attended = attended_session_ids(cadre=cadre, batch_ids=[seat.batch_id for seat in seats])
    for seat in seats:
        sessions = seat.batch.sessions.all()
        seat.training_days = len({s.date for s in sessions})
        seat.session_hours = sum((s.hours for s in sessions), Decimal(0))
        seat.attended_hours = sum((s.hours for s in sessions if s.pk in attended), Decimal(0))
    certificates = list(cadre.certificates.filter(completed_on__year=year).order_by("completed_on", "pk"))
    issued_courses = {c.course_id for c in certificates if c.kind == CertificateKind.COURSE}
    issued_programmes = {c.programme_id for c in certificates if c.kind == CertificateKind.PROGRAMME}
    target = rule.target_hours if rule.id else yearly_target_hours(category=cadre.category, year=year)
    return LearningRecord(
        cadre=cadre,
        year=year,
        rule=rule,
        target_hours=target,
        ledger=ledger,
        courses=courses,
        quizzes=quiz_results(cadre=cadre, year=year),
        seats=seats,
        certificates=certificates,
        claims=list(cadre.outside_claims.filter(starts_on__year=year)),
        years=record_years(cadre=cadre, today=today),
        certifiable_courses=[p for p in courses if p.course_id not in issued_courses],
        certifiable_seats=[
            s for s in seats if s.outcome == Outcome.COMPLETED and s.programme_id not in issued_programmes
        ],
    )


def cadres_in_scope(*, scope: Scope, query: str = "") -> QuerySet[Cadre]:
    cadres = _scoped(Cadre.objects.select_related("unit"), scope, "unit__path")
    for term in query.split():
        cadres = cadres.filter(Q(name__icontains=term) | Q(unit__name__icontains=term))
    return cadres.order_by("unit__path", "name", "pk")


def cadre_for_record(*, user, cadre_id: int, scope: Scope) -> Cadre | None:
    """The cadre whose record `user` may read: themselves, or someone in the subtree they manage."""
    own = getattr(user, "cadre", None)
    if own is not None and own.pk == cadre_id:
        return own
    return cadres_in_scope(scope=scope).filter(pk=cadre_id).first()


# ---------------------------------------------------------------------------- claims


def claims_in_scope(*, scope: Scope, status: str = "") -> QuerySet[OutsideClaim]:
    claims = _scoped(OutsideClaim.objects.select_related("cadre", "cadre__unit"), scope, "cadre__unit__path")
    return claims.filter(status=status) if status else claims


def claim_visible_to(*, user, scope: Scope, pk: int) -> OutsideClaim | None:
    own = getattr(user, "cadre", None)
    claim = OutsideClaim.objects.select_related("cadre", "cadre__unit").filter(pk=pk).first()
    if claim is None:
        return None
    if own is not None and claim.cadre_id == own.pk:
        return claim
    return claim if scope.allows_path(claim.cadre.unit.path) else None


def pending_claim_count(*, scope: Scope) -> int:
    return claims_in_scope(scope=scope, status=ClaimStatus.PENDING).count()


# ---------------------------------------------------------------------------- certificates


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate of a verification code; None for anything that is not a code at all."""
    return Certificate.objects.filter(code=code).first() if VERIFICATION_CODE.fullmatch(code) else None


def certificate_visible_to(*, user, scope: Scope, number: str) -> Certificate | None:
    certificate = Certificate.objects.select_related("cadre", "cadre__unit").filter(number=number).first()
    if certificate is None:
        return None
    own = getattr(user, "cadre", None)
    if own is not None and certificate.cadre_id == own.pk:
        return certificate
    return certificate if scope.allows_path(certificate.cadre.unit.path) else None


def certificates_in_scope(*, scope: Scope, query: str = "") -> QuerySet[Certificate]:
    certificates = _scoped(Certificate.objects.select_related("cadre", "cadre__unit"), scope, "cadre__unit__path")
    for term in query.split():
        certificates = certificates.filter(Q(number__iexact=term) | Q(name__icontains=term) | Q(title__icontains=term))
    return certificates


def batches_with_completions(*, scope: Scope) -> QuerySet[Batch]:
    batches = _scoped(Batch.objects.select_related("programme"), scope, "programme__unit__path")
    return batches.annotate(
        completed=Count("seats", filter=Q(seats__outcome=Outcome.COMPLETED), distinct=True)
    ).order_by("-starts_on", "number")


def zip_in_scope(*, scope: Scope, pk: int) -> CertificateZip | None:
    zips = _scoped(
        CertificateZip.objects.select_related("batch", "batch__programme"), scope, "batch__programme__unit__path"
    )
    return zips.filter(pk=pk).first()
