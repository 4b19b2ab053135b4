"""HTTP benchmark: the product as users meet it, a real server under concurrent load.

    .venv/bin/python bench/http_load.py [--cases 600000] [--seconds 10] [--connections 8] [--workers 2]
        [--url postgres://postgres@127.0.0.1:5432/bench_http] [--generate]

Starts gunicorn (sync workers) with `bureau.settings.production` on a PostgreSQL database filled by
bench/generate.py (generated once, on first use or with --generate, and reused after), Redis as cache and
broker when it answers, and drives it with wrk (Debian package `wrk`) from the same machine, every request
with `X-Forwarded-Proto: https` as the HTTPS proxy sends it. Beside it, a bare WSGI app answering a constant
under the same gunicorn gives the machine's floor. Measured: /healthz, case list, case detail, case create,
patrol report filing, locate, map GeoJSON, rankings 200 and 304. Prints a markdown table: req/s, p99, the ratio
to /healthz measured in the same run, non-2xx answers; then the floor and each worker's RSS.

The API throttle is raised out of the way (it still runs on every request: its cost is in the figures);
Celery messages of the writes go to a Redis database of the bench's own (flushed after) and no worker runs.
Without wrk it prints how to install it and exits 0, so `make bench` goes on.
"""
import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate, setup_django  # noqa: E402

BENCH_REDIS_DB = 13
# The issue's targets: (what the ratio is to, the least ratio). /healthz is measured against the floor, the rest
# against /healthz; every endpoint's p99 under P99_MS at 8 connections; every worker under RSS_MB.
TARGETS = {
    "`/healthz`": ("floor", 0.3),
    "case list, 50 a page, street filter": ("healthz", 0.15),
    "case detail": ("healthz", 0.25),
    "locate": ("healthz", 0.4),
    "rankings weekly latest": ("healthz", 0.5),
    "rankings with `If-None-Match` (304)": ("healthz", 0.8),
}
P99_MS = 100
RSS_MB = 300
FLOOR_APP = "bench.http_floor:application"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL", f"redis://127.0.0.1:6379/{BENCH_REDIS_DB}")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:  # noqa: BLE001 - no Redis: the file cache and broker
        return ""


