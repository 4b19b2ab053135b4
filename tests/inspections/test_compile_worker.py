"""A real Celery worker whose pool process is SIGKILLed in the middle of a compile gives the job back
(acks_late + task_reject_on_worker_lost), and the result equals an undisturbed run (issue 6, CI marker
`worker`; needs PostgreSQL and Redis: DATABASE_URL and REDIS_URL)."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bureau.jobs.models import JobRun
from inspections.models import Bulletin, Ranking, ScoringScheme
from inspections.periods import parse_period
from inspections.services.reports import compute_ranking
from tests.inspections import reports_support
from tests.inspections.reports_support import build_worked_example

place, walker = reports_support.place, reports_support.walker  # fixtures

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180),
              pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")]

ROOT = Path(__file__).resolve().parents[2]
QUEUE = f"reports-worker-test-{os.getpid()}"
SLOWDOWN = 6


def _database_url():
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker(tmp_path):
    """One prefork worker (one pool process) on a private queue, against the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bureau.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_BROKER_VISIBILITY_TIMEOUT": "5",
        "REPORTS_COMPILE_SLOWDOWN_SECONDS": str(SLOWDOWN),
    }
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "bureau", "worker", "--pool=prefork", "--concurrency=1",
         "-Q", QUEUE, "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO",
         f"--logfile={log}"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: log.exists() and "ready" in log.read_text(), 60, "the worker to start")
        yield process, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        sys.stdout.write(log.read_text()[-3000:] if log.exists() else "")


def test_a_killed_pool_process_gives_the_compile_back_and_the_result_equals_an_undisturbed_run(walker, place, worker):
    from bureau.celery import app

    process, log = worker
    # given: the worked example in W47, which finished long ago
    build_worked_example(walker)
    expected, _ = compute_ranking(parse_period("week", "2026-W47"), ScoringScheme.objects.current("default"))
    connection.close()  # the worker must see committed data only

    # when: the job starts; its pool process is killed while it is compiling
    result = app.send_task("inspections.compile_week", args=["2026-W47"], queue=QUEUE)
    _wait(lambda: JobRun.objects.filter(task_id=result.id).exists(), 30, "the job to start")
    pool = _children(process.pid)
    assert len(pool) == 1, pool
    os.kill(pool[0], signal.SIGKILL)
    killed_at = time.monotonic()
    assert not Ranking.objects.exists(), "the kill should land before publication"

    # then: the job is given back and done by the next pool process
    _wait(lambda: Ranking.objects.exists() and Bulletin.objects.exists(), 90, "the redelivered job to publish")
    assert time.monotonic() - killed_at < 60
    assert JobRun.objects.filter(task_id=result.id).count() >= 2  # two attempts of one job
    assert _children(process.pid) and _children(process.pid) != pool
    ranking = Ranking.objects.get()
    assert ranking.revision == 1 and Bulletin.objects.get().revision == 1
    published = [(r.street.code, r.rank, f"{r.score:.2f}", r.grade, r.indicators)
                 for r in ranking.rows.select_related("street").order_by("rank")]
    assert published == [(r["street"]["code"], r["rank"], r["score"], r["grade"], r["indicators"]) for r in expected]
    assert published[1][2] == "71.00"
    # and a second delivery of the same job changes nothing
    again = app.send_task("inspections.compile_week", args=["2026-W47"], queue=QUEUE)
    _wait(lambda: JobRun.objects.filter(task_id=again.id, status=JobRun.Status.SUCCEEDED).exists(), 60, "the rerun")
    assert JobRun.objects.get(task_id=again.id).result["status"] == "unchanged"
    assert Ranking.objects.count() == 1
