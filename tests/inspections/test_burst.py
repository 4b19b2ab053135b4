"""The 08:00 burst: the phones of the early shift file their patrol reports at once, over real HTTP, each
report sent a second time at a random moment with the same Idempotency-Key (a phone that lost the answer).
Every report and every finding's case is stored exactly once, nothing answers 5xx, and SQLite never says
"database is locked".

On PostgreSQL (DATABASE_URL set) it runs against pytest-django's live server. On SQLite it runs against the
embedded deployment itself (`bin/serve-embedded`: gunicorn processes of threads and the Celery worker on one
SQLite file), since the live server would share the test's single in-memory connection between its threads.
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import ON_POSTGRES
from tests.inspections import burst_support
from tests.worker_support import ROOT, wait_for

pytestmark = pytest.mark.timeout(300)
CLIENTS = 10
REPORTS = 50
URL = "/api/v1/patrol-reports/"


def _post(base, token, key, body):
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        base + URL, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _file_one(base, place, n, rng):
    """One phone's report: sent, and sent again with the same key, before or after the first answer."""
    street = place["streets"][n % len(place["streets"])]
    body, key = burst_support.report_body(street, n), f"burst-{n}-{uuid.uuid4().hex}"
    answers = []
    if rng.random() < 0.5:  # the resend goes out while the first is still on its way
        delay = rng.uniform(0, 0.05)
        resend = threading.Thread(target=lambda: (time.sleep(delay), answers.append(_post(base, street["token"],
                                                                                            key, body))))
        resend.start()
        answers.append(_post(base, street["token"], key, body))
        resend.join()
    else:  # the answer was lost: the phone sends again once it times out
        answers.append(_post(base, street["token"], key, body))
        answers.append(_post(base, street["token"], key, body))
    # A resend that met the first still running got 409 and tries again, as the phone's outbox does.
    for _ in range(60):
        if any(status == 201 for status, _ in answers[1:]) or all(status != 409 for status, _ in answers):
            break
        time.sleep(0.25)
        answers.append(_post(base, street["token"], key, body))
    return body["summary"], answers


def _burst(base, place):
    rng = random.Random(815)  # noqa: S311 - timing jitter, not security
    seeds = [rng.random() for _ in range(REPORTS)]
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda n: _file_one(base, place, n, random.Random(seeds[n])),  # noqa: S311
                                range(REPORTS)))
    return results, time.monotonic() - started


def _check(results, stored):
    statuses = [status for _summary, answers in results for status, _ in answers]
    bodies = [body for _summary, answers in results for _status, body in answers]
    assert all(status < 500 for status in statuses), [(s, b[:300]) for s, b in zip(statuses, bodies, strict=True)
                                                     if s >= 500][:3]
    assert set(statuses) <= {201, 409}, sorted(set(statuses))
    assert all(len(answers) >= 2 for _summary, answers in results)  # every report was sent twice at least
    for summary, answers in results:
        created = [json.loads(body) for status, body in answers if status == 201]
        assert created, f"{summary}: {answers}"
        assert len({c["id"] for c in created}) == 1, f"{summary}: two different reports answered"
    assert not any(b"database is locked" in body for body in bodies)
    assert stored["reports"] == {summary: 1 for summary, _ in results}
    assert stored["findings"] == 2 * REPORTS
    assert stored["finding_cases"] == 2 * REPORTS


if ON_POSTGRES:  # defined only there: a skipped live-server test would still have its tables re-seeded after it
    @pytest.mark.django_db(transaction=True)
    def test_burst_on_postgresql_stores_every_report_exactly_once(live_server):
        # given
        place = burst_support.build_place()

        # when
        results, _seconds = _burst(live_server.url, place)

        # then
        _check(results, burst_support.stored([summary for summary, _ in results]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _in_deployment(env, code):
    result = subprocess.run([sys.executable, "-c", "import django, json; django.setup()\n" + code], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(ON_POSTGRES, reason="the embedded deployment is SQLite; on PostgreSQL the test above runs")
def test_burst_on_the_embedded_sqlite_deployment_stores_every_report_exactly_once(tmp_path):
    # given: the embedded deployment (gunicorn, 2 processes x 4 threads, and the worker) on a fresh SQLite file
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE",
                        "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE")}
    for folder in ("broker", "broker-processed", "broker-control", "var", "media"):
        (tmp_path / folder).mkdir()
    env.update({"DJANGO_SETTINGS_MODULE": "bureau.settings.local", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "CELERY_FILESYSTEM_BROKER_DIR": str(tmp_path / "broker"), "MEDIA_ROOT": str(tmp_path / "media"),
                "VAR_DIR": str(tmp_path / "var"), "PORT": str(_free_port())})
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=240)
    place = _in_deployment(env, "from tests.inspections.burst_support import build_place\n"
                                "print(json.dumps(build_place()))")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(["bash", "bin/serve-embedded"], cwd=ROOT, env=env, start_new_session=True,
                                  stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{env['PORT']}"

    def up():
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310 - loopback
                return response.status == 200
        except OSError:
            return server.poll() is not None

    try:
        wait_for(up, 90, "the embedded deployment")
        assert server.poll() is None, log.read_text()

        # when
        results, _seconds = _burst(base, place)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)

    # then
    summaries = [summary for summary, _ in results]
    _check(results, _in_deployment(env, "from tests.inspections.burst_support import stored\n"
                                        f"print(json.dumps(stored({summaries!r})))"))
    text = log.read_text(errors="replace") + (tmp_path / "var" / "worker.log").read_text(errors="replace")
    assert "database is locked" not in text
    assert "Traceback" not in text, text[-3000:]
