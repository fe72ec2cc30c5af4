"""Reminders reach each overdue cadre once a day at most, in-site and by email; digests once a week."""

from __future__ import annotations

from datetime import date

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from reports import reminders, selectors
from reports.models import Notification, ReminderKind, ReminderLog
from tests.reports.conftest import TODAY, YEAR


def reminder_notes():
    """Notifications the reminders wrote (batch completion also issues certificate notifications)."""
    return Notification.objects.filter(url=reverse("reports-notifications"))


def remind(client, user, query: str = ""):
    client.force_login(user)
    return client.post(reverse("reports_remind") + query, {"next": reverse("reports_overdue")})


class OverdueReminderTests:
    def test_everyone_overdue_in_the_view_gets_one_notification_and_one_email(
        self, client, tree, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = remind(client, tree.users["county"], "?unit=C01")
        assert response.status_code == 302
        assert sorted(n.user.username for n in reminder_notes().select_related("user")) == ["a3", "b1"]
        assert sorted(m.to[0] for m in mail.outbox) == ["a3@example.org", "b1@example.org"]

    def test_a_second_reminder_the_same_day_sends_nothing(self, client, tree, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            remind(client, tree.users["county"], "?unit=C01")
            remind(client, tree.users["county"], "?unit=C01")
            remind(client, tree.users["township"], "?unit=T01")
        assert reminder_notes().count() == 2
        assert len(mail.outbox) == 2
        assert ReminderLog.objects.filter(kind=ReminderKind.OVERDUE).count() == 2

    def test_an_officer_cannot_remind_another_subtree(self, client, tree):
        assert remind(client, tree.users["township"], "?unit=T02").status_code == 404
        assert remind(client, tree.users["trainer"], "?unit=T01").status_code == 404
        assert not reminder_notes().exists()

    def test_the_next_day_they_are_reminded_again(self, tree):
        filters = selectors.Filters(year=YEAR, unit=tree.county)
        assert reminders.overdue_reminders_send(filters=filters, today=TODAY) == 2
        assert reminders.overdue_reminders_send(filters=filters, today=TODAY) == 0
        assert reminders.overdue_reminders_send(filters=filters, today=date(2030, 6, 16)) == 2

    def test_only_the_view_is_reminded(self, tree):
        filters = selectors.Filters(year=YEAR, unit=tree.south)
        assert reminders.overdue_reminders_send(filters=filters, today=TODAY) == 1
        assert reminder_notes().get().user == tree.b1.user

    def test_a_cadre_sees_their_notifications(self, client, tree):
        reminders.overdue_reminders_send(filters=selectors.Filters(year=YEAR, unit=tree.south), today=TODAY)
        client.force_login(tree.b1.user)
        response = client.get(reverse("reports-notifications"))
        assert response.status_code == 200
        assert "甲课程" in response.content.decode()
        assert reminder_notes().get().read_at is not None

    def test_the_site_nav_counts_unread_notifications_until_they_are_opened(self, client, tree):
        reminders.overdue_reminders_send(filters=selectors.Filters(year=YEAR, unit=tree.south), today=TODAY)
        client.force_login(tree.b1.user)
        badge = '<span class="badge" aria-label="1 条未读">1</span>'
        assert badge in client.get(reverse("my-learning")).content.decode()
        client.get(reverse("reports-notifications"))
        page = client.get(reverse("my-learning")).content.decode()
        assert reverse("reports-notifications") in page and badge not in page


class WeeklyDigestTests:
    def test_each_officer_gets_one_digest_a_week(self, tree, django_capture_on_commit_callbacks):
        for user in (tree.users["county"], tree.users["township"]):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.weekly_digests_send(today=TODAY) == 2
            assert reminders.weekly_digests_send(today=date(2030, 6, 16)) == 0  # same week (Sunday)
        assert sorted(m.to[0] for m in mail.outbox) == ["officer-C01@example.org", "officer-T01@example.org"]
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.weekly_digests_send(today=date(2030, 6, 17)) == 2

    def test_the_command_sends_both_and_repeats_nothing(self, tree, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True), freeze_time("2030-06-15 04:00:00"):
            call_command("send_reminders")
            call_command("send_reminders", "--overdue")
        assert ReminderLog.objects.filter(kind=ReminderKind.OVERDUE).count() == 2
        assert reminder_notes().count() == 2
