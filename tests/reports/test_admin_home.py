"""The officers' and trainers' admin home: their to-dos with counts and links, scoped to their
subtree, figures of the year, Chinese empty states, and a query count that does not grow."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres.models import ImportJob, ImportStatus
from postings.models import LeaveRequest
from records.models import OutsideClaim
from reports.home import officer_home
from rotations.models import LeaveRequest as TrainingLeave
from rotations.models import Seat
from tests.factories import CadreFactory, make_officer, make_posting
from tests.reports.conftest import TODAY


def _posting_leave(posting, **fields):
    return LeaveRequest.objects.create(
        posting=posting,
        starts_on=TODAY + timedelta(days=3),
        ends_on=TODAY + timedelta(days=4),
        days=2,
        reason="事假",
        approval_level="township",
        **fields,
    )


def _claim(cadre):
    return OutsideClaim.objects.create(
        cadre=cadre,
        title="党校专题班",
        organiser="县委党校",
        starts_on=TODAY - timedelta(days=20),
        ends_on=TODAY - timedelta(days=18),
        hours=Decimal(6),
        proof="records/claims/proof.pdf",
        submitted_at=timezone.now(),
    )


@pytest.fixture
def work(tree):
    """One of each to-do in 示范县: a2's leave in the village, b1's training leave, a3's claim, a
    failed import on the county, a2's term ending in 30 days."""
    posting = make_posting(
        tree.team, cadre=tree.a2, starts_on=TODAY - timedelta(days=600), planned_end_on=TODAY + timedelta(days=30)
    )
    _posting_leave(posting)
    TrainingLeave.objects.create(
        seat=Seat.objects.get(cadre=tree.b1), starts_on=TODAY, ends_on=TODAY, reason="家中有事"
    )
    _claim(tree.a3)
    ImportJob.objects.create(filename="花名册.xlsx", unit=tree.county, status=ImportStatus.REJECTED)
    return {"posting": posting}


def _counts(home) -> dict[str, int]:
    return {todo.key: todo.count for todo in home.todos}


class OfficerHomeTests:
    def test_the_county_officer_sees_every_to_do_of_the_county(self, tree, work):
        home = officer_home(user=tree.users["county"])
        assert _counts(home) == {
            "leave": 1,
            "training_leave": 1,
            "claims": 1,
            "overdue": 2,
            "imports": 1,
            "ending": 1,
        }

    def test_the_township_officer_sees_only_the_township(self, tree, work):
        home = officer_home(user=tree.users["township"])
        assert _counts(home) == {
            "leave": 1,
            "training_leave": 0,
            "claims": 1,
            "overdue": 1,
            "imports": 0,
            "ending": 1,
        }

    def test_figures_of_the_subtree_this_year(self, tree, work):
        figures = officer_home(user=tree.users["county"]).figures
        assert (figures.cadres, figures.completion_rate, figures.overdue) == (4, 50.0, 2)
        assert officer_home(user=tree.users["township"]).figures.cadres == 3

    def test_a_decided_leave_or_claim_no_longer_waits(self, tree, work):
        LeaveRequest.objects.update(status="approved", decided_at=timezone.now())
        OutsideClaim.objects.update(status="approved", decided_at=timezone.now())
        counts = _counts(officer_home(user=tree.users["county"]))
        assert (counts["leave"], counts["claims"]) == (0, 0)

    def test_an_old_failed_import_no_longer_counts(self, tree, work):
        ImportJob.objects.update(created_at=timezone.now() - timedelta(days=31))
        assert _counts(officer_home(user=tree.users["county"]))["imports"] == 0

    def test_the_trainer_sees_reviews_and_essays_but_no_subtree(self, tree):
        home = officer_home(user=tree.users["trainer"])
        assert _counts(home) == {"reviews": 0, "essays": 0}
        assert home.figures is None


class AdminHomePageTests:
    def test_the_page_links_each_to_do_with_its_count(self, client, tree, work):
        client.force_login(tree.users["county"])
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "待办事项" in html
        for url in (
            reverse("postings_leave:index"),
            reverse("rotations_batches"),
            reverse("records_claims"),
            reverse("reports_overdue"),
            reverse("cadres_roster_import"),
            reverse("postings_report_ending"),
        ):
            assert f'href="{url}' in html
        assert "待审批的驻村请假" in html
        assert "辖区干部" in html and "50.0%" in html

    def test_an_officer_with_nothing_waiting_reads_it_in_chinese(self, client, tree):
        client.force_login(make_officer(tree.other_county))
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "今天没有待办事项。" in html
        assert "没有待审批的请假。" in html
        assert "没有待审核的学时申请。" in html

    def test_a_cadre_gets_no_admin_home(self, client, tree):
        client.force_login(tree.a1.user)
        assert client.get(reverse("wagtailadmin_home")).status_code == 302

    @pytest.mark.parametrize("role", ["county", "trainer"])
    def test_the_page_takes_the_same_queries_with_more_to_do(self, client, tree, work, role):
        client.force_login(tree.users[role])
        counts = []
        for extra in (0, 15):
            for _ in range(extra):
                cadre = CadreFactory(unit=tree.team)
                posting = make_posting(tree.team, cadre=cadre, starts_on=TODAY - timedelta(days=100))
                _posting_leave(posting)
                _claim(cadre)
                ImportJob.objects.create(filename="x.xlsx", unit=tree.township, status=ImportStatus.FAILED)
            client.get(reverse("wagtailadmin_home"))
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("wagtailadmin_home")).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
