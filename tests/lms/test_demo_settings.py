"""The demo (`make run`, lms.settings.dev) never shows Django's technical pages, yet serves its files.

Each check runs in a fresh process with the development settings, against this test run's
(migrated) database, because DEBUG and the URL list are fixed when Django starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# Asks the development site for a few addresses through Django's test client and prints what came back.
PROBE = """
import json, sys, django
from django.conf import settings
django.setup()
from django.test.utils import override_settings
override_settings(
    STATIC_ROOT=sys.argv[1],
    MEDIA_ROOT=sys.argv[2],
    # `make run` collects static files (and their manifest) first; the plain storage needs none.
    STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ROOT_URLCONF="tests.e2e.urls",  # the site's URLs plus /e2e/broken/, which fails on purpose
).enable()
from django.test import Client
client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
out = {}
for path in ["/no-such-page/", "/e2e/broken/", "/static/css/probe.css", "/media/probe.txt"]:
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    out[path] = [response.status_code, body.decode("utf-8", "replace")]
print(json.dumps({"debug": settings.DEBUG, "pages": out}))
"""


def probe(tmp_path: Path, **env: str) -> dict:
    static_root, media_root = tmp_path / "static", tmp_path / "media"
    (static_root / "css").mkdir(parents=True)
    (static_root / "css" / "probe.css").write_text("body{}")
    media_root.mkdir()
    (media_root / "probe.txt").write_text("uploaded")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JIANBING_"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="lms.settings.dev")
    # This test's database, migrated by pytest-django.
    test_database = connection.settings_dict["NAME"]
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        environment["DATABASE_URL"] = f"sqlite:///{test_database}"
    else:
        environment["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + test_database
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(static_root), str(media_root)],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


_probed: dict[str, dict] = {}


@pytest.fixture
def demo(transactional_db, tmp_path):
    """One probe for the tests of this file (each starts Django afresh, which takes seconds)."""
    if "demo" not in _probed:
        _probed["demo"] = probe(tmp_path)
    return _probed["demo"]


def test_the_demo_runs_without_debug(demo):
    assert demo["debug"] is False


def test_a_mistyped_address_shows_the_sites_chinese_404_without_the_url_list(demo):
    status, body = demo["pages"]["/no-such-page/"]
    assert status == 404
    assert "页面不存在" in body
    assert "URLconf" not in body
    assert "admin/" not in body.split("<main", 1)[-1]


def test_a_failure_shows_the_sites_chinese_500_without_a_traceback(demo):
    status, body = demo["pages"]["/e2e/broken/"]
    assert status == 500
    assert "出错了" in body
    assert "Traceback" not in body
    assert "deliberate failure" not in body


def test_the_demo_still_serves_static_and_uploaded_files(demo):
    assert demo["pages"]["/static/css/probe.css"] == [200, "body{}"]
    assert demo["pages"]["/media/probe.txt"] == [200, "uploaded"]


def test_a_developer_can_still_ask_for_the_technical_pages(transactional_db, tmp_path):
    developer = probe(tmp_path, DJANGO_DEBUG="1")
    assert developer["debug"] is True
    status, body = developer["pages"]["/no-such-page/"]
    assert (status, "URLconf" in body) == (404, True)
