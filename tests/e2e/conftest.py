"""Browser tests: Debian's headless Chromium, driven by Playwright, against pytest-django's live server.

Every test here gets a fresh transactional database (restored to its just-migrated state, so
Wagtail's root page and locale exist) and a live server in a thread of this process. Build data
with tests/factories.py or the demo loader, then drive the site only through the browser.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls
# made by the test itself (building data, checking rows) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

from tests.e2e.browser import FAILURES, VIEWPORTS  # noqa: E402

CHROMIUM = Path(os.environ.get("JIANBING_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_MISSING = (
    f"The browser tests need Debian's Chromium at {CHROMIUM}, and it is not there. Install it with\n"
    "    apt-get update && apt-get install -y chromium fonts-noto-cjk\n"
    "(`make test` does this as root). Playwright's own browser downloads are not used."
)


def pytest_collection_modifyitems(items):
    """Mark every browser test `e2e`, so `pytest -m "not e2e"` runs the quick suite alone."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _fresh_database(transactional_db, django_db_serialized_rollback, live_server) -> Iterator[None]:
    """A just-migrated database per test, shared with the live server thread, and an empty cache.

    Serialized rollback puts back what migrations created (Wagtail's root page, locale and root
    collection) after the previous test's flush. The cache holds Wagtail's site root paths,
    which would otherwise point at the previous test's pages.
    """
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _connections_per_thread() -> Iterator[None]:
    """Keep Django's database connections per thread while Playwright's event loop is running.

    Playwright's sync API leaves its asyncio loop marked as running in this thread, and asgiref
    then keeps Django's connections per async context instead of per thread: the test would get
    a second connection, without the in-memory test database's serialized contents and apart
    from the one the live server shares. A plain thread-local keeps the one connection.
    """
    storage = threading.local()
    for alias in connections:
        if hasattr(connections._connections, alias):
            setattr(storage, alias, getattr(connections._connections, alias))
    original, connections._connections = connections._connections, storage
    yield
    connections._connections = original


@pytest.fixture(scope="session")
def browser(_connections_per_thread) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def new_context(browser: Browser, request) -> Iterator:
    """Open browser contexts (fresh cookies) at a viewport and locale; all are closed after the test.

    When the test fails, every page still open is saved to artifacts/failures/ as a screenshot
    and its HTML, to see what the browser saw.
    """
    contexts: list[BrowserContext] = []

    def open_context(*, viewport: str = "phone", locale: str = "zh-CN", **options) -> BrowserContext:
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            locale=locale,
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    if getattr(request.node, "e2e_failed", False):
        FAILURES.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(p for context in contexts for p in context.pages):
            stem = FAILURES / f"{request.node.name}-{number}"
            page.screenshot(path=f"{stem}.png", full_page=True)
            stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_context) -> Page:
    """A 360×800 page in a Chinese-language browser."""
    return new_context(viewport="phone").new_page()


@pytest.fixture
def desktop(new_context) -> Page:
    """A 1366×768 page in a Chinese-language browser."""
    return new_context(viewport="desktop").new_page()


@dataclass
class ServerClock:
    """The live server's clock, moved forward by the test: `timezone.now()` is real time plus `offset`.

    Used together with Playwright's page clock, so that browser and server agree that (say)
    fifteen seconds have passed, without the test waiting for them.
    """

    offset: timedelta = timedelta(0)

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def server_clock() -> Iterator[ServerClock]:
    clock = ServerClock()
    real_now = timezone.now

    def shifted_now() -> datetime:
        return real_now() + clock.offset

    # django.utils.timezone.now is looked up at call time by every `timezone.now()` caller,
    # including the live server thread handling the page's heartbeats.
    with mock.patch("django.utils.timezone.now", shifted_now):
        yield clock
