"""Activation codes: random, hashed, expiring, single use, reissued; the public activation page,
its one message for every failure and its throttling per address and per ID number; and the
migration that takes the guessable initial passwords away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from cadres import activation, services
from cadres.activation import ACTIVATION_INVALID, ACTIVATION_THROTTLED, CODE_ALPHABET, CODE_LENGTH
from cadres.exceptions import ActivationFailed
from cadres.models import Account
from tests.factories import make_officer, unit_child, unit_root, valid_id_number

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xiangcun2030zx"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unit(db):
    return unit_child(unit_root(), code="T01", name="城关镇")


@pytest.fixture
def officer(unit):
    return make_officer(unit)


def imported(unit, serial: int, name: str = "王伟"):
    return services.cadre_create(name=name, id_number=valid_id_number(serial), unit=unit, category="first_secretary")


def issue_one(cadre, officer) -> str:
    return activation.activation_code_reissue(cadre=cadre, actor=officer, file_format="pdf").code


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


class ActivationCodeTests:
    def test_an_imported_cadre_waits_for_activation_with_an_unusable_password(self, unit):
        cadre = imported(unit, 1)

        assert not cadre.user.has_usable_password()
        assert Account.objects.get(user=cadre.user).activated_at is None

    def test_codes_are_random_from_the_unambiguous_alphabet(self, unit, officer):
        codes = {issue_one(imported(unit, n), officer) for n in range(1, 6)}

        assert len(codes) == 5
        for code in codes:
            assert len(code) == CODE_LENGTH
            assert set(code) <= set(CODE_ALPHABET)
            assert not set(code) & set("0O1IL")

    def test_only_a_keyed_hash_of_the_code_is_stored(self, unit, officer):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)

        account = Account.objects.get(user=cadre.user)

        assert account.code_hash.startswith("hmac-sha256$")
        assert code not in account.code_hash
        assert account.code_hash == activation.code_hash(user_id=cadre.user_id, code=code)
        assert account.code_expires_at - account.code_issued_at == timedelta(days=30)

    def test_the_code_sets_a_password_and_is_spent(self, unit, officer):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)

        user = activation.account_activate(id_number=cadre.id_number, code=code, password=NEW_PASSWORD)

        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        account = Account.objects.get(user=cadre.user)
        assert account.activated_at is not None
        assert account.code_hash == ""

    def test_a_code_works_only_once(self, unit, officer):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)
        activation.account_activate(id_number=cadre.id_number, code=code, password=NEW_PASSWORD)

        with pytest.raises(ActivationFailed) as error:
            activation.account_activate(id_number=cadre.id_number, code=code, password="Another2030pw")

        assert str(error.value) == ACTIVATION_INVALID

    def test_an_expired_code_is_refused(self, unit, officer):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)
        Account.objects.filter(user=cadre.user).update(code_expires_at=timezone.now() - timedelta(seconds=1))

        with pytest.raises(ActivationFailed):
            activation.account_activate(id_number=cadre.id_number, code=code, password=NEW_PASSWORD)

    def test_the_lifetime_follows_the_setting(self, unit, officer, settings):
        settings.ACTIVATION_CODE_DAYS = 7
        cadre = imported(unit, 1)
        issue_one(cadre, officer)

        account = Account.objects.get(user=cadre.user)

        assert account.code_expires_at - account.code_issued_at == timedelta(days=7)

    def test_a_reissued_code_replaces_the_old_one(self, unit, officer):
        cadre = imported(unit, 1)
        old = issue_one(cadre, officer)
        new = issue_one(cadre, officer)

        with pytest.raises(ActivationFailed):
            activation.account_activate(id_number=cadre.id_number, code=old, password=NEW_PASSWORD)
        activation.account_activate(id_number=cadre.id_number, code=new, password=NEW_PASSWORD)

    def test_another_cadres_code_does_not_open_this_account(self, unit, officer):
        first, second = imported(unit, 1), imported(unit, 2, name="李娜")
        issue_one(first, officer)
        code_of_second = issue_one(second, officer)

        with pytest.raises(ActivationFailed):
            activation.account_activate(id_number=first.id_number, code=code_of_second, password=NEW_PASSWORD)

    def test_a_code_typed_in_lower_case_with_a_space_is_accepted(self, unit, officer):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)

        activation.account_activate(
            id_number=cadre.id_number.lower(), code=f"{code[:4]} {code[4:]}".lower(), password=NEW_PASSWORD
        )

    def test_a_password_the_policy_refuses_leaves_the_code_unspent(self, unit, officer):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)

        with pytest.raises(ValidationError):
            activation.account_activate(id_number=cadre.id_number, code=code, password=cadre.id_number[-6:])

        assert Account.objects.get(user=cadre.user).code_hash != ""
        activation.account_activate(id_number=cadre.id_number, code=code, password=NEW_PASSWORD)


def activate(client, id_number: str, code: str, *, password: str = NEW_PASSWORD, address: str = "10.0.0.1"):
    return client.post(
        reverse("account-activate"),
        {"id_number": id_number, "code": code, "new_password1": password, "new_password2": password},
        REMOTE_ADDR=address,
        headers={"accept-language": "zh-hans"},
    )


class ActivationPageTests:
    def test_the_page_is_in_chinese_and_spells_out_the_policy(self, client):
        page = client.get(reverse("account-activate"), headers={"accept-language": "zh-hans"}).content.decode()

        for text in ("激活账号", "身份证号", "激活码", "新密码", "包含至少 10 个字符", "必须同时包含字母和数字"):
            assert text in page, text

    def test_activating_leads_to_the_login_and_the_new_password_works_without_a_hold(self, client, unit, officer):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)

        response = activate(client, cadre.id_number, code)

        assert response.status_code == 302
        assert response["Location"] == reverse("login")
        client.post(reverse("login"), {"username": cadre.id_number, "password": NEW_PASSWORD})
        assert client.get(reverse("my-learning")).status_code == 200

    @pytest.mark.parametrize("case", ["wrong code", "unknown ID number", "expired", "used"])
    def test_every_failure_gives_the_same_one_message(self, client, unit, officer, case):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)
        id_number = cadre.id_number
        if case == "wrong code":
            code = "".join("A" if ch != "A" else "B" for ch in code)
        elif case == "unknown ID number":
            id_number = valid_id_number(99)
        elif case == "expired":
            Account.objects.filter(user=cadre.user).update(code_expires_at=timezone.now() - timedelta(minutes=1))
        else:
            activation.account_activate(id_number=cadre.id_number, code=code, password="Another2030pw")

        response = activate(client, id_number, code)

        assert response.status_code == 200
        assert list(response.context["form"].non_field_errors()) == [zh(ACTIVATION_INVALID)]
        assert not response.context["form"].has_error("id_number")
        assert not response.context["form"].has_error("code")

    def test_a_weak_password_is_refused_in_chinese(self, client, unit, officer):
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)

        response = activate(client, cadre.id_number, code, password="abcdefghij")

        assert response.status_code == 200
        assert "密码必须同时包含字母和数字。" in response.context["form"].errors["new_password1"]
        assert Account.objects.get(user=cadre.user).code_hash != ""

    def test_wrong_codes_for_one_id_number_are_throttled_whatever_the_address(self, client, unit, officer, settings):
        settings.ACTIVATION_ID_FAILURE_LIMIT = 5
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)
        for attempt in range(5):
            activate(client, cadre.id_number, "WRONGXYZ", address=f"10.0.1.{attempt}")

        response = activate(client, cadre.id_number, code, address="10.0.2.1")

        assert response.status_code == 429
        assert list(response.context["form"].non_field_errors()) == [zh(ACTIVATION_THROTTLED)]
        assert Account.objects.get(user=cadre.user).activated_at is None

    def test_wrong_codes_from_one_address_are_throttled_whatever_the_id_number(self, client, unit, officer, settings):
        settings.ACTIVATION_ADDRESS_FAILURE_LIMIT = 20
        cadre = imported(unit, 1)
        code = issue_one(cadre, officer)
        for serial in range(100, 120):
            activate(client, valid_id_number(serial), "WRONGXYZ", address="198.51.100.7")

        blocked = activate(client, cadre.id_number, code, address="198.51.100.7")
        elsewhere = activate(client, cadre.id_number, code, address="10.0.0.1")

        assert blocked.status_code == 429
        assert elsewhere.status_code == 302


# Serialized rollback: a plain flush afterwards would re-create the role groups (post_migrate)
# under new ids, and the browser tests' serialized rollback would then collide with them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_takes_initial_passwords_away_and_leaves_chosen_ones():
    executor = MigrationExecutor(connection)
    before = [("cadres", "0003_initialpassword")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldUser, InitialPassword = old.get_model("auth", "User"), old.get_model("cadres", "InitialPassword")
    waiting = OldUser.objects.create(username=valid_id_number(1), password=make_password("000013"))
    InitialPassword.objects.create(user=waiting)
    chosen = OldUser.objects.create(username="chosen", password=make_password(NEW_PASSWORD))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    User = get_user_model()
    assert not User.objects.get(pk=waiting.pk).has_usable_password()
    assert Account.objects.get(user_id=waiting.pk).activated_at is None
    assert User.objects.get(pk=chosen.pk).check_password(NEW_PASSWORD)
    assert not Account.objects.filter(user_id=chosen.pk).exists()
