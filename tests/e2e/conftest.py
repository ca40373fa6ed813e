"""Fixtures for the end-to-end tests: the system Chromium driven by Playwright's sync API.

The tests run against pytest-django's `live_server` (a real HTTP server in a thread,
with a transactional database). Playwright's sync API keeps an event loop in the test
thread, which makes Django refuse synchronous database access unless told otherwise:
DJANGO_ALLOW_ASYNC_UNSAFE is set while Playwright runs, and only then.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Error,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Screenshots for the docs, and of failed tests (the folder is ignored by git).
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"

# A failing step should fail in seconds, not in Playwright's default 30 s.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


# Package scope: one Playwright and one Chromium for all of tests/e2e, as a session
# fixture would be, but stopped once the last e2e test is done. Playwright's sync API
# leaves an event loop running in the main thread while it is started; if it lived to
# the end of the session, every test collected after tests/e2e (tests/notifications,
# tests/portals, …) would run inside that loop and `asyncio.run()` there would fail.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    # A missing browser is a broken test environment, never a reason to skip.
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}: the end-to-end tests need it. "
            "Install it (Debian/Ubuntu: `apt-get install chromium`) or set CHROMIUM_PATH "
            "to a Chromium executable.",
            pytrace=False,
        )
    try:
        browser = playwright_instance.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
    except Error as error:
        pytest.fail(f"Chromium at {CHROMIUM_PATH} did not start: {error}", pytrace=False)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, transactional_db: None) -> Iterator[BrowserContext]:
    # What a typical Chromium sends; the app must answer in Indonesian all the same.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = context.new_page()
    page.console_errors = []  # CSP violations and script errors land here
    page.on(
        "console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        ARTIFACTS_DIR.joinpath("failures").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS_DIR / "failures" / f"{name}.png", full_page=True)
    page.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
