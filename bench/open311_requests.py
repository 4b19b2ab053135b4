"""Benchmark: Open311 `GET /open311/v2/requests.json` (1,000 rows, the specification's default page) on the
600,000-case dataset, against a bare `.values()` view of the same rows.

    .venv/bin/python bench/open311_requests.py [--url postgres://postgres@127.0.0.1:5432/bench_h3]
        [--generate] [--seconds 10]

Measures, on the same 1,000 rows (the last 90 days, newest first):
  - `open311`: the GeoReport v2 view through DRF (authentication, throttle, the 90-day window, the last
    public note of each case as a subquery, the JSON renderer), called in-process with a RequestFactory;
  - `bare`: a plain Django view returning `list(qs.values(...)[:1000])` of the case columns as JsonResponse.
Both skip the middleware alike. Prints requests/second, the ratio (target >= 0.5), and the view's query
count for page_size 1 and 1,000 (must be equal; tests/enforcement/open311/test_api.py pins it too).
Uses the shared dataset of bench/cases_list.py (database `bench_h3`, filled by bench/generate.py when it
holds fewer than 600,000 cases, or with --generate).
"""
import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cases_list import rates  # noqa: E402
from bench.generate import generate, setup_django  # noqa: E402

BARE_FIELDS = ["number", "status", "description", "address", "lat", "lng", "reported_at", "updated_at",
               "handling_due_at", "category__code", "category__name", "street__name", "handling_department__name"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Open311 requests benchmark")
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL",
                                                        "postgres://postgres@127.0.0.1:5432/bench_h3"))
    parser.add_argument("--generate", action="store_true", help="regenerate the dataset first")
    parser.add_argument("--cases", type=int, default=600_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    setup_django(args.url)

    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.http import JsonResponse
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIRequestFactory

    from enforcement.models import Case
    from enforcement.open311.api.views import RequestListView

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    RequestListView.throttle_classes = []  # the throttle counts in the cache; measured elsewhere
    if args.generate or Case.objects.count() < args.cases:
        generate("default", cases=args.cases, reports=2000)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE enforcement_case")
    total = Case.objects.count()
    # The dataset's history ends at the start of this week: the window is its last 90 days.
    newest = Case.objects.order_by("-reported_at").values_list("reported_at", flat=True).first()
    start, end = newest - timedelta(days=90), newest
    window = {"start_date": start.isoformat(), "end_date": end.isoformat()}
    factory = APIRequestFactory()
    view = RequestListView.as_view()

    def open311(page_size=1000):
        request = factory.get("/open311/v2/requests.json", {**window, "page_size": page_size})
        response = view(request, format="json")
        response.render()
        assert response.status_code == 200, response.content[:300]
        return response

    def bare():
        rows = list(Case.objects.filter(reported_at__gte=start, reported_at__lte=end)
                    .order_by("-reported_at", "-id").values(*BARE_FIELDS)[:1000])
        return JsonResponse(rows, safe=False).content

    rows = len(open311().data)
    counts = {}
    for size in (1, 1000):
        with CaptureQueriesContext(connection) as captured:
            open311(page_size=size)
        counts[size] = len(captured)
    (o_rate, o_ms), (b_rate, b_ms) = rates([open311, bare], args.seconds)
    line = (f"dataset: {total:,} cases; {rows} rows a page; queries page_size=1: {counts[1]}, "
            f"page_size=1000: {counts[1000]}; open311 {o_rate:.1f} req/s (median {o_ms:.1f} ms), "
            f"bare .values() {b_rate:.1f} req/s (median {b_ms:.1f} ms), ratio {o_rate / b_rate:.2f}")
    print(line)
    return line


if __name__ == "__main__":
    main()
