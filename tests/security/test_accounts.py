"""Logins: throttling and lockout, the password policy, the forced change of initial passwords,
session expiry, and the security headers every response carries."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cadres import audit, services
from cadres.models import InitialPassword
from cadres.passwords import PASSWORD_NEEDS_LETTERS_AND_DIGITS
from lms.middleware import PASSWORD_CHANGE_REQUIRED
from tests.factories import CadreFactory, make_course, unit_root, valid_id_number

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xiangcun2030zx"


@pytest.fixture
def unit(db):
    return unit_root()


@pytest.fixture
def imported_cadre(unit):
    """A cadre created the way the roster import creates them: initial password = ID tail."""
    return services.cadre_create(name="王伟", id_number=valid_id_number(7), unit=unit, category="first_secretary")


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


class LoginThrottlingTests:
    @override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
    def test_five_wrong_passwords_lock_the_login_even_against_the_right_one(self, client, unit):
        cadre = CadreFactory(unit=unit)
        for _ in range(4):
            assert log_in(client, cadre.user.username, "wrong-password").status_code == 200
        assert log_in(client, cadre.user.username, "wrong-password").status_code == 429

        response = log_in(client, cadre.user.username, "pass-word-123")

        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    @override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
    def test_a_lockout_of_one_login_leaves_the_others_alone(self, client, unit):
        locked, other = CadreFactory(unit=unit), CadreFactory(unit=unit)
        for _ in range(5):
            log_in(client, locked.user.username, "wrong-password")

        response = log_in(client, other.user.username, "pass-word-123")

        assert response.status_code == 302

    def test_the_lockout_is_keyed_on_the_login_and_cools_off(self):
        assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
        assert settings.AXES_FAILURE_LIMIT == 5
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


class InitialPasswordTests:
    def test_cadres_created_from_the_roster_must_change_their_password(self, imported_cadre):
        assert InitialPassword.objects.filter(user=imported_cadre.user).exists()

    def test_logging_in_with_the_initial_password_leads_to_the_change_page(self, client, imported_cadre):
        response = log_in(client, imported_cadre.id_number, imported_cadre.id_number[-6:])

        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")

    def test_every_page_sends_them_back_to_the_change_page_until_they_change_it(self, client, imported_cadre):
        log_in(client, imported_cadre.id_number, imported_cadre.id_number[-6:])

        assert client.get(reverse("my-learning"))["Location"] == reverse("password_change")
        assert client.get(reverse("password_change")).status_code == 200

    def test_the_api_answers_403_until_the_password_is_changed(self, client, imported_cadre):
        lesson = make_course(lessons=1).get_children().first()
        log_in(client, imported_cadre.id_number, imported_cadre.id_number[-6:])

        response = client.post(
            reverse("lesson-heartbeat", args=[lesson.pk]), {"tab": "t"}, content_type="application/json"
        )

        assert response.status_code == 403
        assert response.json()["error"] == PASSWORD_CHANGE_REQUIRED

    def test_changing_the_password_lifts_the_block_and_is_logged(self, client, imported_cadre):
        initial = imported_cadre.id_number[-6:]
        log_in(client, imported_cadre.id_number, initial)

        response = client.post(
            reverse("password_change"),
            {"old_password": initial, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert response.status_code == 302
        assert client.get(reverse("my-learning")).status_code == 200
        assert not InitialPassword.objects.filter(user=imported_cadre.user).exists()
        assert ModelLogEntry.objects.filter(action=audit.INITIAL_PASSWORD_CHANGED).count() == 1

    def test_the_new_password_may_not_be_the_id_number_tail(self, client, imported_cadre):
        initial = imported_cadre.id_number[-6:]
        log_in(client, imported_cadre.id_number, initial)

        response = client.post(
            reverse("password_change"),
            {"old_password": initial, "new_password1": initial, "new_password2": initial},
        )

        assert response.status_code == 200
        assert InitialPassword.objects.filter(user=imported_cadre.user).exists()

    def test_accounts_with_a_chosen_password_are_not_held_up(self, client, unit):
        cadre = CadreFactory(unit=unit)

        response = log_in(client, cadre.user.username, "pass-word-123")

        assert response["Location"] == reverse("home-redirect")


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
