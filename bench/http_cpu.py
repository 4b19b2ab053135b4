"""CPU per request of the hot endpoints through Django's WSGI handler, with the production settings.

    .venv/bin/python bench/http_cpu.py [--url postgres://postgres@127.0.0.1:5432/bench_http] [--calls 300]

The companion of bench/http_load.py for a shared machine: wrk's requests per second there measure the queue for
the cores as much as the code, while the CPU time of the Django process (`time.process_time`, no network, the
same database and Redis) barely moves with the load. Uses the dataset bench/http_load.py made (run it first).
Prints CPU and wall milliseconds per request and the CPU ratio of `/healthz` to each endpoint.
"""
import argparse
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_HTTP_DATABASE_URL",
                                                        "postgres://postgres@127.0.0.1:5432/bench_http"))
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args(argv)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bureau.settings.production", "DATABASE_URL": args.url,
        "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "127.0.0.1", "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url, "THROTTLE_USER": "100000000/min", "THROTTLE_ANON": "100000000/min",
        "LOG_LEVEL": "WARNING",
        # production refuses to start without the personal-data keys (bureau/settings/production.py)
        "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(48), "PII_HASH_KEY": secrets.token_urlsafe(48),
    })
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import DatabaseError
    from django.test.client import RequestFactory

    from bureau.accounts.models import User
    from bureau.accounts.services import token_issue
    from enforcement.models import Case
    from grids.models import GridCell, Street

    app = WSGIHandler()
    try:
        street = Street.objects.order_by("code").first()
        token = token_issue(user=User.objects.get(username="bench-bureau"))
    except (DatabaseError, User.DoesNotExist):
        print("bench/http_cpu.py: no dataset at --url yet; run bench/http_load.py first (it generates it). Skipped.")
        return 0
    case = Case.objects.filter(street=street).order_by("-reported_at").first()
    ring = GridCell.objects.filter(street=street).order_by("code").first().geometry["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    lat, lng = (min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2
    factory = RequestFactory()

    def call(path, headers):
        environ = factory.get(path, HTTP_X_FORWARDED_PROTO="https", HTTP_AUTHORIZATION=f"Token {token}",
                              HTTP_HOST="127.0.0.1", **headers).environ
        environ["SERVER_NAME"] = "127.0.0.1"
        status, head = [], {}
        body = b"".join(app(environ, lambda s, h, exc=None: (status.append(s), head.update(h))))
        return int(status[0][:3]), head, body

    ranking = "/api/v1/rankings/weekly/latest/"
    etag = call(ranking, {})[1].get("ETag", "")
    plan = [
        ("`/healthz`", "/healthz", {}),
        ("case list, street filter, 50 a page", f"/api/v1/cases/?street={street.code}", {}),
        ("case detail", f"/api/v1/cases/{case.pk}/", {}),
        ("locate", f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}", {}),
        ("rankings weekly latest (200)", ranking, {}),
        ("rankings 304", ranking, {"HTTP_IF_NONE_MATCH": etag}),
    ]
    rows = []
    for label, path, headers in plan:
        for _ in range(20):
            status = call(path, headers)[0]
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.calls):
            call(path, headers)
        rows.append((label, (time.process_time() - cpu) / args.calls * 1000,
                     (time.perf_counter() - wall) / args.calls * 1000, status))
    health = rows[0][1]
    print(f"\nload average {os.getloadavg()[0]:.1f}; {args.calls} calls each after 20 of warm-up\n")
    print("| endpoint | status | CPU per request | wall per request | CPU ratio `/healthz` / endpoint |")
    print("|---|---|---|---|---|")
    for label, cpu, wall, status in rows:
        print(f"| {label} | {status} | {cpu:.2f} ms | {wall:.1f} ms | {health / cpu:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
