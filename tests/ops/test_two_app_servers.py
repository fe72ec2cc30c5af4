"""Two gunicorn app servers on different ports share one PostgreSQL and one Redis: a cadre logs
in on one and studies on the other, and the database holds one consistent record.

Collected only when DATABASE_URL is PostgreSQL (tests/ops/conftest.py). The servers use the
test database itself, whose rows this test commits (transactional_db).
"""

from __future__ import annotations

import os
import re
import time

import httpx
import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from courses.models import LessonProgress
from courses.study_time import MIN_BEAT_SPACING
from tests.factories import CadreFactory, make_course, unit_root
from tests.ops.servers import app_servers, free_port, production_environment

PASSWORD = "Xiangcun2030zx"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Browser:
    """Just enough of a browser behind a TLS-terminating load balancer: cookies kept by hand
    (they are Secure, and the servers are spoken to in plain HTTP), Referer and CSRF header sent."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.http = httpx.Client(timeout=20, follow_redirects=False)

    def request(self, method: str, port: int, path: str, **kwargs) -> httpx.Response:
        origin = f"https://127.0.0.1:{port}"
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": origin + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **kwargs.pop("headers", {}),
        }
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        response = self.http.request(method, f"http://127.0.0.1:{port}{path}", headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response


@pytest.mark.django_db(transaction=True)
def test_log_in_on_one_server_and_study_on_the_other(tmp_path, wagtail_root):
    cadre = CadreFactory(unit=unit_root())
    # The servers run the production hashers; the test settings hash with MD5 for speed.
    cadre.user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    cadre.user.save(update_fields=["password"])
    lesson = make_course(lessons=1, minutes=1).get_children().first()
    ports = [free_port(), free_port()]
    prefix = f"jianbing-multi-{os.getpid()}"
    env = production_environment(database_url=database_url(), redis_url=REDIS_URL, ports=ports, prefix=prefix)
    login_port, study_port = ports
    browser = Browser()

    with app_servers(ports, env, log=tmp_path / "gunicorn.log"):
        page = browser.request("GET", login_port, "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        login = browser.request(
            "POST",
            login_port,
            "/accounts/login/",
            data={"username": cadre.user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert login.status_code == 302, (tmp_path / "gunicorn.log").read_text()[-3000:]

        beats = []
        for port in (study_port, login_port, study_port):
            beat = browser.request("POST", port, f"/api/v1/lessons/{lesson.pk}/heartbeat", json={"tab": "tab-1"})
            assert beat.status_code == 200, beat.text
            beats.append(beat.json())
            time.sleep(MIN_BEAT_SPACING + 0.5)
        mine = browser.request("GET", study_port, "/me/")

    assert mine.status_code == 200
    assert [b["outcome"] for b in beats] == ["started", "credited", "credited"]
    progress = LessonProgress.objects.get(cadre=cadre, lesson_id=lesson.pk)
    # Each answer carries the lesson total so far: both servers added to the one row.
    assert progress.credited_seconds == beats[-1]["credited_seconds"] >= 2 * MIN_BEAT_SPACING
    assert LessonProgress.objects.filter(cadre=cadre).count() == 1
    # The session both servers read lives in Redis (and, written through, in the database).
    assert redis.Redis.from_url(REDIS_URL).keys(f"{prefix}:*")
