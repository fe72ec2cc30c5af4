"""The cadre, unit and trainer choosers that replace selects in the admin forms: scoped, searchable,
paginated, with the same number of queries at any size."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import Cadre
from cadres.widgets import SHARE_INVALID, ShareField
from tests.factories import CadreFactory, make_trainer, unit_child

pytestmark = pytest.mark.django_db


def listed(client, url: str, **params) -> str:
    """The rows of a chooser: the modal answers JSON holding HTML, its results view plain HTML."""
    response = client.get(url, params)
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["html"]
    return response.content.decode()


class CadreChooserTests:
    def test_the_list_holds_only_the_officers_subtree(self, client, world):
        client.force_login(world.users["township"])

        html = listed(client, reverse("cadre_chooser:choose"))

        assert world.own_cadre.name in html
        assert world.south_cadre.name not in html and world.other_cadre.name not in html

    def test_a_search_by_name_unit_or_last_id_characters_finds_the_cadre(self, client, world):
        client.force_login(world.users["county"])
        url = reverse("cadre_chooser:choose_results")

        assert world.own_cadre.name in listed(client, url, q=world.own_cadre.name)
        assert world.own_cadre.name in listed(client, url, q="东村")
        assert world.own_cadre.name in listed(client, url, q=world.own_cadre.id_number[-4:])
        assert world.own_cadre.name not in listed(client, url, q=world.south_cadre.name)

    def test_a_cadre_of_another_subtree_cannot_be_chosen(self, client, world):
        client.force_login(world.users["township"])

        assert client.get(reverse("cadre_chooser:chosen", args=[world.south_cadre.pk])).status_code == 404
        assert client.get(reverse("cadre_chooser:chosen", args=[world.own_cadre.pk])).status_code == 200

    def test_the_id_number_is_shown_masked(self, client, world):
        client.force_login(world.users["county"])

        html = listed(client, reverse("cadre_chooser:choose"))

        assert world.own_cadre.masked_id_number in html and world.own_cadre.id_number not in html

    @pytest.mark.parametrize("count", [5, 50])
    def test_the_list_costs_the_same_queries_at_any_size(self, client, world, count):
        CadreFactory.create_batch(count, unit=world.team)
        client.force_login(world.users["county"])
        client.get(reverse("cadre_chooser:choose"))  # warm the session and content types

        with CaptureQueriesContext(connection) as queries:
            html = listed(client, reverse("cadre_chooser:choose_results"))

        assert html.count("data-chooser-modal-choice") == min(count + 2, 20)
        assert len(queries) == CADRE_CHOOSER_QUERIES


CADRE_CHOOSER_QUERIES = 10  # session, login, roles, scope, count, one page with units: none per row


class UnitChooserTests:
    def test_the_level_parameter_lists_only_work_teams(self, client, world):
        client.force_login(world.users["county"])

        html = listed(client, reverse("unit_chooser:choose"), level="village_team")

        assert world.team.name in html and world.township.name not in html

    @pytest.mark.parametrize("count", [5, 50])
    def test_the_list_costs_the_same_queries_at_any_size(self, client, world, count):
        for n in range(count):
            unit_child(world.township, code=f"V{n:03d}", name=f"{n}村工作队", level="village_team")
        client.force_login(world.users["county"])
        client.get(reverse("unit_chooser:choose"))

        with CaptureQueriesContext(connection) as queries:
            html = listed(client, reverse("unit_chooser:choose_results"), level="village_team")

        assert html.count("data-chooser-modal-choice") == min(count + 1, 20)
        assert len(queries) == UNIT_CHOOSER_QUERIES

    def test_a_unit_of_another_subtree_cannot_be_chosen(self, client, world):
        client.force_login(world.users["township"])

        assert client.get(reverse("unit_chooser:chosen", args=[world.south.pk])).status_code == 404


UNIT_CHOOSER_QUERIES = 10  # session, login, roles, scope, count, one page: none per row


class StaffChooserTests:
    def test_trainers_are_listed_and_cadres_are_not(self, client, world):
        make_trainer(username="trainer-2")
        client.force_login(world.users["trainer"])

        html = listed(client, reverse("staff_chooser:choose"))

        assert "trainer-2" in html
        assert world.own_cadre.user.username not in html

    def test_a_search_by_username_narrows_the_list(self, client, world):
        make_trainer(username="wang-trainer")
        client.force_login(world.users["admin"])

        html = listed(client, reverse("staff_chooser:choose_results"), q="wang")

        assert "wang-trainer" in html and ">trainer<" not in html

    def test_an_officer_gets_an_empty_list(self, client, world):
        client.force_login(world.users["county"])

        assert "trainer" not in listed(client, reverse("staff_chooser:choose")).replace("trainers", "")

    @pytest.mark.parametrize("count", [5, 50])
    def test_the_list_costs_the_same_queries_at_any_size(self, client, world, count):
        for n in range(count):
            make_trainer(username=f"t{n}")
        client.force_login(world.users["admin"])
        client.get(reverse("staff_chooser:choose"))

        with CaptureQueriesContext(connection) as queries:
            listed(client, reverse("staff_chooser:choose_results"))

        assert len(queries) == STAFF_CHOOSER_QUERIES


STAFF_CHOOSER_QUERIES = 5


class ShareFieldTests:
    @pytest.mark.parametrize(
        "text, share",
        [("1/7", (1, 7)), ("15%", (3, 20)), ("12.5%", (1, 8)), ("0.25", (1, 4)), ("2／14", (1, 7)), ("0", (0, 1))],
    )
    def test_fractions_and_percentages_are_read(self, text, share):
        assert ShareField().clean(text) == share

    @pytest.mark.parametrize("text", ["abc", "1/0", "120%", "-1/7", "8/7"])
    def test_anything_else_is_refused_with_the_same_message(self, text):
        with pytest.raises(Exception) as caught:
            ShareField().clean(text)

        assert caught.value.messages == [str(SHARE_INVALID)]


def test_cadres_are_never_offered_as_question_bank_owners(world):
    from quizzes.forms import QuestionBankForm
    from quizzes.models import QuestionBank

    form_class = type(
        "F", (QuestionBankForm,), {"Meta": type("Meta", (), {"model": QuestionBank, "fields": ["name", "owner"]})}
    )
    form = form_class(for_user=world.users["admin"])

    owners = set(form.fields["owner"].queryset)
    assert world.users["trainer"] in owners
    assert world.own_cadre.user not in owners
    assert not Cadre.objects.filter(user__in=owners).exists()