def prepare(args) -> dict:
    """The dataset (generated once) and what the requests need: tokens, a case, a street, a cell, a ranking."""
    setup_django(args.url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bureau.accounts.models import User
    from bureau.accounts.services import token_issue
    from enforcement.models import Case
    from grids.models import GridCell, Street
    from inspections.models import Ranking
    from inspections.periods import WEEK, parse_period
    from inspections.services.reports import report_compile_week

    call_command("migrate", verbosity=0, interactive=False)
    if args.generate or Case.objects.count() < args.cases:
        generate("default", cases=args.cases, reports=max(100, args.cases // 4))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if not Ranking.objects.filter(kind=WEEK).exists():
        last_week = timezone.localdate() - timezone.timedelta(days=7)
        year, week, _ = last_week.isocalendar()
        report_compile_week(parse_period(WEEK, f"{year}-W{week:02d}"))
    bureau = User.objects.get(username="bench-bureau")
    street = Street.objects.order_by("code").first()
    leader = User.objects.get(username=f"bench-leader-{street.code}")
    cells = list(GridCell.objects.filter(street=street).order_by("code")[:2])
    centres, spans = [], []
    for cell in cells:
        ring = cell.geometry["coordinates"][0]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        centres.append(((min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2))
        spans.append(((max(ys) - min(ys)) * 0.6, (max(xs) - min(xs)) * 0.6))
    case = Case.objects.filter(street=street).order_by("-reported_at").first()
    return {
        "cases": Case.objects.count(), "pg": connection.pg_version,
        "bureau_token": token_issue(user=bureau),
        "leader_token": token_issue(user=leader),
        "street": street.code, "case": case.pk, "cells": [c.code for c in cells], "centres": centres,
        "spans": spans,
    }


def _report_body(data) -> str:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    return json.dumps({
        "date": now.date().isoformat(), "shift": "early", "grid_cells": data["cells"],
        "started_at": (now - timedelta(minutes=90)).isoformat(), "ended_at": (now - timedelta(minutes=1)).isoformat(),
        "summary": "压测巡查", "findings": [
            {"category": "09001", "lat": "@LAT0@", "lng": "@LNG0@", "description": "流动摊贩占道", "handled_on_spot": True},
            {"category": "06010", "lat": "@LAT1@", "lng": "@LNG1@", "description": "暴露垃圾", "handled_on_spot": False},
        ],
    }, ensure_ascii=False)


def _lua(tmp: Path, name: str, method: str, body: str | None, headers: dict, points=()) -> Path:
    """wrk's script for one endpoint. A body's "@LATn@"/"@LNGn@" stand for a point drawn at random, for each
    request, within the middle of cell n (`points`: (centre, span) pairs): reports come from all over a cell,
    not thousands from one spot, which would make every new case's nearby search read them all."""
    lines = [f'wrk.method = "{method}"']
    for key, value in headers.items():
        lines.append(f'wrk.headers["{key}"] = {json.dumps(value)}')
    if body is not None:  # read from a file: Lua strings know no \u escapes, and the bodies are Chinese
        for n in range(len(points)):
            body = body.replace(f'"@LAT{n}@"', f"@LAT{n}@").replace(f'"@LNG{n}@"', f"@LNG{n}@")
        (tmp / f"{name}.json").write_bytes(body.encode())
        lines.append(f'local f = assert(io.open("{tmp / name}.json", "rb")); wrk.body = f:read("*a"); f:close()')
        if points:
            lines.append("local points = {" + ", ".join(
                f"{{{lat!r}, {lng!r}, {dlat!r}, {dlng!r}}}" for (lat, lng), (dlat, dlng) in points) + "}")
            lines += [
                "local template = wrk.body",
                "request = function()",
                "  local body = template",
                "  for n, p in ipairs(points) do",
                '    body = body:gsub("@LAT" .. (n - 1) .. "@", string.format("%.7f", p[1] + (math.random() - 0.5) * p[3]))',
                '    body = body:gsub("@LNG" .. (n - 1) .. "@", string.format("%.7f", p[2] + (math.random() - 0.5) * p[4]))',
                "  end",
                "  return wrk.format(nil, nil, nil, body)",
                "end",
            ]
    path = tmp / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def _wrk(url, script, args) -> dict:
    result = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                             "-s", str(script), url], capture_output=True, text=True, timeout=args.seconds + 60)
    if result.returncode != 0 or result.stderr.strip():
        raise RuntimeError(f"wrk failed on {url}: {result.stderr.strip()[:500]}")
    out = result.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rate": float(rate.group(1)) if rate else 0.0,
        "p99": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "requests": int(total.group(1)) if total else 0,
        "raw": out,
    }


def _start(app, port, env, workers):
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "sync", "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {app} exited: {process.stderr.read()[-3000:]}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",  # noqa: S310 - loopback
                                             headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn {app} did not answer within 60 s")


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _worker_rss_mb(master_pid) -> list[float]:
    pids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True).stdout
    sizes = []
    for pid in pids.split():
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            if match:
                sizes.append(int(match.group(1)) / 1024)
    return sizes


def _settle(base, headers, timeout=30.0):
    """Wait until the workers have finished the requests wrk left in flight (a slow endpoint's last ones would
    otherwise queue the next endpoint's first requests and count in its p99): /healthz answering in under
    20 ms three times running."""
    deadline, fast = time.monotonic() + timeout, 0
    while fast < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        request = urllib.request.Request(base + "/healthz", headers=headers)  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310
            pass
        fast = fast + 1 if time.perf_counter() - started < 0.02 else 0
        time.sleep(0.05)


