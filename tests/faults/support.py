"""Faults for real: the machine's PostgreSQL and Redis stopped and started under a running gunicorn server and
Celery worker (tests marked `faults`, run only when selected: the last step of .ci/run). Every helper leaves
both services running, whatever happens (`services_running` in a finally).

The clients here behave as the phones' outbox does: a report is sent with its Idempotency-Key until one
answer is a 201; a lost answer, a refused connection, a 5xx, a 409 (the same key still running) or a 429 is
retried after a short pause."""
import http.client
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connections

from tests.worker_support import ROOT, test_database_url, wait_for

REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]


def _cluster() -> str:
    return sorted(os.listdir("/etc/postgresql"))[0]


def _pg_ctl(action: str):
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", action], check=True,
                   capture_output=True, timeout=120)


def postgres_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], timeout=30).returncode == 0


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def postgres_stop():
    _pg_ctl("stop")
    connections.close_all()  # this process's connections died with the server


def postgres_start():
    if not postgres_up():
        _pg_ctl("start")
    wait_for(postgres_up, 60, "PostgreSQL to accept connections")


def postgres_restart():
    _pg_ctl("restart")
    wait_for(postgres_up, 60, "PostgreSQL to accept connections")
    connections.close_all()


def redis_stop():
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], capture_output=True,
                   timeout=30)
    wait_for(lambda: not redis_up(), 30, "Redis to stop")


def redis_start():
    if not redis_up():
        Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
        Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
        subprocess.run(REDIS_START, check=True, capture_output=True, timeout=30)
    wait_for(redis_up, 30, "Redis to answer")


def redis_restart():
    redis_stop()
    redis_start()


def services_running():
    """Both services up again, whatever a test did to them."""
    try:
        postgres_start()
    finally:
        redis_start()
    connections.close_all()


# ---------------------------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn (sync workers) on the test database and the test Redis, on a free port."""

    def __init__(self, log_path: Path, workers: int = 4):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
        env.update({"DJANGO_SETTINGS_MODULE": "bureau.settings.test", "DATABASE_URL": test_database_url(),
                    "CELERY_TASK_ALWAYS_EAGER": "true", "CONN_HEALTH_CHECKS": "true", "CONN_MAX_AGE": "60"})
        with open(log_path, "wb") as out:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "bureau.wsgi:application", "--bind",
                 f"127.0.0.1:{self.port}", "--workers", str(workers), "--worker-class", "sync", "--timeout", "60",
                 "--graceful-timeout", "5", "--log-level", "warning"],
                cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)
        wait_for(lambda: self.health() == 200 or self.process.poll() is not None, 60, "gunicorn to answer")
        assert self.process.poll() is None, self.log()

    def health(self) -> int | None:
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=5) as response:  # noqa: S310 - loopback
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return None

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True,
                             text=True).stdout
        return [int(p) for p in out.split()]

    def kill_a_worker(self, n: int):
        pids = self.worker_pids()
        if pids:
            os.kill(pids[n % len(pids)], signal.SIGKILL)  # gunicorn's master starts another

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


# ---------------------------------------------------------------------------------------------- the phones

RETRIED = {409, 429, 500, 502, 503, 504}


def post_report(port: int, token: str, key: str, body: dict, *, lose_answer: bool = False):
    """(status, body) of one POST, or (None, reason) when no answer came. `lose_answer`: the request is sent
    whole and the connection closed before the answer is read (a phone that lost its signal)."""
    payload = json.dumps(body).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/v1/patrol-reports/", body=payload, headers={
            "Content-Type": "application/json", "Authorization": f"Token {token}", "Idempotency-Key": key})
        if lose_answer:
            connection.sock.shutdown(socket.SHUT_WR)
            return None, "answer lost on purpose"
        response = connection.getresponse()
        return response.status, response.read()
    except OSError as exc:
        return None, str(exc)
    finally:
        connection.close()


def file_until_created(port: int, token: str, key: str, body: dict, *, lose_first: bool, deadline_s: float = 180):
    """Send until a 201, as the outbox does. Returns {"answers": [(status, seconds)], "created": id or None,
    "longest_409_s": the longest run of 409s (waiting behind the key's earlier request)}."""
    started = time.monotonic()
    answers, created, first_409, longest_409 = [], None, None, 0.0
    attempt = 0
    while time.monotonic() - started < deadline_s:
        status, content = post_report(port, token, key, body, lose_answer=lose_first and attempt == 0)
        attempt += 1
        now = time.monotonic()
        answers.append((status, round(now - started, 2)))
        if status == 409:
            first_409 = first_409 if first_409 is not None else now
            longest_409 = max(longest_409, now - first_409)
        else:
            first_409 = None
        if status == 201:
            created = json.loads(content)["id"]
            break
        if status is not None and status not in RETRIED:
            break  # a 4xx the outbox sets aside: reported by the caller
        time.sleep(min(0.2 * attempt, 2.0))
    return {"answers": answers, "created": created, "longest_409_s": round(longest_409, 2)}
