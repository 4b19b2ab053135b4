"""Live servers of the browser tests: a test that stops a server stops its own, on its own port, never the
session's live server, so the suite passes in any order. No browser needed: plain sockets."""
import http.client
import socket
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

ASSET = "/static/grids/grids.css"  # small, and served with a Content-Length, so HTTP/1.1 keeps the connection


def served_and_closed_by_the_server(url):
    """Status of an HTTP/1.0 request: the server closes the connection first, so its side of it waits in
    TIME_WAIT on the server's port (what once made a restart on the session server's port fail)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(f"GET {ASSET} HTTP/1.0\r\nHost: {parts.netloc}\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split()[1])


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_tests_own_server_stops_and_comes_back_on_its_port_while_the_session_server_goes_on(
        live_server, restartable_server):
    # given: each server has just closed a connection itself, and the test's own holds one open
    assert restartable_server.url != live_server.url
    assert served_and_closed_by_the_server(live_server.url) == 200
    assert served_and_closed_by_the_server(restartable_server.url) == 200
    host, port = restartable_server.host, restartable_server.port
    kept = http.client.HTTPConnection(host, port, timeout=10)
    kept.request("GET", ASSET)
    response = kept.getresponse()
    response.read()
    assert response.status == 200 and not response.will_close

    # when
    restartable_server.stop()

    # then: it is down, the open connection cut with it; the session's server still answers
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=5).close()
    with pytest.raises((OSError, http.client.HTTPException)):
        kept.request("GET", ASSET)
        kept.getresponse().read()
    kept.close()
    assert served_and_closed_by_the_server(live_server.url) == 200

    # when: started again, at once
    restartable_server.start()

    # then: on the same port (same origin), and the session's server is untouched
    assert restartable_server.port == port
    assert served_and_closed_by_the_server(restartable_server.url) == 200
    assert served_and_closed_by_the_server(live_server.url) == 200


def test_the_session_server_still_answers_after_a_test_stopped_its_own(live_server):
    # Runs after the test above in file order; with `-p randomly` it may run first, which proves as much.
    assert served_and_closed_by_the_server(live_server.url) == 200


def the_tests_connection_is_shared_by(*servers):
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("only an in-memory SQLite database is one connection shared with the servers")
    for overrides in servers:
        assert overrides.get("default") is connection


def test_on_in_memory_sqlite_both_servers_share_the_tests_connection(live_server, restartable_server):
    # A second connection to the in-memory database takes table locks that fail the other's queries at random.
    the_tests_connection_is_shared_by(live_server.thread.connections_override, restartable_server.connections_override)


@pytest.mark.browser
def test_with_the_browser_running_the_test_still_uses_the_shared_connection(live_server, browser):
    # Playwright leaves an asyncio loop running in the test's thread, which gives Django another store of connections:
    # the live server made first (as here when this test runs first) must still share the one the test uses.
    the_tests_connection_is_shared_by(live_server.thread.connections_override)
