"""The 08:00 burst as a benchmark: the early shift's phones file their patrol reports at once.

    .venv/bin/python bench/burst.py [--reports 500] [--clients 100] [--window 60] [--only postgres|sqlite]
        [--url postgres://postgres@127.0.0.1:5432/bench_burst]

Each report carries two findings with a photo each (tests/inspections/burst_support.py, shared with the test
at 50 reports), goes out at a random moment of the `--window` seconds from one of `--clients` phones, and is
sent a second time with the same Idempotency-Key: half the time while the first is still on its way, half
after its answer (a phone that lost it); a resend that meets the first still running gets 409 and tries
again, as the phone's outbox does. Run twice:

- PostgreSQL: a fresh database (dropped and made again), gunicorn with production settings (2 processes of
  4 threads, as the embedded deployment serves) behind `X-Forwarded-Proto: https`, Redis as cache and broker
  (its own database, flushed after), one Celery worker consuming what the reports queue;
- the embedded deployment: `bin/serve-embedded` (the same gunicorn, the worker and beat) on a fresh SQLite
  file and the filesystem broker.

Printed per run: exactly-once (every report and every finding's case stored once, one id per report across
its answers), statuses, "database is locked" anywhere (answers, server and worker logs), p50/p99 latency of
the requests, the reports filed per second over the run, and whether the worker emptied its queue.
"""
import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = "/api/v1/patrol-reports/"
HTTPS = {"X-Forwarded-Proto": "https"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(base, token, key, body, timings):
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        base + URL, data=body, method="POST",
        headers={**HTTPS, "Content-Type": "application/json", "Authorization": f"Token {token}",
                 "Idempotency-Key": key})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            answer = response.status, response.read()
    except urllib.error.HTTPError as exc:
        answer = exc.code, exc.read()
    except OSError as exc:  # a refused or reset connection counts as a failed answer
        answer = 599, str(exc).encode()
    timings.append(time.monotonic() - started)
    return answer


def _file_one(base, place, n, rng, at, timings):
    """Report n, sent at `at` (monotonic) and again with the same key (see the module docstring)."""
    delay = at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    street = place["streets"][n % len(place["streets"])]
    document = burst_support.report_body(street, n)
    body, key = json.dumps(document).encode(), f"burst-{n}-{uuid.uuid4().hex}"
    answers = []
    if rng.random() < 0.5:  # the resend goes out while the first is still on its way
        pause = rng.uniform(0, 0.05)
        resend = threading.Thread(target=lambda: (time.sleep(pause),
                                                  answers.append(_post(base, street["token"], key, body, timings))))
        resend.start()
        answers.append(_post(base, street["token"], key, body, timings))
        resend.join()
    else:  # the answer was lost: the phone sends again
        answers.append(_post(base, street["token"], key, body, timings))
        answers.append(_post(base, street["token"], key, body, timings))
    for _ in range(240):  # a resend that met the first still running got 409: the outbox tries again
        if any(status == 201 for status, _ in answers[1:]) or all(status != 409 for status, _ in answers):
            break
        time.sleep(0.25)
        answers.append(_post(base, street["token"], key, body, timings))
    return document["summary"], answers, time.monotonic()


def burst(base, place, args) -> dict:
    rng = random.Random(815)  # noqa: S311 - timing jitter, not security
    plan = sorted((rng.uniform(0, args.window), n, rng.random()) for n in range(args.reports))
    timings: list[float] = []
    started = time.monotonic()
    with ThreadPoolExecutor(args.clients) as pool:
        results = list(pool.map(
            lambda item: _file_one(base, place, item[1], random.Random(item[2]), started + item[0], timings),  # noqa: S311
            plan))
    finished = max(done for _summary, _answers, done in results)
    statuses: dict[int, int] = {}
    for _summary, answers, _done in results:
        for status, _body in answers:
            statuses[status] = statuses.get(status, 0) + 1
    once = all(len({json.loads(body)["id"] for status, body in answers if status == 201}) == 1
               for _summary, answers, _done in results)
    timings.sort()
    return {
        "results": results, "seconds": finished - started, "statuses": statuses, "one_id_per_report": once,
        "requests": len(timings), "p50_ms": statistics.median(timings) * 1000,
        "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000,
        "locked": sum(b"database is locked" in body for _s, answers, _d in results for _st, body in answers),
    }


