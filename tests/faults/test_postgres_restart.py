"""PostgreSQL goes away under a running gunicorn: /healthz answers 503 while it is down and 200 once it is
back, with the same worker processes (persistent connections are checked before reuse, CONN_HEALTH_CHECKS);
and a burst of patrol reports across a restart stores every report and its findings' cases exactly once.

Marked `faults`: they stop the machine's PostgreSQL, so they run only when selected (.ci/run's last step),
never beside other test runs."""
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults import support
from tests.inspections import burst_support
from tests.worker_support import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(600)]


@pytest.fixture
def server(tmp_path):
    running = support.Server(tmp_path / "gunicorn.log")
    try:
        yield running
    finally:
        running.stop()
        support.services_running()


def test_healthz_is_503_while_the_database_is_down_and_200_after_without_a_restart(server):
    # given a healthy server
    assert server.health() == 200
    workers = sorted(server.worker_pids())

    # when the database stops
    try:
        support.postgres_stop()
        down = [server.health() for _ in range(8)]  # every worker, whatever connection it kept
    finally:
        support.postgres_start()

    # then 503 while down, 200 again once it is back, from the same processes
    assert down == [503] * 8, down
    wait_for(lambda: [server.health() for _ in range(8)] == [200] * 8, 30, "/healthz to answer 200 again")
    assert sorted(server.worker_pids()) == workers, server.log()


def test_a_patrol_burst_across_a_postgres_restart_stores_every_report_exactly_once(server):
    # given two streets and their leaders' tokens
    place = burst_support.build_place()
    reports = 60
    done = []
    restarted = threading.Event()

    def one(n):
        street = place["streets"][n % 2]
        body = burst_support.report_body(street, n)
        outcome = support.file_until_created(server.port, street["token"], f"pg-{n}-{uuid.uuid4().hex}", body,
                                             lose_first=n % 3 == 0)
        done.append(n)
        return body["summary"], outcome

    def restart_when_a_third_is_done():
        wait_for(lambda: len(done) >= reports // 3, 300, "a third of the burst")
        support.postgres_restart()
        restarted.set()

    # when the burst runs and PostgreSQL restarts in the middle of it
    restarter = threading.Thread(target=restart_when_a_third_is_done)
    restarter.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(reports)))
    finally:
        restarter.join()
        support.services_running()

    # then every report was created once, with one id per report whatever the retries
    assert restarted.is_set()
    assert all(outcome["created"] for _summary, outcome in results), [r for r in results if not r[1]["created"]][:3]
    stored = burst_support.stored([summary for summary, _ in results])
    assert stored["reports"] == {summary: 1 for summary, _ in results}
    assert stored["findings"] == stored["finding_cases"] == 2 * reports
    assert stored["cases"] == 2 * reports
