"""`make run`'s embedded deployment is a real, smaller deployment: a Celery worker with embedded beat on
the filesystem broker and SQLite takes jobs and records them, with no Redis or PostgreSQL."""
import os
import shelve
import sqlite3
import subprocess
import sys

import pytest

from tests.worker_support import ROOT, WorkerProcess, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.timeout(180)]


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE",
                        "CELERY_TASK_ALWAYS_EAGER")}
    broker = tmp_path / "broker"
    broker.mkdir()
    (tmp_path / "broker-processed").mkdir()
    env.update({
        "DJANGO_SETTINGS_MODULE": "bureau.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_FILESYSTEM_BROKER_DIR": str(broker),
    })
    return env


def test_embedded_worker_with_beat_runs_jobs_on_the_filesystem_broker_and_sqlite(tmp_path):
    # given: a migrated SQLite database and the worker command of bin/serve-embedded
    env = _env(tmp_path)
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    log, schedule = tmp_path / "worker.log", tmp_path / "celerybeat-schedule"
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "bureau", "worker", "--beat", "--pool=solo",
         "--loglevel=INFO", "--schedule", str(schedule), "--logfile", str(log)],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    worker = WorkerProcess(process, log, queue="celery")
    try:
        worker.wait_for(lambda: "ready." in worker.log_text() and "beat: Starting" in worker.log_text(), 60,
                        "the worker and its beat to start")
        assert "filesystem://" in worker.log_text()

        # when: a job is queued by another process, as the web process does
        send = ("import django; django.setup(); from bureau.jobs.tasks import ping; "
                "print(ping.delay('embedded').id)")
        task_id = subprocess.run([sys.executable, "-c", send], cwd=ROOT, env=env, check=True, capture_output=True,
                                 text=True, timeout=60).stdout.strip().splitlines()[-1]

        # then: the worker ran it and recorded it in the SQLite job log
        def succeeded():
            with sqlite3.connect(tmp_path / "db.sqlite3", timeout=10) as db:
                row = db.execute("SELECT status, task_name FROM jobs_jobrun WHERE task_id = ?", [task_id]).fetchone()
            return row if row and row[0] == "succeeded" else None

        assert worker.wait_for(succeeded, 60, "the job to be recorded") == ("succeeded", "jobs.ping")
        # and beat loaded the project's schedule (the periodic jobs fire from it)
        wait_for(lambda: schedule.exists() or any(tmp_path.glob("celerybeat-schedule*")), 30, "the schedule file")
    finally:
        worker.stop()
    with shelve.open(str(schedule)) as saved:  # noqa: S301 - the file beat just wrote in tmp_path
        entries = set(saved["entries"])
    assert {"audit-retention", "calendar-year-check"} <= entries
