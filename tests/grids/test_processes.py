"""Other processes follow cell changes: an already-running Celery worker, and a second web server process.

Each keeps its own in-memory index; an import publishes a new version in the shared cache (Redis) on
commit, and each process rebuilds within CHECK_INTERVAL_SECONDS of its next lookup.
"""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from bureau.accounts.services import token_issue
from bureau.jobs.models import JobRun
from grids import geometry, imports
from grids.tasks import locate_point

from .conftest import LAT0, LNG0, STEP, D, collection, feature, rect

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """DATABASE_URL of pytest's test database (test_<name>) for a subprocess."""
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def wait_for(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _env():
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "bureau.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }


@pytest.fixture
def grids_worker(transactional_db, tmp_path):
    """A real Celery worker (prefork, one child) on a private queue, against the test database and Redis."""
    from bureau.celery import app

    queue = f"grids-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path / "worker.log"
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "bureau", "worker", "--pool=prefork", "--concurrency=1",
         "-Q", queue, "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel=INFO", f"--logfile={log_path}"],
        cwd=ROOT, env=_env(), start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    log = lambda: log_path.read_text(errors="replace") if log_path.exists() else ""  # noqa: E731
    eager = app.conf.task_always_eager
    try:
        wait_for(lambda: process.poll() is not None or "ready." in log(), 60, "the worker to start")
        assert process.poll() is None, log()
        app.conf.task_always_eager = False
        yield process, queue
    finally:
        app.conf.task_always_eager = eager
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


INSIDE_FIRST = (LAT0 + 0.5 * STEP, LNG0 + 0.5 * STEP)
INSIDE_SECOND = (LAT0 + 0.5 * STEP, LNG0 + 5.5 * STEP)


def _import(user, code, geom):
    imports.grid_import(acting_user=user, collection=collection(feature(code, geom)))


def _located_by_worker(queue, lat, lng, timeout=60):
    result = locate_point.apply_async((lat, lng), queue=queue)
    run = wait_for(lambda: JobRun.objects.filter(task_id=result.id, status=JobRun.Status.SUCCEEDED).first(),
                   timeout, "the worker's answer")
    return run.result["code"]


def test_a_running_worker_locates_points_in_a_cell_imported_after_it_started(grids_worker, bureau_user):
    process, queue = grids_worker
    # given: a worker that has already built its index from one cell
    _import(bureau_user, f"{D}001001001", rect(0, 0))
    assert _located_by_worker(queue, *INSIDE_FIRST) == f"{D}001001001"
    assert _located_by_worker(queue, *INSIDE_SECOND) is None

    # when: another cell is imported here (the worker keeps running)
    _import(bureau_user, f"{D}001001002", rect(5, 0))
    time.sleep(geometry.CHECK_INTERVAL_SECONDS + 0.2)

    # then: the same worker process answers from the new cell
    assert _located_by_worker(queue, *INSIDE_SECOND) == f"{D}001001002"
    assert process.poll() is None, "the same worker process"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a local test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def second_web_process(transactional_db, tmp_path):
    port = _free_port()
    env = _env()
    log = open(tmp_path / "web.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "runserver", "--noreload", "--nothreading",
         f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - a local test server
            return True
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None:
                raise AssertionError((tmp_path / "web.log").read_text()) from None
            return False

    try:
        wait_for(up, 60, "the second web process")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_a_second_web_process_locates_points_in_a_cell_imported_here(second_web_process, bureau_user):
    # given: the other process has answered (so its index is built) before the import
    token = token_issue(user=bureau_user)
    _import(bureau_user, f"{D}001001001", rect(0, 0))
    url = f"{second_web_process}/api/v1/grid-cells/locate/?lat={INSIDE_SECOND[0]}&lng={INSIDE_SECOND[1]}"
    first = f"{second_web_process}/api/v1/grid-cells/locate/?lat={INSIDE_FIRST[0]}&lng={INSIDE_FIRST[1]}"
    assert _get(first, token) == (200, _get(first, token)[1])
    status, _body = _get(url, token)
    assert status == 404

    # when
    _import(bureau_user, f"{D}001001002", rect(5, 0))
    time.sleep(geometry.CHECK_INTERVAL_SECONDS + 0.2)

    # then
    status, body = _get(url, token)
    assert status == 200 and body["code"] == f"{D}001001002"
