"""While the database cannot be reached the site answers 503 with a page that needs no database,
the API answers 503 JSON, and both recover by themselves once it answers again."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from lms.middleware import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from tests.factories import CadreFactory, make_course, unit_root

pytestmark = pytest.mark.django_db


def database_down():
    """Every new cursor fails the way a lost PostgreSQL connection does."""
    return mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("server closed the connection unexpectedly")
    )


@pytest.fixture
def client():
    # Exceptions the site turns into a 503 page must not be re-raised into the test.
    return Client(raise_request_exception=False)


@pytest.fixture
def cadre(db):
    return CadreFactory(unit=unit_root())


class OutageTests:
    def test_a_page_answers_503_with_a_friendly_page_and_retry_after(self, client, cadre):
        client.force_login(cadre.user)

        with database_down():
            response = client.get(reverse("my-learning"))

        assert response.status_code == 503
        assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert DATABASE_UNAVAILABLE in response.content.decode()

    def test_the_api_answers_503_json(self, client, cadre):
        lesson = make_course(lessons=1).get_children().first()
        client.force_login(cadre.user)

        with database_down():
            response = client.post(
                reverse("lesson-heartbeat", args=[lesson.pk]), {"tab": "t"}, content_type="application/json"
            )

        assert response.status_code == 503
        assert response.json() == {"error": DATABASE_UNAVAILABLE, "retry_after": RETRY_AFTER_SECONDS}

    def test_a_failure_in_middleware_before_any_view_is_a_503_too(self, client, cadre):
        client.force_login(cadre.user)

        with mock.patch(
            "django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("connection refused")
        ):
            response = client.get(reverse("my-learning"))

        assert response.status_code == 503

    def test_the_site_recovers_by_itself_once_the_database_answers(self, client, cadre):
        client.force_login(cadre.user)
        with database_down():
            assert client.get(reverse("my-learning")).status_code == 503

        response = client.get(reverse("my-learning"))

        assert response.status_code == 200

    def test_the_health_check_tells_the_load_balancer(self, client):
        with database_down():
            assert client.get(reverse("healthz")).status_code == 503

        assert client.get(reverse("healthz")).status_code == 200
