"""Pages through the test client: the cadre's village page, the officers' admin, the permission matrix,
exports and constant query counts."""

import math
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from postings import audit, rules
from postings.models import CheckIn, Flag, Inspection, LeaveRequest, LeaveStatus, Posting
from postings.reports import PRESENCE_HELP
from postings.services import presence
from postings.views import ALREADY_CHECKED_IN, CHECKED_IN
from tests.factories import CadreFactory, make_admin, make_officer, make_posting, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    today = timezone.localdate()
    east = make_posting(tree["east_team"], starts_on=today - timedelta(days=400))
    west = make_posting(tree["west_team"], starts_on=today - timedelta(days=400))
    east_leave = LeaveRequest.objects.create(
        posting=east,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=4),
        days=2,
        reason="事假",
        approval_level="township",
    )
    west_leave = LeaveRequest.objects.create(
        posting=west,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=4),
        days=2,
        reason="事假",
        approval_level="township",
    )
    west_flag = Flag.objects.create(
        cadre=west.cadre, posting=west, year=today.year, level="not_excellent", absences=1, raised_on=today
    )
    east_flag = Flag.objects.create(
        cadre=east.cadre, posting=east, year=today.year, level="not_excellent", absences=1, raised_on=today
    )
    west_inspection = Inspection.objects.create(team=tree["west_team"], inspected_on=today, inspectors="督查组")
    return {
        **tree,
        "today": today,
        "east_posting": east,
        "west_posting": west,
        "east_leave": east_leave,
        "west_leave": west_leave,
        "east_flag": east_flag,
        "west_flag": west_flag,
        "west_inspection": west_inspection,
    }


def _user(role, world):
    if role == "cadre":
        return world["east_posting"].cadre.user
    if role == "trainer":
        return make_trainer()
    if role == "east_officer":
        return make_officer(world["east"])
    if role == "county_officer":
        return make_officer(world["county"])
    return make_admin()


PAGES = {
    "village": lambda w: reverse("my-village"),
    "postings": lambda w: reverse("postings:index"),
    "posting_add": lambda w: reverse("postings:add"),
    "posting_edit_own": lambda w: reverse("postings:edit", args=[w["east_posting"].pk]),
    "posting_edit_other": lambda w: reverse("postings:edit", args=[w["west_posting"].pk]),
    "posting_inspect_other": lambda w: reverse("postings:inspect", args=[w["west_posting"].pk]),
    "posting_history_other": lambda w: reverse("postings:history", args=[w["west_posting"].pk]),
    "posting_end_own": lambda w: reverse("postings:end", args=[w["east_posting"].pk]),
    "posting_end_other": lambda w: reverse("postings:end", args=[w["west_posting"].pk]),
    "successor_other": lambda w: reverse("postings:successor", args=[w["west_posting"].pk]),
    "leave": lambda w: reverse("postings_leave:index"),
    "leave_decide_own": lambda w: reverse("postings_leave:decide", args=[w["east_leave"].pk]),
    "leave_decide_other": lambda w: reverse("postings_leave:decide", args=[w["west_leave"].pk]),
    "inspections": lambda w: reverse("postings_inspections:index"),
    "inspection_add": lambda w: reverse("postings_inspections:add"),
    "inspection_other": lambda w: reverse("postings_inspections:inspect", args=[w["west_inspection"].pk]),
    "flags": lambda w: reverse("postings_flags:index"),
    "follow_up_own": lambda w: reverse("postings_flags:follow_up", args=[w["east_flag"].pk]),
    "follow_up_other": lambda w: reverse("postings_flags:follow_up", args=[w["west_flag"].pk]),
    "rules": lambda w: reverse("postings_rules:index"),
    "report_teams": lambda w: reverse("postings_report_teams"),
    "report_ending": lambda w: reverse("postings_report_ending"),
    "report_presence": lambda w: reverse("postings_report_presence"),
}

# "login": no admin access at all; "denied": Wagtail's permission-denied redirect to the dashboard;
# 404: the object lies outside the user's subtree, so it does not exist for them. Pages that look
# their object up before checking permissions answer 404 to trainers, who manage no subtree.
ADMIN_PAGES = [page for page in PAGES if page != "village"]
OTHER_SUBTREE = {page for page in ADMIN_PAGES if page.endswith("_other")}
LOOKUP_FIRST = {"posting_inspect_other", "posting_history_other", "inspection_other"}


def _expected(role, page):
    if page == "village":
        return 200 if role == "cadre" else 403
    if role == "cadre":
        return "login"
    if role == "trainer":
        return 404 if page in LOOKUP_FIRST else "denied"
    if role == "east_officer" and page in OTHER_SUBTREE:
        return 404
    return 200


