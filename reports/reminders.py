"""Reminders to the overdue and the weekly digest to officers, each at most once per period.

De-duplication lives in the database: a `ReminderLog` row per (user, kind, day) under a unique
constraint, inserted with ignore_conflicts and tagged with this run's id, so of two officers
reminding the same township at the same moment only one message reaches each cadre.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cadres.models import Officer
from reports import selectors
from reports.models import Notification, ReminderKind, ReminderLog

OVERDUE_SUBJECT = gettext_noop("Overdue required courses")
OVERDUE_TEXT = gettext_noop("You have %(count)s overdue required courses: %(courses)s. Please complete them soon.")
DIGEST_SUBJECT = gettext_noop("Weekly training report: %(unit)s")
DIGEST_TEXT = gettext_noop(
    "%(unit)s, week of %(week)s: %(cadres)s cadres; required courses %(completed)s of %(required)s completed "
    "(%(rate)s%%); %(overdue)s cadres overdue; %(met)s cadres have met their yearly hours."
)


def _claim(user_ids, *, kind: str, day: date, sender=None) -> set[int]:
    """Insert the log rows; return the users whose row this call inserted (the ones to notify)."""
    run = uuid.uuid4().hex
    ReminderLog.objects.bulk_create(
        [ReminderLog(user_id=uid, kind=kind, sent_on=day, sent_by=sender, run=run) for uid in set(user_ids)],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return set(ReminderLog.objects.filter(run=run).values_list("user_id", flat=True))


def _notifications_url() -> str:
    try:
        return reverse("reports-notifications")
    except NoReverseMatch:
        return ""


@transaction.atomic
def overdue_reminders_send(*, filters: selectors.Filters, sender=None, today: date | None = None) -> int:
    """Remind every cadre overdue in `filters` once today (in-site and by email). Returns how many were sent."""
    today = today or timezone.localdate()
    overdue: dict[int, list[str]] = defaultdict(list)
    users: dict[int, tuple[int, str]] = {}
    for cadre_id, user_id, email, title in (
        selectors.overdue(filters, today=today)
        .order_by("cadre_id", "due_date")
        .values_list("cadre_id", "cadre__user_id", "cadre__user__email", "course__title")
    ):
        overdue[cadre_id].append(title)
        users[cadre_id] = (user_id, email)
    claimed = _claim([uid for uid, _ in users.values()], kind=ReminderKind.OVERDUE, day=today, sender=sender)
    now = timezone.now()
    url = _notifications_url()
    notifications, mails = [], []
    with translation.override(settings.LANGUAGE_CODE):
        subject = _(OVERDUE_SUBJECT)
        for cadre_id, titles in overdue.items():
            user_id, email = users[cadre_id]
            if user_id not in claimed:
                continue
            text = _(OVERDUE_TEXT) % {"count": len(titles), "courses": "、".join(titles)}
            notifications.append(Notification(user_id=user_id, text=text[:500], url=url, created_at=now))
            if email:
                mails.append((subject, text, settings.DEFAULT_FROM_EMAIL, [email]))
    Notification.objects.bulk_create(notifications, batch_size=1000)
    transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return len(notifications)


@dataclass(frozen=True)
class ReminderPreview:
    overdue: int  # cadres overdue in the view
    already: int  # of them, reminded today already: they are skipped

    @property
    def to_send(self) -> int:
        return self.overdue - self.already


def overdue_reminders_preview(*, filters: selectors.Filters, today: date | None = None) -> ReminderPreview:
    """What `overdue_reminders_send` would do now, in two queries, for the confirmation page."""
    today = today or timezone.localdate()
    user_ids = selectors.overdue(filters, today=today).order_by().values("cadre__user_id").distinct()
    overdue = user_ids.count()
    already = ReminderLog.objects.filter(kind=ReminderKind.OVERDUE, sent_on=today, user_id__in=user_ids).count()
    return ReminderPreview(overdue=overdue, already=already)


def overdue_reminders_enqueue(*, params: dict, user) -> int | None:
    """Queue the reminders for the view the officer is looking at; the count when it ran in-process."""
    from django_tasks import TaskResultStatus

    from reports.tasks import send_overdue_reminders

    result = send_overdue_reminders.enqueue(sender_id=user.pk, params=params)
    if result.status == TaskResultStatus.SUCCESSFUL:
        return result.return_value
    return None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def weekly_digests_send(*, today: date | None = None) -> int:
    """Each officer's subtree in numbers, by email, once per week (the Monday of the week is the key)."""
    today = today or timezone.localdate()
    monday = week_start(today)
    officers = list(Officer.objects.select_related("user", "unit").filter(user__is_active=True))
    claimed = _claim([o.user_id for o in officers], kind=ReminderKind.DIGEST, day=monday)
    mails = []
    with translation.override(settings.LANGUAGE_CODE):
        for officer in officers:
            if officer.user_id not in claimed or not officer.user.email:
                continue
            total = selectors.dashboard(selectors.Filters(year=today.year, unit=officer.unit), today=today).total
            params = {
                "unit": officer.unit.name,
                "week": monday.isoformat(),
                "cadres": total.cadres,
                "completed": total.completed,
                "required": total.required,
                "rate": total.completion_rate if total.completion_rate is not None else "—",
                "overdue": total.overdue,
                "met": total.met,
            }
            mails.append(
                (
                    _(DIGEST_SUBJECT) % {"unit": officer.unit.name},
                    _(DIGEST_TEXT) % params,
                    settings.DEFAULT_FROM_EMAIL,
                    [officer.user.email],
                )
            )
    transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return len(mails)