def _etag(base, path, headers) -> str:
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.headers.get("ETag", "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_HTTP_DATABASE_URL",
                                                        "postgres://postgres@127.0.0.1:5432/bench_http"))
    parser.add_argument("--cases", type=int, default=600_000)
    parser.add_argument("--generate", action="store_true", help="regenerate the dataset first")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--verbose", action="store_true", help="print wrk's own output too")
    parser.add_argument("--only", default="", help="measure only the endpoints whose label contains this "
                        "(the floor and /healthz are always measured: the ratios need them)")
    args = parser.parse_args(argv)
    args.seconds = max(1, int(args.seconds))

    if shutil.which("wrk") is None:
        print("bench/http_load.py: wrk is not installed, skipped. Install it with `apt-get install wrk` (Debian).")
        return 0

    data = prepare(args)
    redis_url = _redis_url()
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "bureau.settings.production", "DATABASE_URL": args.url,
        "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(48), "PII_HASH_KEY": secrets.token_urlsafe(48),
        "MEDIA_ROOT": str(tmp / "media"), "THROTTLE_USER": "100000000/min", "THROTTLE_ANON": "100000000/min",
        "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url or "memory://", "LOG_LEVEL": "WARNING",
    })
    if not redis_url:
        env.pop("REDIS_URL")
    https = {"X-Forwarded-Proto": "https"}
    bureau = {**https, "Authorization": f"Token {data['bureau_token']}"}
    leader = {**https, "Authorization": f"Token {data['leader_token']}", "Content-Type": "application/json"}
    lat, lng = data["centres"][0]
    case_body = json.dumps({"category": "06010", "lat": "@LAT0@", "lng": "@LNG0@", "description": "压测：暴露垃圾",
                            "source": "supervision"}, ensure_ascii=False)
    points = list(zip(data["centres"], data["spans"], strict=True))

    floor_port, app_port = _free_port(), _free_port()
    floor = _start(FLOOR_APP, floor_port, env, args.workers)
    app = _start("bureau.wsgi:application", app_port, env, args.workers)
    base = f"http://127.0.0.1:{app_port}"
    rows = []
    try:
        ranking = "/api/v1/rankings/weekly/latest/"
        etag = _etag(base, ranking, bureau)
        plan = [
            ("bare WSGI app (the floor)", f"http://127.0.0.1:{floor_port}/", "GET", None, https),
            ("`/healthz`", base + "/healthz", "GET", None, https),
            ("case list, 50 a page, street filter", base + f"/api/v1/cases/?street={data['street']}", "GET", None,
             bureau),
            ("case detail", base + f"/api/v1/cases/{data['case']}/", "GET", None, bureau),
            ("case create", base + "/api/v1/cases/", "POST", case_body, {**bureau, "Content-Type": "application/json"},
             points[:1]),
            ("patrol report filing (2 findings)", base + "/api/v1/patrol-reports/", "POST", _report_body(data), leader,
             points),
            ("locate", base + f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}", "GET", None, bureau),
            ("map GeoJSON (every cell)", base + "/api/v1/grid-cells/geojson/", "GET", None, bureau),
            ("rankings weekly latest", base + ranking, "GET", None, bureau),
            ("rankings with `If-None-Match` (304)", base + ranking, "GET", None, {**bureau, "If-None-Match": etag}),
        ]
        plan = [row for n, row in enumerate(plan) if n < 2 or args.only.lower() in row[0].lower()]
        for n, (label, url, method, body, headers, *points) in enumerate(plan):
            print(f"bench/http_load.py: {label} ...", file=sys.stderr, flush=True)
            rows.append((label, _wrk(url, _lua(tmp, f"r{n}", method, body, headers, *points), args)))
            _settle(base, https)
        rss = _worker_rss_mb(app.pid)
    finally:
        _stop(app)
        _stop(floor)
        shutil.rmtree(tmp, ignore_errors=True)
        if redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()

    floor_rate = rows[0][1]["rate"]
    health_rate = rows[1][1]["rate"] or float("nan")
    print(f"\nDataset: {data['cases']:,} cases (bench/generate.py), PostgreSQL {data['pg']}, "
          f"Redis {'yes' if redis_url else 'no (file cache)'}; gunicorn {args.workers} sync workers, "
          f"production settings behind `X-Forwarded-Proto: https`; wrk -t{args.threads} -c{args.connections} "
          f"-d{args.seconds}s on the same machine; load average {os.getloadavg()[0]:.1f} at the end.\n")
    if args.verbose:
        for label, result in rows:
            print(f"--- {label}\n{result['raw']}")
    print("| endpoint | req/s | p99 ms | ratio | target | met | non-2xx/3xx |")
    print("|---|---|---|---|---|---|---|")
    for label, result in rows:
        base, target = TARGETS.get(label, (None, None))
        if label == rows[0][0]:
            ratio = float("nan")
        elif base == "floor":
            ratio = result["rate"] / floor_rate
        else:
            ratio = result["rate"] / health_rate
        met = "" if target is None else ("yes" if ratio >= target else f"no: short by {target - ratio:.2f}")
        p99 = "yes" if result["p99"] < P99_MS else f"no: {result['p99'] - P99_MS:.0f} ms over"
        shown = "" if ratio != ratio else f"{ratio:.2f}" + (" of the floor" if base == "floor" else "")
        aim = "" if target is None else f">= {target}" + (" of the floor" if base == "floor" else "")
        print(f"| {label} | {result['rate']:,.0f} | {result['p99']:.1f} (< {P99_MS}: {p99}) | {shown} | {aim} | "
              f"{met} | {result['non2xx']} |")
    print(f"\nRatios are to `/healthz` in the same run unless said. Worker RSS after the run: "
          f"{', '.join(f'{mb:.0f} MB' for mb in rss)} (target < {RSS_MB} MB each: "
          f"{'met' if rss and max(rss) < RSS_MB else 'not met'}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
