"""Redis (the broker) restarted while a compile runs on a real Celery worker: the compile finishes and
publishes once, equal to an undisturbed computation; the worker reconnects and takes the next job; nothing is
left for the catch-up to compile, and a rerun changes nothing.

Marked `faults`: it stops the machine's Redis (without saving), so it runs only when selected."""
import os
import uuid

import pytest
from django.db import connection

from bureau.celery import app
from bureau.jobs.models import JobRun
from inspections.models import Bulletin, Ranking, ScoringScheme
from inspections.periods import parse_period
from inspections.services.reports import compute_ranking, report_compile_missing
from tests.faults import support
from tests.inspections import reports_support
from tests.inspections.reports_support import build_worked_example
from tests.worker_support import start_worker, wait_for

place, walker = reports_support.place, reports_support.walker  # fixtures

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(600), pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")]


@pytest.fixture
def worker(tmp_path):
    queue = f"faults-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    running = start_worker(queue=queue, log_path=tmp_path / "worker.log",
                           env_extra={"REPORTS_COMPILE_SLOWDOWN_SECONDS": "6"})
    try:
        yield running
    finally:
        support.services_running()
        running.stop()


def test_a_compile_survives_a_redis_restart_and_publishes_once(walker, place, worker):
    # given the worked example in W47 and what an undisturbed compile gives
    build_worked_example(walker)
    expected, _ = compute_ranking(parse_period("week", "2026-W47"), ScoringScheme.objects.current("default"))
    connection.close()

    # when the compile starts and Redis is restarted (without saving) while it runs
    job = app.send_task("inspections.compile_week", args=["2026-W47"], queue=worker.queue)
    wait_for(lambda: JobRun.objects.filter(task_id=job.id).exists(), 60, "the compile to start")
    try:
        support.redis_restart()
    finally:
        support.services_running()

    # then it publishes once, the same ranking
    worker.wait_for(lambda: Ranking.objects.exists() and Bulletin.objects.exists(), 120, "the compile to publish")
    ranking = Ranking.objects.get()
    assert ranking.revision == 1 and Bulletin.objects.get().revision == 1
    published = [(r.street.code, r.rank, f"{r.score:.2f}", r.grade, r.indicators)
                 for r in ranking.rows.select_related("street").order_by("rank")]
    assert published == [(r["street"]["code"], r["rank"], r["score"], r["grade"], r["indicators"]) for r in expected]

    # and the worker reconnected: the next job runs, and changes nothing
    again = app.send_task("inspections.compile_week", args=["2026-W47"], queue=worker.queue)
    worker.wait_for(lambda: JobRun.objects.filter(task_id=again.id, status=JobRun.Status.SUCCEEDED).exists(), 120,
                    "the rerun after the restart")
    assert JobRun.objects.get(task_id=again.id).result["status"] == "unchanged"
    assert Ranking.objects.count() == 1 and Bulletin.objects.count() == 1
    # the catch-up leaves the published week alone
    assert "2026-W47" not in [r.period for r in report_compile_missing(weeks=2, months=0)]