def _in_env(env, code):
    result = subprocess.run([sys.executable, "-c", "import django, json; django.setup()\n" + code], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _wait_up(base, process, log, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {Path(log).read_text(errors='replace')[-3000:]}")
        try:
            request = urllib.request.Request(base + "/healthz", headers=HTTPS)  # noqa: S310 - loopback
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer /healthz")


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _summarise(label, outcome, stored, logs, drained, args) -> list[str]:
    summaries = [s for s, _a, _d in outcome["results"]]
    exactly_once = (stored["reports"] == {s: 1 for s in summaries} and stored["findings"] == 2 * len(summaries)
                    and stored["finding_cases"] == 2 * len(summaries) and outcome["one_id_per_report"])
    fivexx = sum(n for status, n in outcome["statuses"].items() if status >= 500)
    locked = outcome["locked"] + sum(text.count("database is locked") for text in logs)
    tracebacks = sum(text.count("Traceback") for text in logs)
    return [
        f"| {label} | {len(summaries)} from {args.clients} clients in a {args.window:.0f} s window | "
        f"{'yes' if exactly_once else 'NO'} | {outcome['requests']} "
        f"({', '.join(f'{s}: {n}' for s, n in sorted(outcome['statuses'].items()))}) | {fivexx} | {locked} | "
        f"{outcome['p50_ms']:.0f} | {outcome['p99_ms']:.0f} | {outcome['seconds']:.1f} s, "
        f"{len(summaries) / outcome['seconds']:.1f} reports/s | {drained} | {tracebacks} |",
    ]


def run_postgres(args) -> list[str]:
    import psycopg2

    admin = args.url.rsplit("/", 1)[0] + "/postgres"
    name = args.url.rsplit("/", 1)[1]
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    import redis

    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()
    tmp = Path(tempfile.mkdtemp(prefix="bench-burst-pg-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "bureau.settings.production", "DATABASE_URL": args.url,
        "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(tmp / "media"), "THROTTLE_USER": "100000000/min", "THROTTLE_ANON": "100000000/min",
        "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url, "LOG_LEVEL": "WARNING",
        # production refuses to start without the personal-data keys (bureau/settings/production.py)
        "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(48), "PII_HASH_KEY": secrets.token_urlsafe(48),
    })
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=600)
    place = _in_env(env, "from tests.inspections.burst_support import build_place\nprint(json.dumps(build_place()))")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    web_log, worker_log = tmp / "web.log", tmp / "worker.log"
    with open(web_log, "wb") as out:
        web = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "bureau.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "4", "--timeout", "120", "--error-logfile", "-"],
            cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)
    worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "bureau", "worker", "--pool=solo", "--loglevel=WARNING",
         "--logfile", str(worker_log)], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_up(base, web, web_log)
        outcome = burst(base, place, args)
        drained = "no"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if sum(broker.llen(queue) for queue in ("celery", "reports", "sweeps")) == 0:
                drained = "yes"
                break
            time.sleep(1)
    finally:
        _stop(web)
        _stop(worker)
    summaries = [s for s, _a, _d in outcome["results"]]
    stored = _in_env(env, "from tests.inspections.burst_support import stored\n"
                          f"print(json.dumps(stored({summaries!r})))")
    logs = [web_log.read_text(errors="replace"), worker_log.read_text(errors="replace") if worker_log.exists() else ""]
    broker.flushdb()
    shutil.rmtree(tmp, ignore_errors=True)
    return _summarise("PostgreSQL, gunicorn 2×4 threads, production settings, Redis", outcome, stored, logs,
                      drained, args)


def run_sqlite(args) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-burst-sqlite-"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE",
                        "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE")}
    for folder in ("broker", "broker-processed", "broker-control", "var", "media"):
        (tmp / folder).mkdir()
    port = _free_port()
    env.update({"DJANGO_SETTINGS_MODULE": "bureau.settings.local", "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
                "CELERY_FILESYSTEM_BROKER_DIR": str(tmp / "broker"), "MEDIA_ROOT": str(tmp / "media"),
                "VAR_DIR": str(tmp / "var"), "PORT": str(port)})
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=600)
    place = _in_env(env, "from tests.inspections.burst_support import build_place\nprint(json.dumps(build_place()))")
    log = tmp / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(["bash", "bin/serve-embedded"], cwd=ROOT, env=env, start_new_session=True,
                                  stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base, server, log)
        outcome = burst(base, place, args)
        drained = "no"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # the filesystem broker: one file per waiting message
            if not any((tmp / "broker").iterdir()):
                drained = "yes"
                break
            time.sleep(1)
    finally:
        _stop(server)
    summaries = [s for s, _a, _d in outcome["results"]]
    stored = _in_env(env, "from tests.inspections.burst_support import stored\n"
                          f"print(json.dumps(stored({summaries!r})))")
    worker_log = tmp / "var" / "worker.log"
    logs = [log.read_text(errors="replace"), worker_log.read_text(errors="replace") if worker_log.exists() else ""]
    shutil.rmtree(tmp, ignore_errors=True)
    return _summarise("embedded: SQLite (WAL), gunicorn 2×4 threads, worker and beat, filesystem broker", outcome,
                      stored, logs, drained, args)


def _setup_django():
    """The phones' bodies are made with the test's helper (dates in the bureau's time zone): Django's settings,
    no database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings.test")
    import django

    django.setup()
    global burst_support
    from tests.inspections import burst_support


burst_support = None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_BURST_DATABASE_URL",
                                                        "postgres://postgres@127.0.0.1:5432/bench_burst"))
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the reports go out")
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    args = parser.parse_args(argv)
    _setup_django()
    rows = []
    load = os.getloadavg()[0]
    if args.only in (None, "postgres"):
        rows += run_postgres(args)
    if args.only in (None, "sqlite"):
        rows += run_sqlite(args)
    print(f"\nbench/burst.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average at start {load:.1f}; "
          "each report sent twice with one Idempotency-Key (409 answers are resends meeting the first in flight)\n")
    print("| deployment | reports | exactly once | requests (statuses) | 5xx | \"database is locked\" | p50 ms | "
          "p99 ms | all filed in | worker queue emptied | tracebacks in logs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
