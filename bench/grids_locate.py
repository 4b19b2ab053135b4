"""Benchmark: grid cell point lookups on the demo district (about 1,650 cells).

    .venv/bin/python bench/grids_locate.py [--url sqlite:///var/bench-grids.sqlite3] [--seconds 3] [--rounds 6]
        [--threads 4] [--write-results]

1. In process: `grids.geometry.locate(lat, lng)` on random points over the district's bounding box
   (some outside) — lookups per second (target >= 20,000/s).
2. Over HTTP, on one real server (`manage.py runserver --noreload`, threaded, settings
   bench/grids_settings.py), in the same run and alternating: `GET /api/v1/grid-cells/locate/?lat=&lng=`
   (token authentication, permission, validation, lookup, JSON) against `GET /api/v1/grid-cells-bare/` (a plain Django
   view returning a constant JSON) — requests per second of each and the ratio (target >= 0.8).
   The client is this process with `--threads` threads, a new connection per request. A third route,
   `/api/v1/grid-cells-drf-floor/` (a DRF APIView doing nothing), shows what DRF itself costs.
"""
import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.grids_settings"
    os.environ.pop("REDIS_URL", None) if url.startswith("sqlite") else None
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from grids import demo

    t = time.perf_counter()
    demo.seed(quick=False)
    return time.perf_counter() - t


def points(n, seed=7):
    from grids.models import GridCell

    xs, ys = [], []
    for ring in (c["coordinates"][0] for c in GridCell.objects.values_list("geometry", flat=True)):
        xs += [p[0] for p in ring]
        ys += [p[1] for p in ring]
    rnd = random.Random(seed)
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    return [(rnd.uniform(miny, maxy), rnd.uniform(minx, maxx)) for _ in range(n)]


def in_process(pts, seconds):
    from grids import geometry

    geometry.locate(*pts[0])  # build the index
    found = done = 0
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        for lat, lng in pts[:10_000]:
            if geometry.locate(lat, lng) is not None:
                found += 1
        done += 10_000
    elapsed = time.perf_counter() - start
    return done / elapsed, found / done


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url, port):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.grids_settings"}
    process = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/grid-cells-bare/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the bench server did not start")


def hammer(port, make_path, headers, seconds, threads):
    """Requests per second over `seconds` with `threads` client threads; fails on any non-200 except 404."""
    counts, errors = [0] * threads, []
    stop = time.perf_counter() + seconds

    def run(i):
        rnd = random.Random(i)
        while time.perf_counter() < stop:
            # A new connection per request: runserver's keep-alive answers meet the client's delayed ACK
            # (about 40 ms a request), which would measure TCP, not Django.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", make_path(rnd), headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status not in (200, 404):
                    errors.append(response.status)
                counts[i] += 1
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
            finally:
                conn.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise SystemExit(f"errors during the run: {errors[:5]} ({len(errors)})")
    return sum(counts) / (time.perf_counter() - start)


def wrk_rate(port, path, headers, seconds):
    """Requests per second by `wrk` (a C client: the client's own CPU stays out of the way), or None."""
    import re
    import shutil

    if not shutil.which("wrk"):
        return None
    cmd = ["wrk", "-t1", "-c4", f"-d{max(1, int(seconds))}s", "-H", "Connection: close"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run([*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw errors on {path}:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else None


def machine():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}, {platform.system()}"


def main(argv=None):
    parser = argparse.ArgumentParser(description="grid cell point lookup benchmark")
    parser.add_argument("--url", default=os.environ.get("BENCH_GRIDS_DATABASE_URL",
                                                        f"sqlite:///{ROOT / 'var' / 'bench-grids.sqlite3'}"))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args(argv)
    (ROOT / "var").mkdir(exist_ok=True)

    seed_seconds = setup(args.url)
    from django.db import connection

    from bureau.accounts.choices import Role
    from bureau.accounts.models import User
    from bureau.accounts.services import token_issue
    from grids.models import GridCell

    cells = GridCell.objects.count()
    pts = points(20_000)
    per_second, hit_rate = in_process(pts, args.seconds)
    print(f"demo district: {cells} cells (seed took {seed_seconds:.1f}s, {connection.vendor})")
    print(f"in process: {per_second:,.0f} lookups/s ({hit_rate:.0%} of the points inside a cell); target >= 20,000")

    user = User.objects.filter(username="bench-grids").first() or User.objects.create(
        username="bench-grids", role=Role.BUREAU)
    token = token_issue(user=user)
    connection.close()

    port = free_port()
    server = start_server(args.url, port)
    try:
        headers = {"Authorization": f"Token {token}"}

        def locate_path(rnd):
            lat, lng = pts[rnd.randrange(len(pts))]
            return f"/api/v1/grid-cells/locate/?lat={lat:.6f}&lng={lng:.6f}"

        # warm both up (the server builds its index at the first lookup)
        hammer(port, locate_path, headers, 1.0, 1)
        hammer(port, lambda rnd: "/api/v1/grid-cells-bare/", {}, 1.0, 1)
        bares, locates, floors = [], [], []
        for _ in range(args.rounds):
            # Alternating short rounds, so that load from elsewhere on the machine hits all alike.
            bares.append(hammer(port, lambda rnd: "/api/v1/grid-cells-bare/", {}, args.seconds, args.threads))
            locates.append(hammer(port, locate_path, headers, args.seconds, args.threads))
            floors.append(hammer(port, lambda rnd: "/api/v1/grid-cells-drf-floor/", {}, args.seconds / 2,
                                 args.threads))
        bare, locate = statistics.median(bares), statistics.median(locates)
        from grids import geometry

        inside = next(p for p in pts if geometry.locate(*p) is not None)
        fixed = f"/api/v1/grid-cells/locate/?lat={inside[0]:.6f}&lng={inside[1]:.6f}"
        wrk_ratios = []
        for _ in range(3):
            b = wrk_rate(port, "/api/v1/grid-cells-bare/", {}, args.seconds)
            lo = wrk_rate(port, fixed, headers, args.seconds)
            if b and lo:
                wrk_ratios.append((b, lo, lo / b))
        ratio = statistics.median(lo / b for lo, b in zip(locates, bares, strict=True))
    finally:
        server.terminate()
        server.wait(10)
    print(f"HTTP (runserver, {args.threads} client threads, {args.rounds} alternating rounds of {args.seconds:g}s; "
          f"medians): bare view {bare:,.0f} req/s, locate {locate:,.0f} req/s, ratio {ratio:.2f}; target >= 0.8")
    print(f"  per round: bare {[round(b) for b in bares]}, locate {[round(v) for v in locates]}")
    floor_ratio = statistics.median(f / b for f, b in zip(floors, bares, strict=True))
    print(f"  reference: DRF's floor (an APIView with no auth/permission/throttle) {statistics.median(floors):,.0f}"
          f" req/s, ratio {floor_ratio:.2f} to the bare view")
    if wrk_ratios:
        print(f"  wrk (C client, one point, 3 alternating rounds): bare {[round(r[0]) for r in wrk_ratios]}, "
              f"locate {[round(r[1]) for r in wrk_ratios]} req/s, median ratio "
              f"{statistics.median(r[2] for r in wrk_ratios):.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"machine: {machine()}")
    print(json.dumps({"cells": cells, "in_process_per_s": round(per_second), "bare_rps": round(bare),
                      "locate_rps": round(locate), "ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
