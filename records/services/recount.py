"""Recounting a year's ledger under the rules as they stand now: what changed, was added or removed."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cadres.models import Cadre
from courses import completion
from courses.models import (
    CoursePage,
    CourseProgress,
    CreditEntry,
    CreditSource,
    LessonPage,
    LessonProgress,
    Requirement,
)
from quizzes.models import Attempt
from records import rules, selectors
from records.models import ClaimStatus, OutsideClaim
from records.services.claims import claim_description, claim_earned_at
from records.services.credit import rule_snapshot
from rotations.models import Outcome, Seat, Session

ZERO = Decimal(0)


@dataclass(frozen=True)
class Change:
    """One entry whose hours differ: changed (old → new), added (0 → new) or removed (old → 0)."""

    entry_id: int | None  # None for an entry a dry run would add
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
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)

    @property
    def hours_before(self) -> Decimal:
        return sum((c.old_hours for c in self.changes + self.removed), ZERO)

    @property
    def hours_after(self) -> Decimal:
        return sum((c.new_hours for c in self.changes + self.added), ZERO)

    @property
    def delta(self) -> Decimal:
        return self.hours_after - self.hours_before


@dataclass
class _Line:
    """An entry to count: one already in the ledger, or one missing from it (entry is None)."""

    order: tuple
    cadre: Cadre
    source: str
    earned_at: datetime
    description: str
    entry: CreditEntry | None = None
    course: CoursePage | None = None
    seat: Seat | None = None
    claim: OutsideClaim | None = None


def _noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _lessons_by_course(course_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    """Live lessons (id, minutes) per course, in two queries however many courses there are."""
    courses = {c.path: c.pk for c in CoursePage.objects.filter(pk__in=list(course_ids)).only("path", "depth")}
    depths = {len(path) // LessonPage.steplen + 1 for path in courses}
    lessons: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = LessonPage.objects.live().filter(depth__in=depths).values_list("pk", "path", "minutes")
    for pk, path, minutes in rows:
        course_id = courses.get(path[: -LessonPage.steplen])
        if course_id is not None:
            lessons[course_id].append((pk, minutes))
    return lessons


def _course_credited(cadre_ref: str, course_ref: str) -> Exists:
    return Exists(
        CreditEntry.objects.filter(
            cadre_id=OuterRef(cadre_ref), course_id=OuterRef(course_ref), source=CreditSource.COURSE
        )
    )


def _missing_lines(*, year: int, year_rules: list[rules.Rule]) -> list[_Line]:
    """Credit the ledger should hold for `year` but does not: completions, shares reached, seats, claims."""
    start, end = selectors.year_bounds(year)
    lines: list[_Line] = []
    for progress in (
        CourseProgress.objects.filter(completed_at__gte=start, completed_at__lt=end)
        .filter(~_course_credited("cadre_id", "course_id"))
        .select_related("cadre", "cadre__unit", "course")
    ):
        lines.append(_course_line(progress, progress.completed_at))
    if any(rule.completion_share < 100 for rule in year_rules):
        lines += _shares_reached(year=year, year_rules=year_rules, start=start, end=end)
    for seat in (
        Seat.objects.filter(outcome=Outcome.COMPLETED, credit_entry__isnull=True)
        .filter(
            Q(completed_at__gte=start, completed_at__lt=end) | Q(completed_at__isnull=True, batch__ends_on__year=year)
        )
        .select_related("cadre", "cadre__unit", "programme", "batch")
    ):
        earned_at = seat.completed_at or _noon(seat.batch.ends_on)
        description = f"{seat.programme.name} · {seat.batch}"[:200]
        lines.append(_Line((earned_at,), seat.cadre, CreditSource.BATCH, earned_at, description, seat=seat))
    for claim in OutsideClaim.objects.filter(
        status=ClaimStatus.APPROVED, credit_entry__isnull=True, ends_on__year=year
    ).select_related("cadre", "cadre__unit"):
        earned_at = claim_earned_at(claim)
        lines.append(
            _Line((earned_at,), claim.cadre, CreditSource.OUTSIDE, earned_at, claim_description(claim), claim=claim)
        )
    return lines


def _course_line(progress: CourseProgress, earned_at: datetime) -> _Line:
    return _Line(
        (earned_at,), progress.cadre, CreditSource.COURSE, earned_at, progress.course.title, course=progress.course
    )


def _shares_reached(*, year: int, year_rules: list[rules.Rule], start: datetime, end: datetime) -> list[_Line]:
    """Unfinished courses that reached the share the cadre's rule credits, dated when the share was reached."""
    candidates = list(
        CourseProgress.objects.filter(completed_at__isnull=True, lessons_completed__gt=0, last_studied_at__gte=start)
        .filter(~_course_credited("cadre_id", "course_id"))
        .select_related("cadre", "cadre__unit", "course")
    )
    lessons = _lessons_by_course({p.course_id for p in candidates})
    done: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    lesson_course = {pk: course_id for course_id, rows in lessons.items() for pk, _ in rows}
    for cadre_id, lesson_id, completed_at in LessonProgress.objects.filter(
        cadre_id__in={p.cadre_id for p in candidates}, lesson_id__in=list(lesson_course), completed_at__isnull=False
    ).values_list("cadre_id", "lesson_id", "completed_at"):
        done[(cadre_id, lesson_course[lesson_id])].append(completed_at)
    lines = []
    for progress in candidates:
        cadre, total = progress.cadre, len(lessons.get(progress.course_id, ()))
        rule = rules.pick_rule(year_rules, year=year, category=cadre.category, rank=cadre.rank)
        times = sorted(done[(cadre.pk, progress.course_id)])
        needed = max(1, math.ceil(total * rule.completion_share / 100 - 1e-9))
        if not total or len(times) < needed or not rules.share_is_enough(rule, len(times) / total):
            continue
        reached = times[needed - 1]
        if start <= reached < end and completion.extra_checks_pass(cadre=cadre, course=progress.course):
            lines.append(_course_line(progress, reached))
    return lines


