"""Browser fixtures (a pytest plugin loaded from tests/conftest.py): Playwright driving Debian's Chromium.

Fixtures:
- `browser`: session-scoped Chromium (skipped, with the reason, when /usr/bin/chromium is missing).
- `browser_page`: a factory, `browser_page(width=1280, height=900)` -> a Playwright Page whose
  `page.console_errors` (list of str) and `page.external_requests` (list of URLs to any host but the
  live server) are recorded; call `assert_clean(page)` to fail on either.
- helper `login(page, live_server_url, username, password)`: logs in through /accounts/login/, and for an
  administrator through the one-time code step too, with the code of its enrolled authenticator.
- helper `settle(page)`: waits until the page's own requests (map data, API calls) are done.

Tests that use them are marked `browser` and need `live_server` (so they use transactional_db).
"""
import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _chromium_path():
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if not path:
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's browser (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev requirements install it
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # noqa: BLE001 - a broken browser install is a skip with its reason, not an error
        pw.stop()
        pytest.skip(f"Chromium at {path} did not start: {exc}")
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def browser_page(browser, live_server):
    """Factory of pages on the live server; every context is closed after the test."""
    server_netloc = urlsplit(live_server.url).netloc
    contexts = []

    def make(width=1280, height=900, locale="zh-CN"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.console_errors = []
        page.external_requests = []
        page.pending_requests = set()

        def on_console(msg):
            if msg.type == "error":
                page.console_errors.append(f"{page.url}: {msg.text}")

        def on_pageerror(exc):
            page.console_errors.append(f"{page.url}: uncaught {exc}")

        def on_request(request):
            page.pending_requests.add(request)
            parts = urlsplit(request.url)
            if parts.scheme in ("data", "blob", "about"):
                return
            if parts.netloc != server_netloc:
                page.external_requests.append(request.url)

        # Anything leaving the machine is recorded and never sent.
        def route(route_, request):
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != server_netloc:
                route_.abort()
            else:
                route_.continue_()

        page.on("console", on_console)
        page.on("pageerror", on_pageerror)
        page.on("request", on_request)
        def on_request_done(request):
            page.pending_requests.discard(request)

        page.on("requestfinished", on_request_done)
        page.on("requestfailed", on_request_done)
        context.route("**/*", route)
        return page

    yield make
    for context in contexts:
        context.close()


def settle(page, quiet_ms=150, timeout_ms=5000):
    """Wait until the page has loaded and none of its requests is in flight for `quiet_ms`
    (cheaper than networkidle's fixed 500 ms; a page that polls is given `timeout_ms`)."""
    page.wait_for_load_state("load")
    waited, quiet = 0, 0
    while waited < timeout_ms and quiet < quiet_ms:
        page.wait_for_timeout(50)
        waited += 50
        quiet = quiet + 50 if not page.pending_requests else 0


def assert_clean(page):
    """Fail on a console error or a request to any host but the live server."""
    assert not page.console_errors, f"console errors: {page.console_errors}"
    assert not page.external_requests, f"requests leaving the server: {page.external_requests}"


def login(page, live_server_url, username, password):
    """Log in through the login form; returns the response of the page landed on."""
    page.goto(f"{live_server_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    if "/accounts/login/otp/" in page.url:
        from tests.otp_support import totp_code

        page.fill("input[name=otp]", totp_code(username))
        with page.expect_navigation():
            page.click("button[type=submit].primary")
    assert "/accounts/login/" not in page.url, f"login as {username} failed (still on {page.url})"
    return page
