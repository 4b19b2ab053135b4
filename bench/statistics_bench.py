"""Benchmark of the year in figures (issue 16): the annual annex for one year of cases, and the statistics API for a
month against a bare view serving the same cached bytes.

    python bench/statistics_bench.py [--url postgres://postgres@127.0.0.1:5432/bench_stats] [--cases 200000]
                                     [--regenerate] [--requests 1000]

Runs on its own PostgreSQL database (created with `createdb -h 127.0.0.1 -U postgres bench_stats`), generating
there with bench/generate.py one year of cases (the calendar year 2026, so the annex's year holds them all)
if it is missing. Targets: the annex (every figure of 2026 and of 2025 beside it, the per-street table and
the campaigns) in under 5 s; the API ≥ 0.5× the bare view. Prints the figures and writes them into
bench/RESULTS.md between the `statistics` markers.
"""
import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = os.environ.get("BENCH_STATS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_stats")
YEAR = 2026
MONTH = "from=2026-06-01&to=2026-06-30"
CACHED = {}  # the bare view's cache key, found once the real view has answered


def _bare_view(request):
    """The reference: a plain function view, the same token authentication, the cached bytes of the document."""
    from django.core.cache import cache
    from django.http import HttpResponse
    from rest_framework.exceptions import AuthenticationFailed

    from bureau.accounts.authentication import ActiveTokenAuthentication

    try:
        auth = ActiveTokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        auth = None
    if auth is None:
        return HttpResponse(status=401)
    entry = cache.get(CACHED["key"])
    if entry is None:
        return HttpResponse(status=404)
    return HttpResponse(entry[1], content_type="application/json; charset=utf-8")


urlpatterns = []  # filled by api_throughput()


def ensure_dataset(cases, regenerate):
    from django.db import connection

    from bench.generate import generate
    from enforcement.models import Case

    tables = connection.introspection.table_names()
    present = Case.objects.count() if Case._meta.db_table in tables and not regenerate else 0
    if present >= cases * 0.99 and not regenerate:
        return f"present ({present} cases)"
    # one year ending on 2027-01-01: the whole of 2026
    result = generate("default", cases=cases, reports=cases // 4, years=1,
                      end=datetime(YEAR + 1, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return f"generated in {result['seconds']:.0f} s ({cases} cases, {result['events']} events)"


def annex_time(repeat):
    """Median seconds of building the annex of the year (and the xlsx from it)."""
    from figures.annex import annex_xlsx, build_annex

    samples, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        annex = build_annex(YEAR)
        size = len(annex_xlsx(annex))
        samples.append(time.perf_counter() - started)
    reported = next(r.value for t in annex.tables for r in t.rows if r.code == "cases_reported")
    return statistics.median(samples), min(samples), reported, size


def api_throughput(requests):
    from django.conf import settings
    from django.test import Client
    from django.urls import path
    from django.utils import translation

    import bench.statistics_bench as this
    from bureau.accounts.choices import Role
    from bureau.accounts.models import User
    from bureau.accounts.services import token_issue
    from bureau.urls import urlpatterns as product
    from figures.readings import document_key

    this.urlpatterns = [*product, path("bench/bare-statistics/", _bare_view)]
    settings.ROOT_URLCONF = "bench.statistics_bench"
    settings.ALLOWED_HOSTS = ["*"]
    user, _ = User.objects.get_or_create(username="bench-stats", defaults={"role": Role.BUREAU})
    client = Client(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
    real_url, bare_url = f"/api/v1/statistics/?{MONTH}", "/bench/bare-statistics/"
    started = time.perf_counter()
    first = client.get(real_url)
    cold = time.perf_counter() - started
    assert first.status_code == 200, first.content[:300]
    with translation.override(settings.LANGUAGE_CODE):
        CACHED["key"] = document_key("all", MONTH, "http://testserver")
    bare = client.get(bare_url)
    assert bare.status_code == 200 and bare.content == first.content, "the bare view must serve the same bytes"
    kinds = (("real", real_url), ("bare", bare_url))
    for _ in range(50):
        for _name, url in kinds:
            client.get(url)
    samples = {name: [] for name, _url in kinds}
    for _ in range(requests):
        for name, url in kinds:
            t = time.perf_counter()
            client.get(url)
            samples[name].append(time.perf_counter() - t)
    rates = {name: 1 / statistics.median(values) for name, values in samples.items()}
    return rates, cold, len(first.content)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    from bench.reports_bench import machine, setup, write_results

    cache_name = setup(args.url)  # the same set-up as the assessment's bench (Redis, throttle raised)

    dataset = ensure_dataset(args.cases, args.regenerate)
    print(f"dataset: {dataset}")
    median, best, reported, size = annex_time(args.repeat)
    print(f"annex {YEAR}: median {median:.2f} s, best {best:.2f} s ({reported} cases reported; xlsx {size} bytes)")
    rates, cold, length = api_throughput(args.requests)
    ratio = rates["real"] / rates["bare"]
    print(f"statistics API (a month): {rates['real']:.0f} req/s, bare view {rates['bare']:.0f} req/s, "
          f"ratio {ratio:.2f}; first (uncached) answer {cold * 1000:.0f} ms, {length} bytes")
    if args.no_write:
        return
    write_results(section="statistics", lines=[
        "## The year in figures: annual annex and statistics API (`bench/statistics_bench.py`)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}. The machine was shared: "
        "other helpers' test suites were running, so the figures are pessimistic.",
        f"Dataset: {dataset}, one calendar year ({YEAR}) from bench/generate.py. Cache: {cache_name}.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| annual annex {YEAR} (every figure, {YEAR - 1} beside it, per street, campaigns, xlsx) | "
        f"median {median:.2f} s (best {best:.2f} s) of {args.repeat} | < 5 s |",
        f"| statistics API, a month, cached bytes | {rates['real']:.0f} req/s against the bare view's "
        f"{rates['bare']:.0f} req/s: {ratio:.2f}× | ≥ 0.5× |",
        f"| statistics API, first (uncached) answer | {cold * 1000:.0f} ms | |",
        "",
        f"{args.requests} requests each, interleaved request by request through the whole Django stack (test "
        "client, token authentication, throttle raised); req/s = 1 / median latency. The bare view "
        "authenticates the token the same way and returns the cached bytes.",
    ])


if __name__ == "__main__":
    main()
