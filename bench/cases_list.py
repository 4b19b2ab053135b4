"""Benchmark: the case list API (50 a page, filtered by street and status) on the 600,000-case dataset.

    .venv/bin/python bench/cases_list.py [--url postgres://postgres@127.0.0.1:5432/bench_h3] [--generate]
        [--seconds 10]

Measures, on the same rows (street + status, newest first, 50 a page):
  - `api`: GET /api/v1/cases/?street=<code>&status=<status>&page_size=50 through DRF (auth, filterset,
    pagination with its count, serializer, JSON rendering), called in-process with a RequestFactory;
  - `bare`: a plain Django view returning `list(qs.values(...)[:50])` of the same columns as JsonResponse.
Both skip the middleware alike. Prints requests/second, the ratio (target >= 0.5), and the query count of
the API for page sizes 1 and 50 (must be equal).
Then the case detail the same way: GET /api/v1/cases/<id>/ (the busiest street's newest closed case not handled on the spot; DRF auth,
serializer with its history and available actions) against a bare view returning the same case's `.values()`
row and its events' `.values()` as JSON. Reads only: it can run on a database someone else benchmarks. Uses its own database (default `bench_h3`), filled by the
shared generator bench/generate.py when it holds fewer than 600,000 cases (or with --generate).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate, setup_django  # noqa: E402

FIELDS = ["id", "number", "status", "category__code", "category__name", "street__code", "street__name",
          "grid__code", "lat", "lng", "address", "description", "source", "reported_at", "due_at",
          "handling_due_at", "closed_at", "overdue", "warning_level", "rework_count", "extensions_approved",
          "extension_requested", "self_handled", "handling_department__code", "handling_department__name",
          "duplicate_of", "reporter_name", "reporter_phone_masked"]


def rates(fns, seconds):
    """Calls per second and median latency (ms) of each function, calls interleaved (a, b, a, b ...) so
    that both see the same machine load; after a warm-up."""
    for _ in range(20):
        for fn in fns:
            fn()
    latencies = [[] for _ in fns]
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            latencies[i].append(time.perf_counter() - t)
    return [(len(lat) / sum(lat), statistics.median(lat) * 1000) for lat in latencies]


def main(argv=None):
    parser = argparse.ArgumentParser(description="case list API benchmark")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL",
                                                        "postgres://postgres@127.0.0.1:5432/bench_h3"))
    parser.add_argument("--generate", action="store_true", help="regenerate the dataset first")
    parser.add_argument("--cases", type=int, default=600_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    setup_django(args.url)

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.http import JsonResponse
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIRequestFactory, force_authenticate

    from bureau.accounts.models import User
    from enforcement.api.views import CaseViewSet
    from enforcement.models import Case, CaseEvent
    from enforcement.pagination import bump
    from grids.models import Street

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    if args.generate or Case.objects.count() < args.cases:
        generate("default", cases=args.cases, reports=2000)
        # What autovacuum does on a live table: the visibility map lets counts read the index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE enforcement_case")
    total = Case.objects.count()
    user = User.objects.filter(role="bureau", is_active=True).first()
    # The busiest street and, in it, the most common status and an open status: the worst and a usual list.
    street_id = Case.objects.values("street").annotate(n=Count("id")).order_by("-n")[0]["street"]
    street = Street.objects.get(pk=street_id)
    factory = APIRequestFactory()
    api_view = CaseViewSet.as_view({"get": "list"})

    def api(status, page_size=50):
        request = factory.get("/api/v1/cases/", {"street": street.code, "status": status, "page_size": page_size})
        force_authenticate(request, user=user)
        response = api_view(request)
        response.render()
        assert response.status_code == 200, response.content[:300]
        return response

    def bare(status):
        rows = list(Case.objects.filter(street_id=street.pk, status=status).order_by("-reported_at", "-id")
                    .values(*FIELDS)[:50])
        return JsonResponse({"results": rows}).content

    lines = [f"dataset: {total:,} cases; street {street.code}; PostgreSQL {connection.pg_version}"]
    for status in ("closed", "dispatched"):
        matching = Case.objects.filter(street_id=street.pk, status=status).count()
        counts = {}
        for size in (1, 50):
            bump()  # a cold count cache, as after a write
            with CaptureQueriesContext(connection) as cold:
                api(status, page_size=size)
            with CaptureQueriesContext(connection) as warm:
                api(status, page_size=size)
            counts[size] = (len(cold), len(warm))
        (api_rate, api_ms), (bare_rate, bare_ms) = rates([lambda s=status: api(s), lambda s=status: bare(s)],
                                                         args.seconds)
        lines.append(
            f"street={street.code} status={status} ({matching:,} rows match): queries (cold, cached count) "
            f"page_size=1: {counts[1]}, page_size=50: {counts[50]}; api {api_rate:.0f} req/s (median {api_ms:.2f} ms), "
            f"bare .values() {bare_rate:.0f} req/s (median {bare_ms:.2f} ms), ratio {api_rate / bare_rate:.2f}"
        )
    detail_view = CaseViewSet.as_view({"get": "retrieve"})
    case = Case.objects.filter(street_id=street.pk, status="closed", self_handled=False).order_by("-reported_at", "-id").first()

    def api_detail():
        request = factory.get(f"/api/v1/cases/{case.pk}/")
        force_authenticate(request, user=user)
        response = detail_view(request, pk=case.pk)
        response.render()
        assert response.status_code == 200, response.content[:300]
        return response

    def bare_detail():
        row = Case.objects.filter(pk=case.pk).values(*FIELDS).get()
        events = list(CaseEvent.objects.filter(case_id=case.pk).order_by("seq").values(
            "seq", "action", "from_status", "to_status", "recorded_at", "note", "due_at", "handling_due_at",
            "actor__username", "actor__first_name"))
        return JsonResponse({**row, "history": events}).content

    with CaptureQueriesContext(connection) as detail_queries:
        api_detail()
    (api_rate, api_ms), (bare_rate, bare_ms) = rates([api_detail, bare_detail], args.seconds)
    lines.append(
        f"detail of case {case.number} ({case.events.count()} events): {len(detail_queries)} queries; api {api_rate:.0f} "
        f"req/s (median {api_ms:.2f} ms), bare .values() {bare_rate:.0f} req/s (median {bare_ms:.2f} ms), "
        f"ratio {api_rate / bare_rate:.2f}"
    )
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
