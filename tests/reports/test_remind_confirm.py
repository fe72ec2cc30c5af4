""" "Remind everyone overdue" first says how many cadres it will reach, then sends once."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from reports import reminders, selectors
from reports.models import Notification
from reports.views import REMINDERS_SENT
from tests.reports.conftest import TODAY, YEAR


def reminder_notes():
    return Notification.objects.filter(url=reverse("reports-notifications"))


def confirm_url(query: str = "?unit=C01") -> str:
    return reverse("reports_remind") + query + "&next=" + reverse("reports_overdue")


class RemindConfirmationTests:
    def test_the_overdue_list_links_to_the_confirmation_instead_of_sending(self, client, tree):
        client.force_login(tree.users["county"])
        html = client.get(reverse("reports_overdue"), {"unit": "C01"}).content.decode()
        link = reverse("reports_remind") + "?unit=C01&amp;next=%2Fadmin%2Ftraining-reports%2Foverdue%2F"
        assert f'href="{link}"' in html
        assert f'action="{reverse("reports_remind")}' not in html
        assert not reminder_notes().exists()

    def test_the_confirmation_states_how_many_will_be_reminded_and_sends_nothing(self, client, tree):
        client.force_login(tree.users["county"])
        response = client.get(confirm_url())
        assert response.status_code == 200
        assert response.context["preview"] == reminders.ReminderPreview(overdue=2, already=0)
        assert "将通过站内通知和邮件提醒 2 名逾期干部。" in response.content.decode()
        assert not reminder_notes().exists()

    def test_those_reminded_today_are_counted_apart(self, client, tree):
        reminders.overdue_reminders_send(filters=selectors.Filters(year=YEAR, unit=tree.south), today=TODAY)
        client.force_login(tree.users["county"])
        response = client.get(confirm_url())
        assert response.context["preview"] == reminders.ReminderPreview(overdue=2, already=1)
        assert "1 名干部今天已提醒过，本次跳过。" in response.content.decode()

    def test_confirming_sends_and_returns_to_the_list_with_the_count(
        self, client, tree, django_capture_on_commit_callbacks
    ):
        client.force_login(tree.users["county"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(confirm_url())
        assert response.status_code == 302
        assert response["Location"] == reverse("reports_overdue") + "?unit=C01"
        assert [str(m) for m in get_messages(response.wsgi_request)] == [str(REMINDERS_SENT) % {"count": 2}]
        assert reminder_notes().count() == 2

    def test_a_double_submit_sends_once(self, client, tree, django_capture_on_commit_callbacks):
        client.force_login(tree.users["county"])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(confirm_url())
            second = client.post(confirm_url())
        assert [str(m) for m in get_messages(second.wsgi_request)][-1] == str(REMINDERS_SENT) % {"count": 0}
        assert reminder_notes().count() == 2

    def test_a_next_pointing_off_site_falls_back_to_the_overdue_list(self, client, tree):
        client.force_login(tree.users["county"])
        response = client.post(reverse("reports_remind") + "?unit=C01&next=//evil.example/")
        assert response["Location"] == reverse("reports_overdue") + "?unit=C01"

    def test_another_subtree_is_not_found(self, client, tree):
        client.force_login(tree.users["township"])
        assert client.get(reverse("reports_remind") + "?unit=T02").status_code == 404
        assert client.post(reverse("reports_remind") + "?unit=T02").status_code == 404
        assert not reminder_notes().exists()

    def test_the_confirmation_takes_the_same_queries_for_few_and_many_overdue(self, client, tree):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.factories import CadreFactory

        client.force_login(tree.users["county"])
        counts = []
        for extra in (0, 20):
            for _ in range(extra):
                CadreFactory(unit=tree.south, category="township")
            with CaptureQueriesContext(connection) as queries:
                assert client.get(confirm_url()).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
