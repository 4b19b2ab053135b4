"""Nothing on a request path reads a whole table: the plans of the hot requests' queries at city scale.

A small district is generated with the benchmark's generator (bench/generate.py) and analysed, then the
planner is told the big tables hold what a city's do after ten years (2,000,000 cases, 10,000,000 events,
500,000 patrol reports): the row counts in `pg_class` are scaled inside the test's transaction, which rolls
them back. The column statistics stay the analysed ones, so the planner chooses as it would for a table
that size with this data's distribution. Every query of the case list (street and status filters, for
bureau staff, a street leader and a grid officer), the case detail, the rankings lookup and the patrol
report list is EXPLAINed; none may scan the big tables sequentially. The point lookup has no query at all.

Two reads remain proportional to a table, by their nature, and are pinned apart: the total of every case
(bureau staff's unfiltered list) is one `COUNT(*)` over the cases alone, cached between writes; and the
bureau's patrol report list filtered by street counts the reports crossing the street's cells, which the
planner answers by reading the reports table (narrow rows, a street's share of them matching).
"""
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CITY = {  # rows at city scale: two million cases over ten years
    "enforcement_case": 2_000_000,
    "enforcement_caseevent": 10_000_000,
    "inspections_patrolreport": 500_000,
    "inspections_patrolreport_grid_cells": 2_500_000,
    "inspections_ranking": 1_500,
    "inspections_rankingrow": 25_000,
}
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


@pytest.fixture
def city():
    from bench.generate import generate
    from bureau.accounts.models import User
    from enforcement.models import Case
    from grids.models import GridCell
    from inspections.services.reports import report_compile_week

    info = generate("default", cases=6_000, reports=1_500, streets=15, cells=300, years=2, stdout=io.StringIO())
    cache.clear()
    report_compile_week(_last_week(info["end"]))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for table, rows in CITY.items():
            # the table and its indexes, so the planner's per-page density and index sizes agree
            cursor.execute(
                """UPDATE pg_class SET reltuples = %s * reltuples / GREATEST(
                       (SELECT reltuples FROM pg_class WHERE oid = %s::regclass), 1)
                   WHERE oid = %s::regclass OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass)""",
                [rows, table, table, table])
    busiest = Case.objects.values_list("street__code", flat=True).order_by("street__code").first()
    cell = GridCell.objects.filter(street__code=busiest).first()
    return {
        "bureau": User.objects.get(username="bench-bureau"),
        "leader": User.objects.get(username=f"bench-leader-{busiest}"),
        "street": busiest,
        "case": Case.objects.filter(street__code=busiest).order_by("-id").values_list("pk", flat=True).first(),
        "cell": cell,
    }


def _last_week(end):
    from inspections.periods import WEEK, last_finished

    return last_finished(WEEK, end).code


