"""Benchmark: "may this vendor trade here now?" on the demo district, the same method as bench/grids_locate.py.

    .venv/bin/python bench/markets_check.py [--url sqlite:///var/bench-markets.sqlite3] [--seconds 3] [--rounds 6]
        [--threads 4]

1. In process: `markets.check.check(lat, lng, at, vendor)` on random points around the demo's zones (some
   outside), half of them with a vendor — checks per second.
2. Over HTTP, on one real server (bench/grids_settings.py, which adds the bare view), alternating rounds:
   `GET /api/v1/vendor-zones/check/?lat=&lng=&at=&vendor=` against `GET /api/v1/grid-cells-bare/` (a plain
   Django view returning constant JSON): requests per second of each and their ratio (target >= 0.8).
Not part of `make test`; do not run it on a shared machine at length.
"""
import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.grids_locate import free_port, hammer, machine, start_server  # noqa: E402

AT = "2026-11-27T19:30:00%2B08:00"


def setup(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.grids_settings"
    os.environ.pop("REDIS_URL", None) if url.startswith("sqlite") else None
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    # the whole demo, quick history: street commerce's demo reports cases and links vendors through the accounts
    # and the case service, so it cannot be seeded on its own
    call_command("seed_demo", quick=True, verbosity=0)
    return time.perf_counter() - t


def points(n, seed=11):
    """Points in and around the zones' areas: about half inside one."""
    from shapely.geometry import shape

    from markets.models import VendorZone

    boxes = [shape(g).buffer(0.0005).bounds for g in VendorZone.objects.exclude(geometry=None)
             .values_list("geometry", flat=True)]
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        minx, miny, maxx, maxy = boxes[rnd.randrange(len(boxes))]
        out.append((rnd.uniform(miny, maxy), rnd.uniform(minx, maxx)))
    return out


def in_process(pts, vendors, seconds):
    from django.utils.dateparse import parse_datetime

    from markets.check import check

    at = parse_datetime(AT.replace("%2B", "+"))
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for i, (lat, lng) in enumerate(pts[:2_000]):
            check(lat, lng, at, vendors[i % len(vendors)] if i % 2 else None)
        done += 2_000
    return done / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description="vendor zone check benchmark")
    parser.add_argument("--url", default=os.environ.get("BENCH_MARKETS_DATABASE_URL",
                                                        f"sqlite:///{ROOT / 'var' / 'bench-markets.sqlite3'}"))
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
    from markets.models import Vendor

    pts = points(20_000)
    vendors = list(Vendor.objects.values_list("pk", flat=True)) or [1]
    per_second = in_process(pts, vendors, args.seconds)
    print(f"seed took {seed_seconds:.1f}s ({connection.vendor}); in process: {per_second:,.0f} checks/s")

    user = User.objects.filter(username="bench-markets").first() or User.objects.create(
        username="bench-markets", role=Role.BUREAU)
    token = token_issue(user=user)
    connection.close()

    port = free_port()
    server = start_server(args.url, port)
    try:
        headers = {"Authorization": f"Token {token}"}

        def check_path(rnd):
            lat, lng = pts[rnd.randrange(len(pts))]
            vendor = f"&vendor={vendors[rnd.randrange(len(vendors))]}" if rnd.random() < 0.5 else ""
            return f"/api/v1/vendor-zones/check/?lat={lat:.6f}&lng={lng:.6f}&at={AT}{vendor}"

        hammer(port, check_path, headers, 1.0, 1)
        hammer(port, lambda rnd: "/api/v1/grid-cells-bare/", {}, 1.0, 1)
        bares, checks = [], []
        for _ in range(args.rounds):
            bares.append(hammer(port, lambda rnd: "/api/v1/grid-cells-bare/", {}, args.seconds, args.threads))
            checks.append(hammer(port, check_path, headers, args.seconds, args.threads))
        ratio = statistics.median(c / b for c, b in zip(checks, bares, strict=True))
    finally:
        server.terminate()
        server.wait(10)
    bare, check = statistics.median(bares), statistics.median(checks)
    print(f"HTTP (runserver, {args.threads} client threads, {args.rounds} alternating rounds of {args.seconds:g}s; "
          f"medians): bare view {bare:,.0f} req/s, check {check:,.0f} req/s, ratio {ratio:.2f}; target >= 0.8")
    print(f"machine: {machine()}")
    print(json.dumps({"in_process_per_s": round(per_second), "bare_rps": round(bare), "check_rps": round(check),
                      "ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
