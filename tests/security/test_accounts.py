"""Logins: throttling and lockout, the password policy, the password-change hold and its page,
session expiry, and the security headers every response carries. Every login route × the hold
is in test_login_entry_points; activation codes in tests/cadres/test_activation.py."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from cadres import activation, audit, services
from cadres.account_forms import OLD_PASSWORD_WRONG, PASSWORDS_DIFFER
from cadres.models import Account
from cadres.passwords import PASSWORD_NEEDS_LETTERS_AND_DIGITS
from tests.factories import CadreFactory, make_admin, unit_root, valid_id_number

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xiangcun2030zx"


@pytest.fixture
def unit(db):
    return unit_root()


@pytest.fixture
def imported_cadre(unit):
    """A cadre created the way the roster import creates them."""
    return services.cadre_create(name="王伟", id_number=valid_id_number(7), unit=unit, category="first_secretary")


@pytest.fixture
def held_cadre(unit):
    """A cadre whose password an administrator set: they must change it."""
    cadre = CadreFactory(unit=unit)
    activation.password_change_require(user=cadre.user, by=make_admin())
    return cadre


def gettext_in(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def log_in_from(client, address, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


class LoginThrottlingTests:
    @pytest.fixture(autouse=True)
    def _axes_on(self, settings):
        settings.AXES_ENABLED = True
        settings.AXES_FAILURE_LIMIT = 5
        settings.AXES_ADDRESS_FAILURE_LIMIT = 20

    def test_five_wrong_passwords_lock_the_login_at_that_address_even_against_the_right_one(self, client, unit):
        cadre = CadreFactory(unit=unit)
        for _ in range(4):
            assert log_in_from(client, "10.0.0.1", cadre.user.username, "wrong-password").status_code == 200
        assert log_in_from(client, "10.0.0.1", cadre.user.username, "wrong-password").status_code == 429

        response = log_in_from(client, "10.0.0.1", cadre.user.username, "pass-word-123")

        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_a_stranger_elsewhere_cannot_lock_a_named_account(self, client, unit):
        cadre = CadreFactory(unit=unit)
        for _ in range(10):
            log_in_from(Client(), "203.0.113.9", cadre.user.username, "wrong-password")

        response = log_in_from(client, "10.0.0.1", cadre.user.username, "pass-word-123")

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(cadre.user.pk)

    def test_spraying_many_logins_from_one_address_locks_that_address(self, client, unit):
        cadres = [CadreFactory(unit=unit) for _ in range(11)]
        # Two tries per login stay under the login's own limit; the address reaches 20.
        for cadre in cadres[:10]:
            for _ in range(2):
                log_in_from(client, "198.51.100.7", cadre.user.username, "Password2026")

        sprayed = log_in_from(client, "198.51.100.7", cadres[10].user.username, "pass-word-123")
        elsewhere = log_in_from(Client(), "10.0.0.1", cadres[10].user.username, "pass-word-123")

        assert sprayed.status_code == 429
        assert elsewhere.status_code == 302

    def test_below_the_address_limit_an_office_sharing_one_address_can_still_log_in(self, client, unit):
        mistyping, other = CadreFactory(unit=unit), CadreFactory(unit=unit)
        for _ in range(5):
            log_in_from(client, "10.0.0.1", mistyping.user.username, "wrong-password")

        response = log_in_from(client, "10.0.0.1", other.user.username, "pass-word-123")

        assert response.status_code == 302

    def test_a_good_login_does_not_wipe_the_address_count(self, client, unit):
        sprayer, victim = CadreFactory(unit=unit), CadreFactory(unit=unit)
        for number in range(19):
            log_in_from(Client(), "198.51.100.7", f"someone{number}", "Password2026")
        # The sprayer logs into their own account in between, from the same address...
        assert log_in_from(Client(), "198.51.100.7", sprayer.user.username, "pass-word-123").status_code == 302
        log_in_from(Client(), "198.51.100.7", "someone-else", "Password2026")

        # ...and the address is locked all the same.
        assert log_in_from(client, "198.51.100.7", victim.user.username, "pass-word-123").status_code == 429

    def test_the_lockout_is_keyed_on_the_address_and_on_the_login_at_an_address(self):
        assert settings.AXES_LOCKOUT_PARAMETERS == ["ip_address", ["username", "ip_address"]]
        assert settings.AXES_HANDLER == "lms.throttling.AddressAndLoginHandler"
        assert settings.AXES_COOLOFF_TIME == 0.25


class PasswordPolicyTests:
    @pytest.mark.parametrize("password", ["123456", "2030123456", "xiangcunzhenxing"])
    def test_weak_passwords_are_refused(self, password):
        with pytest.raises(ValidationError):
            validate_password(password)

    def test_letters_without_digits_are_refused_with_our_message(self):
        with pytest.raises(ValidationError) as error:
            validate_password("Xiangcunzhenxingqq")

        assert PASSWORD_NEEDS_LETTERS_AND_DIGITS in error.value.messages

    def test_a_long_mixed_password_is_accepted(self):
        validate_password(NEW_PASSWORD)


class PasswordChangeHoldTests:
    def test_cadres_created_from_the_roster_cannot_log_in_before_activation(self, client, imported_cadre):
        account = Account.objects.get(user=imported_cadre.user)

        response = log_in(client, imported_cadre.id_number, imported_cadre.id_number[-6:])

        assert account.activated_at is None
        assert not imported_cadre.user.has_usable_password()
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_changing_the_password_lifts_the_hold_and_is_logged(self, client, held_cadre):
        log_in(client, held_cadre.user.username, "pass-word-123")

        response = client.post(
            reverse("password_change"),
            {"old_password": "pass-word-123", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert response.status_code == 302
        assert client.get(reverse("my-learning")).status_code == 200
        assert not Account.objects.get(user=held_cadre.user).password_change_required
        assert ModelLogEntry.objects.filter(action=audit.INITIAL_PASSWORD_CHANGED).count() == 1

    def test_a_refused_new_password_keeps_the_hold(self, client, held_cadre):
        log_in(client, held_cadre.user.username, "pass-word-123")

        response = client.post(
            reverse("password_change"),
            {"old_password": "pass-word-123", "new_password1": "123456", "new_password2": "123456"},
        )

        assert response.status_code == 200
        assert Account.objects.get(user=held_cadre.user).password_change_required

    def test_accounts_with_a_chosen_password_are_not_held_up(self, client, unit):
        cadre = CadreFactory(unit=unit)

        response = log_in(client, cadre.user.username, "pass-word-123")

        assert response["Location"] == reverse("home-redirect")

    def test_a_password_an_administrator_sets_must_be_changed_by_its_owner(self, client, unit):
        cadre = CadreFactory(unit=unit)
        client.force_login(make_admin())

        client.post(
            reverse("wagtailusers_users:edit", args=[cadre.user.pk]),
            {
                "username": cadre.user.username,
                "email": "wang@example.org",
                "first_name": cadre.name,
                "last_name": "干部",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "is_active": "on",
                "groups": list(cadre.user.groups.values_list("pk", flat=True)),
            },
        )

        assert Account.objects.get(user=cadre.user).password_change_required
        assert ModelLogEntry.objects.filter(action=audit.PASSWORD_CHANGE_REQUIRED).count() == 1


class PasswordChangePageTests:
    def test_the_page_is_the_sites_own_with_chinese_labels_and_the_policy(self, client, held_cadre):
        client.force_login(held_cadre.user)

        page = client.get(reverse("password_change"), headers={"accept-language": "zh-hans"}).content.decode()

        assert '<link rel="stylesheet" href="/static/css/site.css">' in page
        for text in ("当前密码", "新密码", "再次输入新密码", "包含至少 10 个字符", "必须同时包含字母和数字"):
            assert text in page, text

    def test_errors_are_in_chinese(self, client, held_cadre):
        client.force_login(held_cadre.user)

        page = client.post(
            reverse("password_change"),
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
            headers={"accept-language": "zh-hans"},
        ).content.decode()

        assert gettext_in("zh-hans", OLD_PASSWORD_WRONG) in page
        assert gettext_in("zh-hans", PASSWORDS_DIFFER) in page


class SessionAndHeaderTests:
    def test_sessions_expire_after_eight_hours(self, client, unit):
        cadre = CadreFactory(unit=unit)

        response = log_in(client, cadre.user.username, "pass-word-123")

        assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
        assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60
        assert response.cookies["sessionid"]["httponly"]

    def test_pages_carry_a_content_security_policy_and_no_sniffing(self, client):
        response = client.get(reverse("login"))

        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
        assert "object-src 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


class ProductionSettingsTests:
    def test_the_language_cookie_is_secure_and_the_deploy_check_stays_clean(self):
        import os
        import secrets
        import subprocess
        import sys

        # A clean environment: other tests in this process set variables (the browser tests do).
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "DJANGO_ALLOWED_HOSTS": "x",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        }
        check = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        cookie = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from django.conf import settings as s; "
                "print(s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )

        assert check.returncode == 0, check.stdout + check.stderr
        assert cookie.stdout.split() == ["True", "True", "True"]