def _plans(client, url):
    """The EXPLAIN of every query `url` runs, and its status."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return response.status_code, plans


def _whole_table_reads(plans):
    return [(table, sql, plan) for sql, plan in plans for table in SEQ_SCAN.findall(plan) if table in CITY]


def test_the_hot_requests_read_no_big_table_whole(city):
    from datetime import UTC, datetime

    from bureau.accounts.choices import Role
    from grids.models import OfficerAssignment
    from tests.conftest import make_user

    officer = make_user("plan-officer", Role.OFFICER)
    OfficerAssignment.objects.create(cell=city["cell"], officer=officer, start=datetime(2020, 1, 1, tzinfo=UTC))
    bureau, leader = client_for(city["bureau"]), client_for(city["leader"])
    street = city["street"]
    requests = [
        (bureau, f"/api/v1/cases/?street={street}&status=closed&page_size=50"),
        (bureau, f"/api/v1/cases/?street={street}&status=dispatched&page_size=50"),
        (bureau, "/api/v1/cases/?status=dispatched&page_size=50"),
        (leader, "/api/v1/cases/?status=closed&page_size=50"),
        (client_for(officer), "/api/v1/cases/?page_size=50"),
        (bureau, f"/api/v1/cases/{city['case']}/"),
        (leader, f"/api/v1/cases/{city['case']}/"),
        (bureau, "/api/v1/rankings/weekly/latest/"),
        (leader, "/api/v1/patrol-reports/?page_size=50"),
    ]
    # duplicates offered where a case is made, around a real case's point, and the repeat offenders' report
    from enforcement.models import Case

    case = Case.objects.select_related("category").get(pk=city["case"])
    near = f"/api/v1/cases/nearby/?lat={case.lat}&lng={case.lng}&category={case.category.code}"
    requests += [(bureau, near), (leader, near), (bureau, "/api/v1/repeat-offenders/")]
    found = []
    for client, url in requests:
        cache.clear()  # cold: the counts and documents the cache would keep are read from the database
        status, plans = _plans(client, url)
        assert status == 200, url
        assert plans, url
        found += [(url, *row) for row in _whole_table_reads(plans)]
    assert not found, "\n\n".join(f"{url}: Seq Scan on {table}\n{sql}\n{plan}" for url, table, sql, plan in found)


def test_the_total_of_every_case_counts_the_cases_alone_once(city):
    # given bureau staff's unfiltered list, cold
    cache.clear()
    client = client_for(city["bureau"])

    # when it is read twice
    status, plans = _plans(client, "/api/v1/cases/?page_size=50")
    with CaptureQueriesContext(connection) as again:
        client.get("/api/v1/cases/?page_size=50")

    # then the count reads the cases table and nothing else, and the second read takes it from the cache
    counts = [sql for sql, _plan in plans if "COUNT(" in sql]
    assert status == 200 and counts == ['SELECT COUNT(*) AS "__count" FROM "enforcement_case"']
    assert not [q for q in again.captured_queries if "COUNT(" in q["sql"]]
    # and the page itself is read from an index, newest first
    assert not _whole_table_reads([(sql, plan) for sql, plan in plans if "COUNT(" not in sql])


def test_the_point_lookup_has_no_query(city, django_assert_num_queries):
    ring = city["cell"].geometry["coordinates"][0][:-1]
    lng, lat = sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)  # inside a convex cell
    client = client_for(city["bureau"])
    client.get(f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}")  # the index is built on first use
    with django_assert_num_queries(0):
        response = client.get(f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}")
    assert response.status_code == 200


def test_the_fast_lanes_statements_read_no_big_table_whole_even_as_generic_plans(city):
    """The case lane's statements (enforcement/api/fast.py) are prepared on the server, where PostgreSQL may
    switch to a generic plan, made without the parameters' values, after five runs: that plan must not read a
    big table whole either."""
    from rest_framework.test import APIClient

    from bureau.accounts.services import token_issue
    from enforcement.api import fast
    from grids.models import Street

    street = city["street"]
    for user in (city["bureau"], city["leader"]):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
        for url in (f"/api/v1/cases/{city['case']}/", f"/api/v1/cases/?street={street}", "/api/v1/cases/?page=2"):
            cache.clear()
            assert client.get(url).status_code == 200, url  # the token kept afresh, the count kept
            assert client.get(url).status_code == 200, url  # answered in the lane
    values = {"user": city["leader"].pk, "pk": city["case"], "street": Street.objects.get(code=street).pk,
              "code": street, "limit": 50, "offset": 50}
    statements = [entry for prepared in (fast._case_rows, fast._first_pages, fast._history, fast._photos,
                                         fast._street_ids)
                  for entry in prepared._shapes.values()]
    assert len(statements) >= 7  # a case and two pages for each of two roles, the history, photos, street
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        for n, entry in enumerate(statements):
            name, types, text = entry[-1]
            params = list(entry[3])
            for i, slot in entry[4]:
                params[i] = values[slot] if isinstance(slot, str) else params[i]
            cursor.execute(f"PREPARE plan_check_{n} ({types}) AS {text}")
            cursor.execute(f"EXPLAIN EXECUTE plan_check_{n} ({', '.join(['%s'] * len(params))})", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            found += [(table, text, plan) for table in SEQ_SCAN.findall(plan) if table in CITY]
            cursor.execute(f"DEALLOCATE plan_check_{n}")
    assert not found, "\n\n".join(f"Seq Scan on {table}\n{sql}\n{plan}" for table, sql, plan in found)
