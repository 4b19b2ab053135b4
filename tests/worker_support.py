"""A real Celery worker process for tests (a pytest plugin loaded from tests/conftest.py).

- fixture `celery_worker`: one `celery -A bureau worker --pool=prefork -c 1` on a private queue, against the
  pytest test database (PostgreSQL) and the Redis broker; while it runs, the test process's Celery app is
  not eager and sends to that queue, so `some_task.delay(...)` goes through Redis to the worker.
  It yields a `WorkerProcess`: `.pid` (the main process), `.pool_pids()` (its pool children, e.g. to
  SIGKILL one), `.log_text()`, `.queue`, `.wait_for(predicate, timeout, what)`.
- `start_worker(queue=..., log_path=..., env_extra=...)` / `WorkerProcess.stop()` for custom set-ups.

Tests using it are marked `worker` (they need DATABASE_URL and REDIS_URL: skipped otherwise) and use
`transactional_db`, since the worker only sees committed rows.
"""
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def test_database_url() -> str:
    """DATABASE_URL of the database pytest-django made (test_<name>), for a subprocess."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("a worker process needs the PostgreSQL test database (SQLite in-memory is private)")
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


def wait_for(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class WorkerProcess:
    def __init__(self, process, log_path: Path, queue: str):
        self.process = process
        self.pid = process.pid
        self.log_path = log_path
        self.queue = queue

    def pool_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def wait_for(self, predicate, timeout=60, what="the worker"):
        def check():
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log_text()[-3000:]}")
            return predicate()

        return wait_for(check, timeout, what)

    def stop(self, timeout=20):
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGTERM)  # warm shutdown of the whole group (main + pool)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(10)


def start_worker(*, queue: str, log_path: Path, env_extra: dict | None = None, concurrency: int = 1,
                 pool: str = "prefork", ready_timeout: int = 60) -> WorkerProcess:
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        raise RuntimeError(f"the worker tests need the Redis broker, not {broker}")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "bureau.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": os.environ.get("REDIS_URL", broker),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env_extra or {}),
    }
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "bureau", "worker", f"--pool={pool}",
         f"--concurrency={concurrency}", "-Q", queue, "-n", f"{queue}@%h", "--without-heartbeat",
         "--without-gossip", "--without-mingle", "--loglevel=INFO", f"--logfile={log_path}"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    worker = WorkerProcess(process, log_path, queue)
    try:
        worker.wait_for(lambda: "ready." in worker.log_text(), ready_timeout, "the worker to be ready")
    except BaseException:
        worker.stop()
        raise
    return worker


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real worker on a private queue; the test process sends through Redis to it (not eagerly)."""
    from bureau.celery import app

    queue = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue=queue, log_path=tmp_path / "worker.log")
    # The app reads Django settings under the CELERY_ namespace, so the namespaced keys are the ones it uses.
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.CELERY_TASK_DEFAULT_QUEUE = queue
    try:
        yield worker
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER, app.conf.CELERY_TASK_DEFAULT_QUEUE = saved
        worker.stop()