def _counted(
    line: _Line,
    *,
    rule: rules.Rule,
    minutes: dict[int, int],
    quiz_passes: set[tuple[int, int]],
    days: dict[int, int],
) -> rules.Counted:
    if line.course is not None:
        return rules.course_hours(
            rule,
            stated_hours=line.course.credit_hours,
            minutes=minutes.get(line.course.pk, 0),
            quiz_passed=(line.cadre.pk, line.course.pk) in quiz_passes,
        )
    if line.seat is not None:
        stated = line.seat.programme.credit_hours
        return rules.batch_hours(rule, stated_hours=stated, training_days=days.get(line.seat.batch_id, 0))
    if line.claim is not None:
        return rules.Counted(hours=line.claim.hours, basis={"method": "claim"})
    # A source the recount cannot trace (an entry written by hand, say): its hours stand.
    return rules.Counted(hours=line.entry.hours, basis=dict(line.entry.rule) or {})


def _is_gone(entry: CreditEntry, seats: dict[int, Seat], claims: dict[int, OutsideClaim]) -> bool:
    """Batch credit whose seat is no longer completed, claim credit whose claim is no longer approved."""
    seat, claim = seats.get(entry.pk), claims.get(entry.pk)
    if entry.source == CreditSource.BATCH and seat is not None:
        return seat.outcome != Outcome.COMPLETED
    if entry.source == CreditSource.OUTSIDE and claim is not None:
        return claim.status != ClaimStatus.APPROVED
    return False


@transaction.atomic
def ledger_recompute(*, year: int, apply: bool = True, chunk: int = 500) -> RecomputeReport:
    """Recount every ledger entry of `year` under the rules as they stand now; report what changed.

    Entries keep their source and date; hours and the rule snapshot are rewritten. Credit the ledger
    lacks (a completion that predates a rule, a share a new rule credits, a completed seat or an
    approved claim without its entry) is added; batch and claim credit whose seat or claim no longer
    stands is removed. Caps are replayed in the order entries were earned, the added ones among
    them. With `apply` false nothing is written.
    """
    report = RecomputeReport(year=year)
    year_rules = selectors.rules_for_year(year=year)
    requirements = list(Requirement.objects.filter(year=year).select_related("unit"))
    missing: dict[int, list[_Line]] = defaultdict(list)
    for n, line in enumerate(_missing_lines(year=year, year_rules=year_rules)):
        line.order = (line.earned_at, 1, n)  # after an existing entry earned at the same moment, as its pk will be
        missing[line.cadre.pk].append(line)
    cadre_ids = sorted(set(CreditEntry.objects.filter(year=year).values_list("cadre_id", flat=True)) | set(missing))
    touched: set[int] = set()
    for start in range(0, len(cadre_ids), chunk):
        ids = cadre_ids[start : start + chunk]
        touched |= _recount_chunk(
            report, ids=ids, year=year, year_rules=year_rules, requirements=requirements, missing=missing, apply=apply
        )
    if apply and touched:
        # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
        from reports.hooks import credits_changed

        credits_changed(cadre_ids=touched)
    return report


