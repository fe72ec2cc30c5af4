"""The administrators' API token screen: who may open it, the key shown once, revoking, audit."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from reports import audit
from reports.models import ApiToken, token_digest
from reports.services import API_TOKEN_USER_SEES_NOTHING, api_token_issue
from tests.factories import CadreFactory, make_admin, make_officer, make_trainer, unit_child, unit_root

pytestmark = pytest.mark.django_db

LIST = reverse("reports_api_tokens")
ADD = reverse("reports_api_token_add")
LOGIN = reverse("wagtailadmin_login")
HOME = reverse("wagtailadmin_home")


def revoke_url(token: ApiToken) -> str:
    return reverse("reports_api_token_revoke", args=[token.pk])


@pytest.fixture
def county():
    return unit_root(code="C01", name="示范县")


@pytest.fixture
def officer(county):
    return make_officer(county, username="county")


@pytest.fixture
def admin_client(client):
    client.force_login(make_admin())
    return client


def issue(client: Client, user, name: str = "省干部管理系统") -> str:
    """Issue a token through the form; the key from the page that answered."""
    response = client.post(ADD, {"name": name, "user": user.pk})
    assert response.status_code == 200
    return re.search(r'id="api-token-key" value="([^"]+)"', response.content.decode()).group(1)


def api_status(key: str) -> int:
    return Client().get("/api/v1/units/C01/completion", HTTP_AUTHORIZATION=f"Bearer {key}").status_code


class PermissionTests:
    @pytest.mark.parametrize("url", [LIST, ADD])
    def test_anonymous_visitors_are_sent_to_the_login(self, client, url):
        response = client.get(url)
        assert response.status_code == 302 and urlparse(response["Location"]).path == LOGIN

    @pytest.mark.parametrize(
        ("role", "sent_to"),
        [("cadre", LOGIN), ("trainer", HOME), ("county", HOME)],
    )
    def test_everyone_but_administrators_is_kept_out(self, client, county, officer, role, sent_to):
        """Cadres have no admin access at all; staff are refused like Wagtail refuses them."""
        token, key = api_token_issue(user=officer, name="gov")
        if role == "cadre":
            user = CadreFactory(unit=unit_child(county, code="T01")).user
        else:
            user = make_trainer() if role == "trainer" else officer
        client.force_login(user)
        for response in (
            client.get(LIST),
            client.get(ADD),
            client.get(revoke_url(token)),
            client.post(revoke_url(token)),
            client.post(ADD, {"name": "x", "user": officer.pk}),
        ):
            assert response.status_code == 302
            assert urlparse(response["Location"]).path == sent_to
            assert key not in response.content.decode()
        token.refresh_from_db()
        assert not token.revoked
        assert ApiToken.objects.count() == 1

    def test_the_menu_item_is_shown_to_administrators_only(self, client, officer):
        client.force_login(officer)
        assert LIST not in client.get(reverse("wagtailadmin_home")).content.decode()
        client.force_login(make_admin())
        assert LIST in client.get(reverse("wagtailadmin_home")).content.decode()


class ListTests:
    def test_the_list_shows_name_scope_and_status_in_chinese_but_never_the_key(self, admin_client, officer):
        token, key = api_token_issue(user=officer, name="省干部管理系统")
        body = admin_client.get(LIST).content.decode()
        assert "接口令牌" in body and "单位范围" in body and "最近使用" in body
        assert "省干部管理系统" in body and "示范县" in body and f"{token.prefix}…" in body
        assert "有效" in body and "从未使用" in body
        assert key not in body and token.digest not in body

    def test_the_list_shows_when_a_token_was_last_used(self, admin_client, officer):
        _token, key = api_token_issue(user=officer, name="gov")
        assert api_status(key) == 200
        assert "从未使用" not in admin_client.get(LIST).content.decode()

    def test_the_list_makes_the_same_number_of_queries_for_one_token_or_many(
        self, admin_client, officer, django_assert_num_queries
    ):
        api_token_issue(user=officer, name="one")
        admin_client.get(LIST)
        with django_assert_num_queries(7) as one:
            admin_client.get(LIST)
        for number in range(10):
            api_token_issue(
                user=make_officer(unit_child(officer.officer.unit, code=f"T{number:02}"), username=f"o{number}"),
                name="n",
            )
        api_token_issue(user=make_admin(username="root2"), name="all")
        with django_assert_num_queries(len(one.captured_queries)):
            response = admin_client.get(LIST)
        assert "全部单位" in response.content.decode()

    def test_english_labels_are_available(self, client):
        user = make_admin()
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
        client.force_login(user)
        with translation.override("en"):
            body = client.get(LIST).content.decode()
        assert "Issue an API token" in body and "Unit scope" in body


class IssueTests:
    def test_the_key_is_shown_once_with_a_warning_and_a_copy_button(self, admin_client, officer):
        key = issue(admin_client, officer)
        token = ApiToken.objects.get()
        assert token.digest == token_digest(key) and token.user == officer
        assert api_status(key) == 200

    def test_the_issued_page_warns_in_chinese_and_is_not_cached(self, admin_client, officer):
        response = admin_client.post(ADD, {"name": "省干部管理系统", "user": officer.pk})
        body = response.content.decode()
        assert "永远不会再次显示" in body and "复制密钥" in body and 'data-action="w-clipboard#copy"' in body
        assert "no-store" in response["Cache-Control"]

    def test_the_key_never_appears_again(self, admin_client, officer):
        key = issue(admin_client, officer)
        token = ApiToken.objects.get()
        for url in (LIST, ADD, revoke_url(token)):
            assert key not in admin_client.get(url).content.decode()
        assert key not in str(ModelLogEntry.objects.values_list("data", flat=True)[0])
        assert key not in str(ApiToken.objects.values().get())

    def test_a_user_who_manages_no_subtree_is_not_offered(self, admin_client):
        trainer = make_trainer()
        response = admin_client.post(ADD, {"name": "x", "user": trainer.pk})
        assert response.status_code == 200 and not ApiToken.objects.exists()
        assert "user" in response.context["form"].errors

    def test_the_service_refuses_a_user_who_manages_no_subtree(self):
        from reports.exceptions import ReportsError

        trainer = make_trainer()
        with pytest.raises(ReportsError) as error:
            api_token_issue(user=trainer, name="x")
        assert str(error.value) == API_TOKEN_USER_SEES_NOTHING % {"username": "trainer"}

    def test_issuing_is_audit_logged_without_the_key(self, admin_client, officer):
        issue(admin_client, officer)
        token = ApiToken.objects.get()
        entry = ModelLogEntry.objects.get(action=audit.API_TOKEN_ISSUE)
        assert entry.object_id == str(token.pk) and entry.user.username == "admin"
        assert entry.data == {"name": "省干部管理系统", "prefix": token.prefix, "for_user": "county"}


class RevokeTests:
    def test_revoking_asks_for_confirmation_first(self, admin_client, officer):
        token, key = api_token_issue(user=officer, name="gov")
        body = admin_client.get(revoke_url(token)).content.decode()
        assert "确定撤销接口令牌" in body and "无法恢复" in body
        token.refresh_from_db()
        assert not token.revoked and api_status(key) == 200

    def test_a_revoked_token_gets_401_from_the_api(self, admin_client, officer):
        token, key = api_token_issue(user=officer, name="gov")
        response = admin_client.post(revoke_url(token))
        assert response.status_code == 302 and response["Location"] == LIST
        token.refresh_from_db()
        assert token.revoked
        assert api_status(key) == 401
        assert "已撤销" in admin_client.get(LIST).content.decode()

    def test_revoking_is_audit_logged_once(self, admin_client, officer):
        token, _key = api_token_issue(user=officer, name="gov")
        admin_client.post(revoke_url(token))
        admin_client.post(revoke_url(token))
        entry = ModelLogEntry.objects.get(action=audit.API_TOKEN_REVOKE)
        assert entry.object_id == str(token.pk) and entry.user.username == "admin"
        assert entry.data == {"name": "gov", "prefix": token.prefix}

    def test_an_unknown_token_is_missing(self, admin_client):
        assert admin_client.get(reverse("reports_api_token_revoke", args=[999])).status_code == 404
