"""A wrong or expired check-in code keeps the cadre on the site's styled page, told why in Chinese, ready to retry."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from rotations.models import Attendance
from rotations.services import attendance
from rotations.services.attendance import CHECKIN_EXPIRED, CHECKIN_UNKNOWN
from tests.factories import CadreFactory, make_batch, make_programme, unit_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return unit_root()


@pytest.fixture
def cadre_client(client, county):
    client.force_login(CadreFactory(unit=county).user)
    return client


def _post(client, code: str) -> str:
    with translation.override("zh-hans"):
        response = client.post(reverse("rotations:checkin"), {"code": code}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400
        return response.content.decode()


def test_a_wrong_code_shows_the_reason_on_the_styled_page_with_a_retry(cadre_client):
    page = _post(cadre_client, "not-a-code")

    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert '<div class="checkin-refused" role="alert" id="checkin-error">' in page
    assert "<h2>签到未成功</h2>" in page
    with translation.override("zh-hans"):
        assert f'<p class="error">{translation.gettext(CHECKIN_UNKNOWN)}</p>' in page
    assert 'value="not-a-code"' in page and 'aria-invalid="true"' in page
    assert '<button type="submit" class="primary">重新签到</button>' in page
    assert f'href="{reverse("rotations:mine")}"' in page
    assert "errorlist" not in page
    assert not Attendance.objects.exists()


def test_an_expired_code_says_to_ask_for_a_new_one(cadre_client, county):
    batch = make_batch(make_programme(county), starts_on=timezone.localdate() + timedelta(days=1))
    session = attendance.checkin_open(session=batch.sessions.first())
    type(session).objects.filter(pk=session.pk).update(checkin_expires_at=timezone.now() - timedelta(minutes=1))

    page = _post(cadre_client, session.checkin_code)

    with translation.override("zh-hans"):
        assert f'<p class="error">{translation.gettext(CHECKIN_EXPIRED)}</p>' in page


def test_the_page_opened_from_a_qr_code_asks_nothing_but_the_tap(cadre_client):
    with translation.override("zh-hans"):
        page = cadre_client.get(
            reverse("rotations:checkin") + "?code=ABC123", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()

    assert 'value="ABC123"' in page
    assert "checkin-refused" not in page
    assert '<button type="submit" class="primary">签到</button>' in page
