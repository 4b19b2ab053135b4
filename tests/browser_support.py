"""Browser fixtures (a pytest plugin loaded from tests/conftest.py): Playwright driving Debian's Chromium.

Fixtures:
- `browser`: session-scoped Chromium (skipped, with the reason, when /usr/bin/chromium is missing).
- `browser_page`: a factory, `browser_page(width=1280, height=900)` -> a Playwright Page whose
  `page.console_errors` (list of str) and `page.external_requests` (list of URLs to any host but the
  live server) are recorded; call `assert_clean(page)` to fail on either.
- helper `login(page, live_server_url, username, password)`: logs in through /accounts/login/, and for an
  administrator through the one-time code step too, with the code of its enrolled authenticator.
- helper `settle(page)`: waits until the page's own requests (map data, API calls) are done.
- `restartable_server`: this test's own live server, on its own port, which the test may `stop()` and
  `start()` again on that same port (same origin: a service worker and IndexedDB survive the outage).
  Pages of `browser_page` may talk to it as to the live server.

Tests that use them are marked `browser` and need `live_server` (so they use transactional_db).

Who owns which server: `live_server` is pytest-django's, one for the whole session; no test stops it.
A test that needs a server to go away uses `restartable_server`, which is its own and ends with it.
"""
import errno
import os
import random
import shutil
import socket
import threading
from urllib.parse import urlsplit

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

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
    from django.db import connections

    # Playwright's sync API leaves an asyncio loop running in this thread, and Django then keeps this thread's
    # connections in a store of their own: without this, the test's ORM calls would get a second connection to
    # the test database, not the one the live servers share on in-memory SQLite (and whose table locks would
    # fail one or the other's queries at random).
    wrappers = {alias: connections[alias] for alias in connections}
    pw = sync_playwright().start()
    for alias, wrapper in wrappers.items():
        connections[alias] = wrapper
    try:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # noqa: BLE001 - a broken browser install is a skip with its reason, not an error
        pw.stop()
        pytest.skip(f"Chromium at {path} did not start: {exc}")
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def _page_servers():
    """The host:port of every server this test's pages may talk to (the live server, the test's own)."""
    return set()


@pytest.fixture
def browser_page(browser, live_server, _page_servers):
    """Factory of pages on the live server; every context is closed after the test."""
    _page_servers.add(urlsplit(live_server.url).netloc)
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
            if parts.netloc not in _page_servers:
                page.external_requests.append(request.url)

        # Anything leaving the machine is recorded and never sent.
        def route(route_, request):
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc not in _page_servers:
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


def serialised(app):
    """The WSGI app, one request at a time: on in-memory SQLite every thread of a live server uses the test's one
    connection, and two requests at once (a map page asks its layers in parallel) interleave their transactions
    on it, leaving it outside autocommit for every test after. Each response is read whole inside the lock."""
    lock = threading.Lock()

    def app_one_at_a_time(environ, start_response):
        with lock:
            response = app(environ, start_response)
            if getattr(response, "streaming", False):
                return response
            try:
                return [b"".join(response)]
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()

    return app_one_at_a_time


class _CuttableServer(ThreadedWSGIServer):
    """A live server that, when stopped, also cuts its open keep-alive connections and waits for the threads
    serving them: stopping it must really cut the phone off, and leave no thread using the database."""

    def __init__(self, *args, allow_reuse_address=False, **kwargs):
        # Bound again to the same port at once: its own closed connections' TIME_WAIT must not block the bind.
        super().__init__(*args, allow_reuse_address=True, **kwargs)
        self._open = set()
        self._handlers = set()
        self._lock = threading.Lock()

    def set_app(self, application):
        # sharing the test's in-memory SQLite connection: one request at a time (see `serialised`)
        super().set_app(serialised(application) if self.connections_override else application)

    def process_request(self, request, client_address):
        handler = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        with self._lock:
            self._open.add(request)
            self._handlers = {t for t in self._handlers if t.is_alive()}
            self._handlers.add(handler)
        handler.start()

    def shutdown_request(self, request):
        with self._lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def cut(self, timeout=10):
        with self._lock:
            sockets, handlers = list(self._open), list(self._handlers)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for handler in handlers:
            handler.join(timeout)


class _CuttableThread(LiveServerThread):
    server_class = _CuttableServer

    def terminate(self):
        if hasattr(self, "httpd"):
            self.httpd.shutdown()
            self.httpd.cut()
            self.httpd.server_close()
        self.join()


def _free_port(host):
    """A free port outside the kernel's ephemeral range, so that while the server is down no outgoing
    connection of this machine (nor a server asking for port 0) is given it; port 0 if none is found."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for port in random.sample(range(20000, max(low, 20001)), k=min(50, max(low - 20000, 1))):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    continue
                raise
            return port
    return 0


class RestartableLiveServer:
    """A live server of one test, on a port of its own, that the test may stop and start again on that port."""

    host = "localhost"

    def __init__(self):
        from django.db import connections

        # As pytest-django's live server does: an in-memory SQLite database is one connection, shared.
        self.connections_override = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        self.port = _free_port(self.host)
        self._thread = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def running(self):
        return self._thread is not None

    def start(self):
        assert not self.running, "already running"
        from django.contrib.staticfiles.handlers import StaticFilesHandler

        thread = _CuttableThread(self.host, StaticFilesHandler, connections_override=self.connections_override, port=self.port)
        thread.daemon = True
        for conn in self.connections_override.values():
            conn.inc_thread_sharing()
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            thread.join()
            for conn in self.connections_override.values():
                conn.dec_thread_sharing()
            raise thread.error
        self.port = thread.port
        self._thread = thread

    def stop(self):
        assert self.running, "not running"
        self._thread.terminate()
        self._thread = None
        for conn in self.connections_override.values():
            conn.dec_thread_sharing()


@pytest.fixture
def restartable_server(transactional_db, _page_servers):
    """This test's own live server, started; stopped (if it is running) when the test ends."""
    server = RestartableLiveServer()
    server.start()
    _page_servers.add(urlsplit(server.url).netloc)
    yield server
    if server.running:
        server.stop()