def _recount_chunk(
    report: RecomputeReport,
    *,
    ids: list[int],
    year: int,
    year_rules: list[rules.Rule],
    requirements: list[Requirement],
    missing: dict[int, list[_Line]],
    apply: bool,
) -> set[int]:
    cadres = {c.pk: c for c in Cadre.objects.filter(pk__in=ids).select_related("unit")}
    entries = list(
        CreditEntry.objects.filter(year=year, cadre_id__in=ids).select_related("course").order_by("earned_at", "pk")
    )
    entry_ids = [e.pk for e in entries]
    seats = {s.credit_entry_id: s for s in Seat.objects.filter(credit_entry__in=entry_ids).select_related("programme")}
    claims = {c.credit_entry_id: c for c in OutsideClaim.objects.filter(credit_entry__in=entry_ids)}
    lines: dict[int, list[_Line]] = defaultdict(list)
    gone: list[CreditEntry] = []
    for entry in entries:
        if _is_gone(entry, seats, claims):
            gone.append(entry)
            continue
        line = _Line((entry.earned_at, 0, entry.pk), cadres[entry.cadre_id], entry.source, entry.earned_at, "", entry)
        line.course = entry.course if entry.source == CreditSource.COURSE else None
        line.seat = seats.get(entry.pk) if entry.source == CreditSource.BATCH else None
        line.claim = claims.get(entry.pk) if entry.source == CreditSource.OUTSIDE else None
        lines[entry.cadre_id].append(line)
    for cadre_id in ids:
        lines[cadre_id] += missing.get(cadre_id, [])
    all_lines = [line for group in lines.values() for line in group]
    course_ids = {line.course.pk for line in all_lines if line.course is not None}
    minutes = {course_id: sum(m for _, m in rows) for course_id, rows in _lessons_by_course(course_ids).items()}
    quiz_passes = set(
        Attempt.objects.filter(
            cadre_id__in=ids, quiz__course_id__in=course_ids, quiz__is_published=True, passed=True
        ).values_list("cadre_id", "quiz__course_id")
    )
    batch_days: dict[int, set] = defaultdict(set)
    batch_ids = {line.seat.batch_id for line in all_lines if line.seat is not None}
    for batch_id, day in Session.objects.filter(batch_id__in=batch_ids).values_list("batch_id", "date"):
        batch_days[batch_id].add(day)
    days = {batch_id: len(dates) for batch_id, dates in batch_days.items()}

    changed: list[CreditEntry] = []
    added: list[tuple[_Line, Decimal, dict, int]] = []
    touched: set[int] = set()
    for entry in gone:
        cadre = cadres[entry.cadre_id]
        report.removed.append(
            Change(entry.pk, cadre.pk, cadre.name, entry.source, entry.description, entry.hours, ZERO, "")
        )
        touched.add(cadre.pk)
    for cadre_id in ids:
        cadre = cadres.get(cadre_id)
        group = sorted(lines.get(cadre_id, []), key=lambda line: line.order)
        if cadre is None or not group:
            continue
        required = {r.course_id for r in requirements if r.applies_to(cadre)}
        rule = rules.pick_rule(year_rules, year=year, category=cadre.category, rank=cadre.rank)
        label = rule.label or "default"
        items, bases = [], []
        for line in group:
            counted = _counted(line, rule=rule, minutes=minutes, quiz_passes=quiz_passes, days=days)
            bases.append(counted.basis)
            items.append(
                rules.Item(
                    key=len(items),
                    source=line.source,
                    day=timezone.localtime(line.earned_at).date(),
                    hours=counted.hours,
                    elective=line.course is not None and line.course.pk not in required,
                )
            )
        granted = rules.count_year(rule, items)
        report.cadres += 1
        for index, line in enumerate(group):
            hours, snapshot = granted[index].hours, rule_snapshot(rule, bases[index], granted[index].basis)
            entry = line.entry
            if entry is None:
                added.append((line, hours, snapshot, len(report.added)))
                report.added.append(
                    Change(None, cadre_id, cadre.name, line.source, line.description, ZERO, hours, label)
                )
                touched.add(cadre_id)
                continue
            report.entries += 1
            if hours != entry.hours:
                report.changes.append(
                    Change(entry.pk, cadre_id, cadre.name, entry.source, entry.description, entry.hours, hours, label)
                )
            elif snapshot == entry.rule:
                continue
            else:
                report.relabelled += 1
            entry.hours, entry.rule = hours, snapshot
            changed.append(entry)
            touched.add(cadre_id)
    report.entries += len(gone)
    if apply:
        _write(changed=changed, gone=gone, added=added, year=year, report=report)
    return touched


def _write(
    *,
    changed: list[CreditEntry],
    gone: list[CreditEntry],
    added: list[tuple[_Line, Decimal, dict, int]],
    year: int,
    report: RecomputeReport,
) -> None:
    if changed:
        CreditEntry.objects.bulk_update(changed, ["hours", "rule"], batch_size=500)
    if gone:
        CreditEntry.objects.filter(pk__in=[e.pk for e in gone]).delete()  # seats and claims let go (SET_NULL)
    for line, hours, snapshot, index in added:
        entry = CreditEntry.objects.create(
            cadre=line.cadre,
            year=year,
            hours=hours,
            source=line.source,
            course=line.course,
            description=line.description,
            earned_at=line.earned_at,
            rule=snapshot,
        )
        if line.seat is not None:
            Seat.objects.filter(pk=line.seat.pk).update(credit_entry=entry)
        if line.claim is not None:
            OutsideClaim.objects.filter(pk=line.claim.pk).update(credit_entry=entry)
        report.added[index] = replace(report.added[index], entry_id=entry.pk)
