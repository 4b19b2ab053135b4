"""The soak: SOAK_REPORTS patrol reports (2,000 here; bench/soak.py runs 10,000) with two findings each, from
16 clients against gunicorn, a third of the answers lost on purpose and retried with the same
Idempotency-Key, web workers SIGKILLed now and then, PostgreSQL restarted once and Redis once during it.
Every report and each finding's case is stored exactly once, and no retry waits long behind a dead request's
key (the in-progress state is a lock that dies with its request, not a timer).

Marked `faults`: it restarts the machine's PostgreSQL and Redis, so it runs only when selected."""
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults import support
from tests.inspections import burst_support
from tests.worker_support import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(int(os.environ.get("SOAK_TIMEOUT", "1800")))]

REPORTS = int(os.environ.get("SOAK_REPORTS", "2000"))
CLIENTS = 16
KILLS = 8  # web workers SIGKILLed along the way
LONGEST_WAIT_S = 30  # behind one key: a live request's own time, never a dead one's timer


def test_soak_stores_every_report_exactly_once_through_lost_answers_kills_and_restarts(tmp_path):
    # given the district, and gunicorn on the test database and Redis
    place = burst_support.build_place()
    server = support.Server(tmp_path / "gunicorn.log", workers=4)
    done, faults = [], []

    def one(n):
        street = place["streets"][n % 2]
        body = burst_support.report_body(street, n)
        outcome = support.file_until_created(server.port, street["token"], f"soak-{n}-{uuid.uuid4().hex}", body,
                                             lose_first=n % 3 == 0)
        done.append(n)
        return body["summary"], outcome

    def inject():
        """Kill a web worker every 1/KILLS of the way; restart PostgreSQL at 30 % and Redis at 60 %."""
        plan = sorted([(REPORTS * k // (KILLS + 1), "kill") for k in range(1, KILLS + 1)]
                      + [(REPORTS * 3 // 10, "postgres"), (REPORTS * 6 // 10, "redis")])
        for at, fault in plan:
            wait_for(lambda at=at: len(done) >= at, 1200, f"{at} reports")
            if fault == "kill":
                server.kill_a_worker(at)
            elif fault == "postgres":
                support.postgres_restart()
            else:
                support.redis_restart()
            faults.append((fault, len(done)))

    # when
    started = time.monotonic()
    injector = threading.Thread(target=inject, daemon=True)
    injector.start()
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(one, range(REPORTS)))
        injector.join(60)
    finally:
        server.stop()
        support.services_running()
    seconds = time.monotonic() - started

    # then
    print(f"\nsoak: {REPORTS} reports in {seconds:.0f} s, faults {faults}")
    assert [f for f, _ in faults].count("kill") == KILLS and {"postgres", "redis"} <= {f for f, _ in faults}
    unfinished = [(summary, o["answers"][-3:]) for summary, o in results if not o["created"]]
    assert unfinished == [], unfinished[:5]
    stored = burst_support.stored([summary for summary, _ in results])
    twice = {s: n for s, n in stored["reports"].items() if n != 1}
    assert twice == {}, list(twice.items())[:5]
    assert stored["findings"] == stored["finding_cases"] == stored["cases"] == 2 * REPORTS
    waits = sorted((o["longest_409_s"], summary) for summary, o in results)
    assert waits[-1][0] < LONGEST_WAIT_S, waits[-5:]
