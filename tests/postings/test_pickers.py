"""The postings forms at county scale: the inspection form lists the chosen team's members only
(and refills them through the team-members endpoint); cadres and teams are picked with choosers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres.choosers import CadreChooser, UnitChooser
from postings.forms import InspectionForm, PostingForm, SuccessorForm
from tests.factories import CadreFactory, make_officer, make_posting, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(tree):
    start = timezone.localdate() - timedelta(days=30)
    return {
        **tree,
        "east": [make_posting(tree["east_team"], starts_on=start) for _ in range(2)],
        "east_2": [make_posting(tree["east_team_2"], starts_on=start)],
        "west": [make_posting(tree["west_team"], starts_on=start)],
        "county_officer": make_officer(tree["county"], username="county"),
        "east_officer": make_officer(tree["east"], username="east"),
    }


class InspectionFormTests:
    def test_without_a_team_nobody_is_listed(self, teams):
        form = InspectionForm(for_user=teams["county_officer"])

        assert list(form.fields["absent"].queryset) == []

    def test_the_chosen_teams_members_are_listed_and_no_one_else(self, teams):
        form = InspectionForm({"team": teams["east_team"].pk}, for_user=teams["county_officer"])

        assert set(form.fields["absent"].queryset) == set(teams["east"])

    def test_someone_of_another_team_cannot_be_marked_absent(self, teams):
        data = {
            "team": teams["east_team"].pk,
            "inspected_on": timezone.localdate().isoformat(),
            "inspectors": "督查组",
            "absent": [teams["west"][0].pk],
        }

        form = InspectionForm(data, for_user=teams["county_officer"])

        assert not form.is_valid() and "absent" in form.errors

    def test_the_team_is_picked_with_a_work_team_chooser(self, teams):
        widget = InspectionForm(for_user=teams["county_officer"]).fields["team"].widget

        assert isinstance(widget, UnitChooser) and widget.get_chooser_modal_url().endswith("?level=village_team")


class TeamMembersEndpointTests:
    def test_the_members_of_a_team_in_scope_are_returned_by_name(self, client, teams):
        client.force_login(teams["east_officer"])

        response = client.get(reverse("postings_team_members", args=[teams["east_team"].pk]))

        expected = sorted((p.cadre.name, p.pk) for p in teams["east"])
        assert response.json() == {"members": [{"id": pk, "label": name} for name, pk in expected]}

    def test_a_team_of_another_subtree_is_not_found(self, client, teams):
        client.force_login(teams["east_officer"])

        assert client.get(reverse("postings_team_members", args=[teams["west_team"].pk])).status_code == 404

    def test_a_trainer_is_refused(self, client, teams):
        client.force_login(make_trainer())

        response = client.get(reverse("postings_team_members", args=[teams["east_team"].pk]))

        assert response.status_code in (302, 403)

    def test_ended_postings_are_left_out(self, client, teams):
        ended = teams["east"][0]
        ended.ended_on, ended.end_reason = timezone.localdate(), "term_over"
        ended.save()
        client.force_login(teams["county_officer"])

        response = client.get(reverse("postings_team_members", args=[teams["east_team"].pk]))

        assert [m["id"] for m in response.json()["members"]] == [teams["east"][1].pk]

    @pytest.mark.parametrize("count", [5, 50])
    def test_the_query_count_does_not_grow_with_the_team(self, client, teams, count):
        for _ in range(count):
            make_posting(teams["east_team"], starts_on=timezone.localdate())
        client.force_login(teams["county_officer"])
        url = reverse("postings_team_members", args=[teams["east_team"].pk])
        client.get(url)

        with CaptureQueriesContext(connection) as queries:
            members = client.get(url).json()["members"]

        assert len(members) == count + 2
        assert len(queries) == TEAM_MEMBERS_QUERIES


TEAM_MEMBERS_QUERIES = 10  # session, login, roles, scope, policy, team, members: none per member


class ChooserWidgetTests:
    def test_the_posting_form_picks_cadre_and_team_with_choosers(self, teams):
        form = PostingForm(for_user=teams["county_officer"])

        assert isinstance(form.fields["cadre"].widget, CadreChooser)
        assert isinstance(form.fields["team"].widget, UnitChooser)

    def test_a_cadre_outside_the_subtree_is_refused_even_by_a_forged_post(self, teams):
        stranger = CadreFactory(unit=teams["west_team"])
        form = SuccessorForm({"cadre": stranger.pk}, user=teams["east_officer"])

        assert isinstance(form.fields["cadre"].widget, CadreChooser)
        assert not form.is_valid() and "cadre" in form.errors
