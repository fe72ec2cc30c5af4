"""Programmes and their batches: generating batches and sessions, publishing the schedule."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rotations import batch_plan, selectors
from rotations.exceptions import ScheduleInvalid
from rotations.models import Batch, HalfDay, Notice, Programme, Seat, Session

BATCHES_OUTSIDE_PROGRAMME = gettext_noop("Batches must fall within the programme's dates ({starts} – {ends}).")
BATCHES_DO_NOT_FIT = gettext_noop(
    "Only {fit} of the {count} batches fit between {first} and the programme's end ({ends}) once public "
    "holidays are skipped. Choose fewer or shorter batches, a new batch more often, or an earlier first batch."
)
NOTHING_TO_PUBLISH = gettext_noop("There is no schedule to publish yet: run the scheduler first.")
SEAT_NOTICE = gettext_noop("You are in batch {number} of {programme}: {starts} – {ends}, {venue}.")


@transaction.atomic
def batch_create(
    *,
    programme: Programme,
    number: int,
    starts_on: date,
    ends_on: date,
    capacity: int,
    venue: str = "",
    what_to_bring: str = "",
) -> Batch:
    """One batch with a morning and an afternoon session on each of its days."""
    batch = Batch(
        programme=programme,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        venue=venue,
        what_to_bring=what_to_bring,
    )
    batch.full_clean()
    batch.save()
    batch_sessions_sync(batch=batch)
    return batch


@transaction.atomic
def batch_sessions_sync(*, batch: Batch) -> None:
    """A morning and an afternoon session on every day of the batch; sessions outside it go unless marked."""
    wanted = {
        (batch.starts_on + timedelta(days=day), half)
        for day in range((batch.ends_on - batch.starts_on).days + 1)
        for half in (HalfDay.MORNING, HalfDay.AFTERNOON)
    }
    existing = {(s.date, s.half): s for s in batch.sessions.all()}
    Session.objects.bulk_create(
        Session(batch=batch, date=day, half=half) for day, half in sorted(wanted - set(existing))
    )
    stale = [s.pk for key, s in existing.items() if key not in wanted]
    Session.objects.filter(pk__in=stale, attendance__isnull=True).delete()


@transaction.atomic
def batches_generate(
    *,
    programme: Programme,
    count: int,
    days: int,
    every_days: int,
    capacity: int,
    first_starts_on: date,
    venue: str = "",
    what_to_bring: str = "",
    skip_weekends: bool = False,
) -> list[Batch]:
    """'8 batches of 5 days, a new one every 2 weeks, 60 seats': numbered after any existing batch.

    A batch that would cover a public holiday of the holiday calendar (or a weekend, with
    `skip_weekends`, unless it is a make-up working day) starts on the first clear day after it
    instead; when not all of them then fit inside the programme, nothing is created.
    """
    if first_starts_on < programme.starts_on or first_starts_on > programme.ends_on:
        raise ScheduleInvalid(BATCHES_OUTSIDE_PROGRAMME, starts=programme.starts_on, ends=programme.ends_on)
    calendar = selectors.holiday_calendar(
        starts_on=first_starts_on, ends_on=programme.ends_on, skip_weekends=skip_weekends
    )
    slots = batch_plan.batch_slots(
        count=count,
        days=days,
        every_days=every_days,
        first_starts_on=first_starts_on,
        last_day=programme.ends_on,
        calendar=calendar,
    )
    if len(slots) < count:
        raise ScheduleInvalid(
            BATCHES_DO_NOT_FIT, fit=len(slots), count=count, first=first_starts_on, ends=programme.ends_on
        )
    Programme.objects.select_for_update().get(pk=programme.pk)
    first_number = (programme.batches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return [
        batch_create(
            programme=programme,
            number=first_number + i,
            starts_on=slot.starts_on,
            ends_on=slot.ends_on,
            capacity=capacity,
            venue=venue,
            what_to_bring=what_to_bring,
        )
        for i, slot in enumerate(slots)
    ]


@transaction.atomic
def schedule_publish(*, programme: Programme, now: datetime | None = None) -> int:
    """Publish the schedule: every seated cadre gets a notice on the site and an email. Returns how many."""
    now = now or timezone.now()
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    seats = list(Seat.objects.filter(programme=programme).select_related("batch", "cadre", "cadre__user"))
    if not seats:
        raise ScheduleInvalid(NOTHING_TO_PUBLISH)
    programme.published_at = now
    programme.save(update_fields=["published_at"])
    texts = {
        seat.pk: _(SEAT_NOTICE).format(
            number=seat.batch.number,
            programme=programme.name,
            starts=seat.batch.starts_on,
            ends=seat.batch.ends_on,
            venue=seat.batch.venue or "—",
        )
        for seat in seats
    }
    Notice.objects.bulk_create(
        Notice(cadre=seat.cadre, programme=programme, text=texts[seat.pk][:300], created_at=now) for seat in seats
    )
    messages = [
        (programme.name, texts[seat.pk], settings.DEFAULT_FROM_EMAIL, [seat.cadre.user.email])
        for seat in seats
        if seat.cadre.user.email
    ]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(seats)