MATRIX = [
    (role, page, _expected(role, page))
    for role in ("cadre", "trainer", "east_officer", "county_officer", "admin")
    for page in PAGES
]


@pytest.mark.parametrize(("role", "page", "outcome"), MATRIX)
def test_permission_matrix(client, world, role, page, outcome):
    client.force_login(_user(role, world))
    response = client.get(PAGES[page](world))
    if outcome == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    elif outcome == "denied":
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response.status_code == outcome


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("my-village"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


class VillagePageTests:
    def test_check_in_once_a_day_even_when_submitted_twice(self, client, world):
        client.force_login(world["east_posting"].cadre.user)
        first = client.post(reverse("village-check-in"), follow=True)
        second = client.post(reverse("village-check-in"), follow=True)
        assert [str(m) for m in first.context["messages"]] == [str(CHECKED_IN)]
        assert [str(m) for m in second.context["messages"]] == [str(ALREADY_CHECKED_IN)]
        assert CheckIn.objects.filter(cadre=world["east_posting"].cadre).count() == 1
        assert second.context["summary"].checked_in_today

    def test_check_in_needs_a_post_and_a_csrf_token(self, world):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(world["east_posting"].cadre.user)
        assert client.get(reverse("village-check-in")).status_code == 405
        assert client.post(reverse("village-check-in")).status_code == 403
        assert not CheckIn.objects.exists()

    def test_location_is_stored_only_with_the_consent_box(self, client, world):
        client.force_login(world["east_posting"].cadre.user)
        client.post(reverse("village-check-in"), {"latitude": "36.1", "longitude": "103.8"})
        assert CheckIn.objects.get().latitude is None

    def test_location_with_consent(self, client, world):
        client.force_login(world["east_posting"].cadre.user)
        client.post(reverse("village-check-in"), {"consent": "on", "latitude": "36.1", "longitude": "103.8"})
        check_in = CheckIn.objects.get()
        assert (float(check_in.latitude), check_in.location_consent) == (36.1, True)

    def test_a_cadre_without_posting_sees_so(self, client, world):
        cadre = CadreFactory(unit=world["east"])
        client.force_login(cadre.user)
        response = client.get(reverse("my-village"))
        assert response.status_code == 200
        assert response.context["summary"].posting is None
        response = client.post(reverse("village-check-in"), follow=True)
        assert [str(m) for m in response.context["messages"]] == [str(presence.CHECK_IN_NOT_POSTED)]

    def test_the_page_shows_this_months_presence_and_leave(self, client, world):
        client.force_login(world["east_posting"].cadre.user)
        response = client.get(reverse("my-village"))
        summary = response.context["summary"]
        assert summary.month.required == 20
        assert summary.leave_requests == [world["east_leave"]]
        assert "postings/my_village.html" in [t.name for t in response.templates]

    def test_asking_for_leave(self, client, world):
        client.force_login(world["east_posting"].cadre.user)
        start = world["today"] + timedelta(days=10)
        response = client.post(
            reverse("village-leave"),
            {"starts_on": start.isoformat(), "ends_on": (start + timedelta(days=6)).isoformat(), "reason": "就医"},
        )
        assert response.status_code == 302
        leave = LeaveRequest.objects.get(reason="就医")
        assert (leave.days, leave.approval_level) == (7, "county")

    def test_a_refused_leave_request_shows_the_reason(self, client, world):
        client.force_login(world["east_posting"].cadre.user)
        start = world["today"] - timedelta(days=3)
        response = client.post(
            reverse("village-leave"), {"starts_on": start.isoformat(), "ends_on": start.isoformat(), "reason": "x"}
        )
        assert response.status_code == 400
        assert response.context["leave_form"].non_field_errors() == [str(presence.LEAVE_IN_THE_PAST)]


class AdminActionTests:
    def test_an_officer_posts_a_cadre_through_the_service(self, client, world):
        officer = make_officer(world["east"])
        client.force_login(officer)
        cadre = CadreFactory(unit=world["east"])
        response = client.post(
            reverse("postings:add"),
            {
                "cadre": cadre.pk,
                "team": world["east_team_2"].pk,
                "role": "first_secretary",
                "sending_unit": "=HYPERLINK(1)",
                "starts_on": "2026-03-01",
            },
        )
        assert response.status_code == 302
        posting = Posting.objects.get(cadre=cadre)
        assert posting.planned_end_on == date(2028, 3, 1)
        assert posting.created_by == officer

    def test_a_team_of_another_subtree_is_not_offered(self, client, world):
        client.force_login(make_officer(world["east"]))
        response = client.post(
            reverse("postings:add"),
            {
                "cadre": CadreFactory(unit=world["east"]).pk,
                "team": world["west_team"].pk,
                "role": "member",
                "sending_unit": "x",
                "starts_on": "2026-03-01",
            },
        )
        assert response.status_code == 200
        assert "team" in response.context["form"].errors

    def test_a_service_refusal_shows_on_the_form(self, client, world):
        client.force_login(make_officer(world["east"]))
        response = client.post(
            reverse("postings:add"),
            {
                "cadre": CadreFactory(unit=world["east"]).pk,
                "team": world["east_team"].pk,
                "role": "member",
                "sending_unit": "x",
                "starts_on": "2026-03-01",
                "planned_end_on": "2026-09-01",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()

    def test_the_township_officer_approves_leave(self, client, world):
        client.force_login(make_officer(world["east"]))
        response = client.post(reverse("postings_leave:decide", args=[world["east_leave"].pk]), {"approve": "1"})
        assert response.status_code == 302
        world["east_leave"].refresh_from_db()
        assert world["east_leave"].status == LeaveStatus.APPROVED

    def test_an_officer_cannot_decide_another_subtrees_leave(self, client, world):
        client.force_login(make_officer(world["east"]))
        response = client.post(reverse("postings_leave:decide", args=[world["west_leave"].pk]), {"approve": "1"})
        assert response.status_code == 404
        world["west_leave"].refresh_from_db()
        assert world["west_leave"].status == LeaveStatus.PENDING

    def test_recording_an_inspection_raises_a_flag(self, client, world):
        client.force_login(make_officer(world["county"]))
        response = client.post(
            reverse("postings_inspections:add"),
            {
                "team": world["east_team"].pk,
                "inspected_on": (world["today"] - timedelta(days=1)).isoformat(),
                "inspectors": "县委组织部督查组",
                "findings": "第一书记不在岗",
                "absent": [world["east_posting"].pk],
            },
        )
        assert response.status_code == 302
        flag = Flag.objects.get(pk=world["east_flag"].pk)
        assert (flag.absences, flag.level) == (1, "not_excellent")
        inspection = Inspection.objects.get(inspectors="县委组织部督查组")
        assert inspection.absences.count() == 1

    def test_recording_a_follow_up(self, client, world):
        client.force_login(make_officer(world["east"]))
        response = client.post(
            reverse("postings_flags:follow_up", args=[world["east_flag"].pk]),
            {"kind": "reminder_talk", "done_on": world["today"].isoformat(), "note": "诫勉谈话"},
        )
        assert response.status_code == 302
        world["east_flag"].refresh_from_db()
        assert not world["east_flag"].is_open
        assert world["east_flag"].follow_ups.get().note == "诫勉谈话"

    def test_ending_a_posting_from_the_admin(self, client, world):
        client.force_login(make_officer(world["east"]))
        response = client.post(
            reverse("postings:end", args=[world["east_posting"].pk]),
            {"ended_on": world["today"].isoformat(), "reason": "promoted", "note": ""},
        )
        assert response.status_code == 302
        world["east_posting"].refresh_from_db()
        assert world["east_posting"].end_reason == "promoted"

    def test_the_posting_history_shows_the_audit_trail(self, client, world):
        officer = make_officer(world["east"])
        client.force_login(officer)
        client.post(
            reverse("postings:end", args=[world["east_posting"].pk]),
            {"ended_on": world["today"].isoformat(), "reason": "promoted", "note": ""},
        )
        response = client.get(reverse("postings:history", args=[world["east_posting"].pk]))
        assert response.status_code == 200
        assert [entry.action for entry in response.context["object_list"]] == [audit.POSTING_END]


class ListTests:
    def test_officers_see_only_their_subtree(self, client, world):
        client.force_login(make_officer(world["east"]))
        assert list(client.get(reverse("postings:index")).context["object_list"]) == [world["east_posting"]]
        assert list(client.get(reverse("postings_leave:index")).context["object_list"]) == [world["east_leave"]]
        assert list(client.get(reverse("postings_flags:index")).context["object_list"]) == [world["east_flag"]]
        assert list(client.get(reverse("postings_inspections:index")).context["object_list"]) == []
        rows = client.get(reverse("postings_report_presence")).context["object_list"]
        assert [row.posting for row in rows] == [world["east_posting"]]

    def test_teams_below_minimum(self, client, world):
        client.force_login(make_officer(world["east"]))
        rows = client.get(reverse("postings_report_teams"), {"below_minimum": "true"}).context["object_list"]
        assert [(row.team, row.active_members, row.shortfall) for row in rows] == [
            (world["east_team"], 1, 2),
            (world["east_team_2"], 0, 3),
        ]

    def test_terms_ending_within_the_chosen_months(self, client, world):
        today = world["today"]
        soon = make_posting(
            world["east_team"], starts_on=today - timedelta(days=700), planned_end_on=today + timedelta(days=40)
        )
        make_posting(
            world["east_team"], starts_on=today - timedelta(days=500), planned_end_on=today + timedelta(days=200)
        )
        client.force_login(make_officer(world["east"]))
        rows = client.get(reverse("postings_report_ending")).context["object_list"]
        assert list(rows) == [soon]
        rows = client.get(reverse("postings_report_ending"), {"within": "12"}).context["object_list"]
        assert len(rows) == 3  # the world's own posting ends within the year too

    def test_exports_are_xlsx_with_formulas_neutralised(self, client, world):
        Posting.objects.filter(pk=world["east_posting"].pk).update(sending_unit="=cmd|' /C calc'!A0")
        client.force_login(make_officer(world["east"]))
        response = client.get(reverse("postings:index"), {"export": "xlsx"})
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        assert "'=cmd|' /C calc'!A0" in [cell.value for cell in sheet[2]]

    def test_the_presence_report_takes_approved_leave_out_of_the_days_required(self, client, world):
        month_start = (world["today"].replace(day=1) - timedelta(days=1)).replace(day=1)
        month_days = rules.month_bounds(month_start)[1].day
        LeaveRequest.objects.filter(pk=world["east_leave"].pk).update(
            starts_on=month_start.replace(day=10),
            ends_on=month_start.replace(day=14),
            days=5,
            status=LeaveStatus.APPROVED,
            decided_at=timezone.now(),
        )
        client.force_login(make_officer(world["east"]))
        response = client.get(reverse("postings_report_presence"), {"month": f"{month_start:%Y-%m}"})
        [row] = response.context["object_list"]
        assert (row.month_present, row.month_leave, row.year_leave) == (0, 5, 5)
        assert row.month_required == math.ceil(20 * (month_days - 5) / month_days)
        with translation.override("en"):
            page = client.get(reverse("postings_report_presence")).content.decode()
        assert str(PRESENCE_HELP) in page

    def test_the_village_page_explains_how_leave_counts(self, client, world):
        client.force_login(world["east_posting"].cadre.user)
        page = client.get(reverse("my-village")).content.decode()
        assert "经批准的请假不计为在岗天数" in page

    @pytest.mark.parametrize("report", ["postings_report_teams", "postings_report_ending", "postings_report_presence"])
    def test_reports_export_to_xlsx(self, client, world, report):
        client.force_login(make_officer(world["county"]))
        response = client.get(reverse(report), {"export": "xlsx", "within": "12"})
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'-{world["today"]:%Y-%m-%d}.xlsx"')
        load_workbook(BytesIO(b"".join(response.streaming_content)))


def _grow(world, size):
    """`size` postings on the east team, each with a check-in on a day of approved leave and a flag."""
    today = world["today"]
    while Posting.objects.filter(team=world["east_team"]).count() < size:
        posting = make_posting(
            world["east_team"], starts_on=today - timedelta(days=300), planned_end_on=today + timedelta(days=30)
        )
        CheckIn.objects.create(posting=posting, cadre=posting.cadre, day=today, checked_in_at=timezone.now())
        LeaveRequest.objects.create(
            posting=posting,
            starts_on=today - timedelta(days=3),
            ends_on=today + timedelta(days=9),
            days=13,
            reason="事假",
            approval_level="county",
            status=LeaveStatus.APPROVED,
            decided_at=timezone.now(),
        )
        Flag.objects.create(
            cadre=posting.cadre, posting=posting, year=today.year, level="not_excellent", absences=1, raised_on=today
        )
        Inspection.objects.create(team=world["east_team"], inspected_on=today, inspectors="督查组")


@pytest.mark.parametrize(
    "url_name",
    [
        "postings:index",
        "postings_leave:index",
        "postings_flags:index",
        "postings_inspections:index",
        "postings_report_teams",
        "postings_report_ending",
        "postings_report_presence",
    ],
)
def test_list_query_count_is_constant(client, world, url_name):
    client.force_login(make_officer(world["county"]))
    counts = []
    for size in (5, 50):
        _grow(world, size)
        client.get(reverse(url_name))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_village_page_query_count_does_not_grow_with_check_ins(client, world):
    cadre = world["east_posting"].cadre
    client.force_login(cadre.user)
    counts = []
    for days in (5, 50):
        for offset in range(CheckIn.objects.filter(cadre=cadre).count(), days):
            CheckIn.objects.create(
                posting=world["east_posting"],
                cadre=cadre,
                day=world["today"] - timedelta(days=offset),
                checked_in_at=timezone.now(),
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my-village")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_admin_menu_groups_the_postings_pages(client, world):
    client.force_login(make_officer(world["east"]))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    menu = response.content.decode()
    for url in (reverse("postings:index"), reverse("postings_report_teams"), reverse("postings_flags:index")):
        assert url.replace("/", "\\/") in menu or url in menu
