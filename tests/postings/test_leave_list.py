"""The leave list is where leave is decided: pending requests first, approve or refuse on the row,
dates shown as dates, and back to the list with a message."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from postings.admin_views.leave import LEAVE_APPROVED, LEAVE_REJECTED
from postings.models import LeaveRequest, LeaveStatus
from postings.services.presence import LEAVE_ALREADY_DECIDED
from tests.factories import make_officer, make_posting

pytestmark = pytest.mark.django_db


def _leave(team, *, status=LeaveStatus.PENDING, level="township", reason="事假"):
    today = timezone.localdate()
    posting = make_posting(team, starts_on=today - timedelta(days=200))
    return LeaveRequest.objects.create(
        posting=posting,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=4),
        days=2,
        reason=reason,
        approval_level=level,
        status=status,
        decided_at=None if status == LeaveStatus.PENDING else timezone.now(),
    )


@pytest.fixture
def leaves(tree):
    return {
        "pending": _leave(tree["east_team"], reason="看病"),
        "approved": _leave(tree["east_team"], status=LeaveStatus.APPROVED, reason="探亲"),
        "county": _leave(tree["east_team"], level="county", reason="长假"),
        "west": _leave(tree["west_team"], reason="西镇的假"),
    }


def _index(client, **params):
    return client.get(reverse("postings_leave:index"), params)


class LeaveListTests:
    def test_the_list_opens_on_pending_requests_of_the_subtree(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        shown = set(_index(client).context["object_list"])
        assert shown == {leaves["pending"], leaves["county"]}

    def test_all_statuses_are_one_choice_away(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        shown = set(_index(client, status="").context["object_list"])
        assert shown == {leaves["pending"], leaves["approved"], leaves["county"]}

    def test_a_pending_row_carries_approve_refuse_and_the_decision_page(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        html = _index(client).content.decode()
        decide = reverse("postings_leave:decide", args=[leaves["pending"].pk])
        assert f'action="{decide}"' in html
        assert f'href="{decide}"' in html
        assert html.count('name="approve"') == 1  # the county-level request is not the township's to decide
        form = html[html.index(f'action="{decide}"') :]
        assert form.index('name="csrfmiddlewaretoken"') < form.index("</form>")

    def test_a_county_level_request_links_to_its_page_without_buttons(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        html = _index(client).content.decode()
        decide = reverse("postings_leave:decide", args=[leaves["county"].pk])
        assert f'action="{decide}"' not in html
        assert f'href="{decide}"' in html

    def test_approving_from_the_row_returns_to_the_list_with_a_message(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        back = reverse("postings_leave:index") + "?status=pending"
        response = client.post(
            reverse("postings_leave:decide", args=[leaves["pending"].pk]), {"approve": "", "next": back}
        )
        assert response.status_code == 302
        assert response["Location"] == back
        assert [str(m) for m in get_messages(response.wsgi_request)] == [str(LEAVE_APPROVED)]
        leaves["pending"].refresh_from_db()
        assert leaves["pending"].status == LeaveStatus.APPROVED

    def test_refusing_from_the_row_returns_to_the_list_with_a_message(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        response = client.post(reverse("postings_leave:decide", args=[leaves["pending"].pk]), {"reject": ""})
        assert response["Location"] == reverse("postings_leave:index")
        assert [str(m) for m in get_messages(response.wsgi_request)] == [str(LEAVE_REJECTED)]
        leaves["pending"].refresh_from_db()
        assert leaves["pending"].status == LeaveStatus.REJECTED

    def test_a_second_click_on_a_decided_row_says_so_on_the_list(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        url = reverse("postings_leave:decide", args=[leaves["approved"].pk])
        response = client.post(url, {"reject": "", "next": reverse("postings_leave:index")})
        assert response["Location"] == reverse("postings_leave:index")
        assert [str(m) for m in get_messages(response.wsgi_request)] == [str(LEAVE_ALREADY_DECIDED)]
        leaves["approved"].refresh_from_db()
        assert leaves["approved"].status == LeaveStatus.APPROVED

    def test_next_pointing_elsewhere_is_ignored(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        response = client.post(
            reverse("postings_leave:decide", args=[leaves["pending"].pk]),
            {"approve": "", "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("postings_leave:index")

    def test_dates_show_as_dates_not_as_time_ago(self, client, tree, leaves):
        client.force_login(make_officer(tree["east"]))
        html = _index(client).content.decode()
        starts = leaves["pending"].starts_on
        assert f"{starts.year}年{starts.month}月{starts.day}日" in html
        assert "之前" not in html and "刚刚" not in html

    def test_query_count_is_the_same_for_few_and_many_pending_requests(self, client, tree):
        client.force_login(make_officer(tree["county"]))
        counts = []
        for size in (5, 40):
            while LeaveRequest.objects.count() < size:
                _leave(tree["east_team"])
            with CaptureQueriesContext(connection) as queries:
                assert _index(client).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
