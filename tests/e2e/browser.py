"""What the browser tests do to pages: log in, screenshot, run axe-core, measure."""

from __future__ import annotations

import re
import time
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
FAILURES = Path(settings.BASE_DIR) / "artifacts" / "failures"
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = "pass-word-123"  # tests.factories.UserFactory's password
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1366, "height": 768}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Links and buttons a thumb must hit: main navigation, search, language switch and primary actions.
TAP_TARGETS = ", ".join(
    [
        ".site-nav a",
        ".site-nav button",
        ".brand",
        ".search-row button",
        ".language-form button",
        ".language-form select",
        "main .button",
        "main button",
        ".pager a",
    ]
)
# The site's own words around the content: navigation, headings, labels, badges, buttons.
CHROME_TEXT = ", ".join(
    [
        "header nav",
        "main h1",
        "main h2",
        "main .badge:not(.muted)",
        "main .button",
        "main button",
        "main label",
        "footer label",
    ]
)
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def log_in(page: Page, base_url: str, username: str, *, password: str = PASSWORD, next_url: str = "") -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{base_url}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save `artifacts/screenshots/<name>-<width>.png` (the width tells phone from desktop)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def screenshot_at_both_sizes(page: Page, name: str, *, full_page: bool = True) -> list[Path]:
    """Screenshot the page at desktop and phone size (`<name>-1366.png`, `<name>-360.png`); then restore its size."""
    size = page.viewport_size
    paths = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)  # let the layout (and a PDF viewer) settle at the new width
        paths.append(screenshot(page, name, full_page=full_page))
    page.set_viewport_size(size)
    return paths


def axe_violations(page: Page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run the vendored axe-core on the page; one line per serious or critical violation and element."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in impacts
        for node in violation["nodes"]
    ]


def scroll_width(page: Page) -> int:
    """The page's full width in CSS pixels: more than the viewport means sideways scrolling."""
    return page.evaluate("document.scrollingElement.scrollWidth")


def small_tap_targets(page: Page, selector: str = TAP_TARGETS, *, minimum: int = 44) -> list[str]:
    """Visible elements matching `selector` whose box is less than `minimum` px high or wide."""
    return page.evaluate(
        """([selector, minimum]) => Array.from(document.querySelectorAll(selector))
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.height < minimum || box.width < minimum)
            .map(([el, box]) => `${el.tagName.toLowerCase()} "${el.textContent.trim()}" `
                + `${Math.round(box.width)}x${Math.round(box.height)}`)""",
        [selector, minimum],
    )


def chrome_text(page: Page, selector: str = CHROME_TEXT) -> list[str]:
    """The visible text of the site's own words on the page (not trainers' content or people's names)."""
    return [text.strip() for text in page.locator(selector).all_inner_texts() if text.strip()]


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def wait_until(page: Page, expression: str, *, timeout: float = 10) -> None:
    """Poll a JavaScript expression until it is true.

    Playwright's own wait_for_function compiles its predicate with eval, which the site's
    Content-Security-Policy forbids; page.evaluate is not subject to it.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def hold_page_clock(page: Page) -> None:
    """Fake and stop the page's clock: its timers fire only when the test runs the clock forward."""
    page.clock.install()
    page.clock.pause_at(int(time.time() * 1000) + 1000)
