"""`make run` serves with gunicorn (processes of threads) on SQLite, as a real deployment does: pages, static
files from WhiteNoise, and concurrent writes from several threads and processes without "database is locked"."""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.bureau.test_embedded import _env
from tests.worker_support import ROOT, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.timeout(240)]
USERS = 24


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server on loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
    except OSError:
        return None, {}, b""


def _token(base, n):
    body = json.dumps({"username": f"burst-{n}", "password": f"pw-burst-{n}-long"}).encode()
    request = urllib.request.Request(f"{base}/api/v1/auth/token/", data=body,  # noqa: S310 - loopback
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_make_run_serves_with_gunicorn_threads_on_sqlite(tmp_path):
    # given: a migrated SQLite database with a few users, and bin/serve-embedded on a free port
    env = _env(tmp_path)
    env.update({"PORT": str(_free_port()), "VAR_DIR": str(tmp_path / "var")})
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    make_users = ("import django; django.setup()\n"
                  "from bureau.accounts.models import User\n"
                  f"for n in range({USERS}):\n"
                  "    u = User(username=f'burst-{n}', role='bureau'); u.set_password(f'pw-burst-{n}-long'); u.save()\n")
    subprocess.run([sys.executable, "-c", make_users], cwd=ROOT, env=env, check=True, timeout=120)
    out = tmp_path / "serve.log"
    with open(out, "wb") as log:
        process = subprocess.Popen(["bash", "bin/serve-embedded"], cwd=ROOT, env=env, start_new_session=True,
                                   stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_for(lambda: process.poll() is not None or _get(f"{base}/healthz")[0] == 200, 90, "the server")
        assert process.poll() is None, out.read_text()

        # when
        health = _get(f"{base}/healthz")
        login = _get(f"{base}/accounts/login/")
        static = _get(f"{base}/static/grids/map.js")
        with ThreadPoolExecutor(12) as pool:
            tokens = list(pool.map(lambda n: _token(base, n), range(USERS)))
        # and the one worker takes jobs from every queue: a sweep (queue `sweeps`) queued by another process
        send = ("import django; django.setup(); from bureau.celery import app; "
                "print(app.send_task('workcalendar.check_coverage').id)")
        task_id = subprocess.run([sys.executable, "-c", send], cwd=ROOT, env=env, check=True, capture_output=True,
                                 text=True, timeout=60).stdout.strip().splitlines()[-1]

        def swept():
            with sqlite3.connect(tmp_path / "db.sqlite3", timeout=10) as db:
                row = db.execute("SELECT status FROM jobs_jobrun WHERE task_id = ?", [task_id]).fetchone()
            return row and row[0] == "succeeded"

        wait_for(swept, 90, "the sweep to run on the embedded worker")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    # then
    text = out.read_text(errors="replace")
    assert health[0] == 200 and json.loads(health[2]) == {"status": "ok"}
    assert "gunicorn" in health[1].get("Server", "").lower() or "Booting worker" in text
    assert text.count("Booting worker") == 2, text[-3000:]
    assert login[0] == 200 and "登录".encode() in login[2]
    assert static[0] == 200 and len(static[2]) > 100
    assert tokens == [200] * USERS, text[-3000:]
    assert "database is locked" not in text
    assert "Traceback" not in text
