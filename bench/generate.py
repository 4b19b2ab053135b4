"""The benchmark dataset: a district of 15 streets and 1,650 grid cells with three years of history,
600,000 cases (with their full event trails, consistent with the workflow) and 150,000 patrol reports.

    from bench.generate import generate
    generate("postgres://postgres@127.0.0.1:5432/bench")       # or a DATABASES alias
    python bench/generate.py --url postgres://postgres@127.0.0.1:5432/bench [--cases 600000 ...]

Rows go in with PostgreSQL's COPY (executemany elsewhere, for small runs), in chunks, so the full set takes
well under a minute and little memory. The history ends at the Monday 00:00 (Asia/Shanghai) starting the
current week, so every week and month of it is finished; it is deterministic for a given `seed`.
Deadlines are stored on the events the way the case services store them (dispatch / rework / approved
extension / resume set `handling_due_at`; suspend and return clear it); time limits are approximated in
calendar hours (the work calendar is not consulted: the figures measure the assessment, not the calendar).
"""
import argparse
import io
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")
HOUR = 3600.0
DAY = 24 * HOUR
CHUNK = 20_000  # cases per COPY batch

# Calendar hours per unit of each time-limit unit (approximate: office hours and weekends stretch the clock).
UNIT_HOURS = {"urgent_hours": 1.0, "work_hours": 3.0, "work_days": 24 * 1.4}
SOURCES = [("supervision", 25), ("patrol", 25), ("grid_officer", 20), ("hotline", 20), ("open311", 5), ("other", 5)]
STREET_NAMES = ["古南", "永叔", "文山", "习溪桥", "北门", "白塘", "禾埠", "兴桥", "长塘", "樟山", "曲濑", "井冈山",
                "真君山", "鹭洲", "螺子山", "城北", "东门", "悦景", "世兴", "青石"]


def _ts(seconds: float) -> str:
    """A UTC timestamp for COPY, fast (time.gmtime is C)."""
    t = time.gmtime(seconds)
    return "%04d-%02d-%02d %02d:%02d:%02d+00" % t[:6]  # noqa: UP031 - faster than format() in the hot loop


def _alias_for(database: str) -> str:
    """A DATABASES alias for `database` (an alias, or a URL registered on the fly as `bench_generate`)."""
    from django.db import connections

    if "://" not in database:
        return database
    import environ

    alias = "bench_generate"
    config = environ.Env.db_url_config(database)
    config.setdefault("ATOMIC_REQUESTS", False)
    config.setdefault("AUTOCOMMIT", True)
    config.setdefault("CONN_MAX_AGE", 0)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("OPTIONS", {})
    config.setdefault("TIME_ZONE", None)
    config.setdefault("TEST", {})
    connections.databases[alias] = config
    return alias


def _secondary_indexes(connection, tables):
    """Plain (non-constraint) indexes of `tables`: dropped for the load and built once afterwards, which is
    several times faster than maintaining them row by row."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = ANY(%s) AND NOT EXISTS (
                   SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", [list(tables)])
        return cursor.fetchall()


class _Writer:
    """COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def write(self, table, columns, rows):
        if not rows:
            return
        with self.connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
                    buffer.write("\n")
                buffer.seek(0)
                cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                   [[None if v is None else v for v in row] for row in rows])


def _fresh(connection):
    from enforcement.models import Case, CaseNumberCounter
    from grids.models import Street
    from inspections.models import Bulletin, Ranking

    tables = [Street._meta.db_table, Case._meta.db_table, CaseNumberCounter._meta.db_table,
              Ranking._meta.db_table, Bulletin._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the history tables' triggers refuse TRUNCATE unless the session allows it (bureau/appendonly.py)
            cursor.execute("SET bureau.allow_truncate = on")
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            cursor.execute("RESET bureau.allow_truncate")
        else:  # small runs on SQLite: delete children first (past the history models' append-only managers)
            from enforcement.models import CaseEvent
            from inspections.models import PatrolReport, RankingRow
            for model in (RankingRow, Ranking, Bulletin, CaseEvent, Case, CaseNumberCounter):
                model._base_manager.using(connection.alias).all().delete()
            PatrolReport.grid_cells.through.objects.using(connection.alias).all().delete()
            PatrolReport.objects.using(connection.alias).all().delete()


def _places(alias, *, streets, cells, district):
    """Streets (3-digit codes), five communities each, cells as 0.001° squares laid street by street."""
    from grids.models import Community, GridCell, Street

    street_rows = [Street(code=f"{i + 1:03d}", name=f"{STREET_NAMES[i % len(STREET_NAMES)]}街道") for i in range(streets)]
    Street.objects.using(alias).bulk_create(street_rows)
    street_rows = list(Street.objects.using(alias).order_by("code"))
    communities = []
    for street in street_rows:
        for c in range(5):
            communities.append(Community(street=street, code=f"{c + 1:03d}", name=f"{street.name}第{c + 1}社区"))
    Community.objects.using(alias).bulk_create(communities)
    communities = list(Community.objects.using(alias).order_by("street__code", "code"))
    by_street = {}
    for community in communities:
        by_street.setdefault(community.street_id, []).append(community)
    cell_rows = []
    now = datetime.now(UTC)
    for index in range(cells):
        street = street_rows[index % streets]
        slot = index // streets
        community = by_street[street.pk][slot % 5]
        col, row = (index % streets) * 12 + slot % 12, slot // 12
        x0, y0 = 115.0 + col * 0.001, 27.1 + row * 0.001
        cell_rows.append(GridCell(
            code=f"{district}{street.code}{community.code}{slot // 5 + 1:03d}", street=street, community=community,
            geometry={"type": "Polygon", "coordinates": [[[x0, y0], [x0 + 0.001, y0], [x0 + 0.001, y0 + 0.001],
                                                          [x0, y0 + 0.001], [x0, y0]]]},
            area_m2=11000.0, updated_at=now))
    GridCell.objects.using(alias).bulk_create(cell_rows, batch_size=2000)
    cells_by_street = {}
    for cell in GridCell.objects.using(alias).values("id", "street_id", "community_id", "geometry"):
        ring = cell["geometry"]["coordinates"][0]
        cells_by_street.setdefault(cell["street_id"], []).append(
            (cell["id"], cell["community_id"], ring[0][1] + 0.0005, ring[0][0] + 0.0005))
    return street_rows, cells_by_street


def _users(alias, street_rows):
    from bureau.accounts.choices import Role
    from bureau.accounts.models import User
    from grids.models import StreetLeaderAssignment

    def user(username, role):
        obj, _ = User.objects.using(alias).get_or_create(username=username, defaults={"role": role})
        return obj

    bureau = user("bench-bureau", Role.BUREAU)
    leaders = {}
    for street in street_rows:
        leaders[street.pk] = user(f"bench-leader-{street.code}", Role.LEADER)
        StreetLeaderAssignment.objects.using(alias).create(
            street=street, user=leaders[street.pk], start=datetime(2020, 1, 1, tzinfo=SH))
    return bureau, leaders


def _case_trail(rnd, t0, category, street_quality, horizon):
    """The events of one case from its report at t0: (action, from, to, at, due_at, handling_due_at), and flags."""
    dispatch_h = float(category["dispatch_limit"]) * UNIT_HOURS[category["dispatch_unit"]] * HOUR
    handle_h = float(category["handle_limit"]) * UNIT_HOURS[category["handle_unit"]] * HOUR
    ev = [("report", "", "reported", t0, t0 + dispatch_h, None)]
    r = rnd.random()
    if r < 0.03:  # rejected (or a duplicate)
        t1 = t0 + rnd.uniform(300, 3600)
        ev.append(("register", "reported", "registered", t1, t0 + dispatch_h, None))
        ev.append((rnd.choice(("reject", "mark_duplicate")), "registered", "rejected", t1 + rnd.uniform(300, 7200),
                   None, None))
        return ev
    t1 = t0 + rnd.uniform(300, 3600)
    ev.append(("register", "reported", "registered", t1, t0 + dispatch_h, None))
    t = t1 + rnd.uniform(300, 7200)
    due = t + handle_h
    ev.append(("dispatch", "registered", "dispatched", t, due, due))
    if rnd.random() < 0.02:  # returned once and dispatched again
        t += rnd.uniform(600, 0.3 * handle_h + 600)
        ev.append(("return", "dispatched", "registered", t, t + dispatch_h, None))
        t += rnd.uniform(300, 3600)
        due = t + handle_h
        ev.append(("dispatch", "registered", "dispatched", t, due, due))
    if rnd.random() < 0.06:  # an extension requested and (mostly) approved
        t += rnd.uniform(0.1, 0.5) * handle_h
        ev.append(("request_extension", "dispatched", "dispatched", t, due, due))
        t += rnd.uniform(600, 7200)
        if rnd.random() < 0.8:
            due = due + handle_h
            ev.append(("approve_extension", "dispatched", "dispatched", t, due, due))
        else:
            ev.append(("deny_extension", "dispatched", "dispatched", t, due, due))
    if rnd.random() < 0.02:  # suspended; half of them resumed within a month
        left = max(due - t, 600.0)
        t += rnd.uniform(0.05, 0.3) * left
        ev.append(("suspend", "dispatched", "suspended", t, None, None))
        if rnd.random() < 0.5:
            return ev
        t += rnd.uniform(1, 30) * DAY
        due = t + left
        ev.append(("resume", "suspended", "dispatched", t, due, due))
    for attempt in range(3):
        if rnd.random() < street_quality:
            handle_at = max(t + 60, due - rnd.uniform(0.05, 0.9) * handle_h)
        else:
            handle_at = due + rnd.uniform(0.05, 2.5) * handle_h
        if rnd.random() < 0.03:  # never handled (left overdue)
            return ev
        ev.append(("handle", "dispatched", "handled", handle_at, due, due))
        t = handle_at + rnd.uniform(1, 48) * HOUR
        if attempt < 2 and rnd.random() < 0.05:  # verification failed: rework
            due = t + handle_h
            ev.append(("rework", "handled", "dispatched", t, due, due))
            continue
        ev.append(("close", "handled", "closed", t, due, due))
        return ev
    return ev


def generate(database="default", cases=600_000, reports=150_000, streets=15, cells=1650, years=3, *,
             seed=20261123, end=None, fresh=True, stdout=None) -> dict:
    """Fill `database` (a DATABASES alias or a URL) with the benchmark district; returns counts and timings."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections, transaction

    from enforcement.models import Case, CaseEvent, CaseNumberCounter, Category
    from inspections.models import PatrolReport

    stdout = stdout or sys.stdout
    started = time.perf_counter()
    alias = _alias_for(database)
    call_command("migrate", database=alias, verbosity=0, interactive=False)
    connection = connections[alias]
    writer = _Writer(connection)
    rnd = random.Random(seed)
    if end is None:
        today = datetime.now(SH).date()
        monday = today - timedelta(days=today.weekday())
        end = datetime(monday.year, monday.month, monday.day, tzinfo=SH)
    horizon = end.timestamp()
    begin = (end - timedelta(days=365 * years)).timestamp()

    with transaction.atomic(using=alias):
        if fresh:
            _fresh(connection)
        street_rows, cells_by_street = _places(alias, streets=streets, cells=cells, district=settings.DISTRICT_CODE)
        bureau, leaders = _users(alias, street_rows)
    stdout.write(f"generate: places and users in {time.perf_counter() - started:.1f}s\n")

    categories = list(Category.objects.using(alias).filter(is_active=True, department__isnull=True).values(
        "id", "dispatch_limit", "dispatch_unit", "handle_limit", "handle_unit"))
    quality = {s.pk: 0.62 + 0.33 * (i / max(1, streets - 1)) for i, s in enumerate(rnd.sample(street_rows, streets))}
    source_names = [s for s, w in SOURCES for _ in range(w)]
    case_columns = [f.column for f in Case._meta.concrete_fields]
    event_columns = [f.column for f in CaseEvent._meta.concrete_fields]
    street_ids = [s.pk for s in street_rows]

    def flag(value):
        return ("t" if value else "f") if writer.postgres else bool(value)

    dropped = []
    if writer.postgres:
        dropped = _secondary_indexes(connection, [Case._meta.db_table, CaseEvent._meta.db_table])
        with connection.cursor() as cursor:
            for name, _definition in dropped:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            # Foreign keys are checked by per-row triggers; the generator's ids are consistent by construction,
            # so the load skips them (superuser only: the bench database's postgres user).
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")

    # report times, sorted, so numbers run in order within each year
    times = sorted(rnd.uniform(begin, horizon) for _ in range(cases))
    counters: dict[int, int] = {}
    case_id = event_id = 0
    events_written = 0
    stamp = _ts(horizon)
    t_cases = time.perf_counter()
    for chunk_start in range(0, cases, CHUNK):
        case_rows, event_rows = [], []
        for t0 in times[chunk_start:chunk_start + CHUNK]:
            case_id += 1
            street_id = rnd.choice(street_ids)
            cell_id, community_id, lat, lng = rnd.choice(cells_by_street[street_id])
            category = rnd.choice(categories)
            source = rnd.choice(source_names)
            self_handled = source in ("patrol", "supervision") and rnd.random() < 0.12
            if self_handled:
                trail = [("report", "", "reported", t0, None, None), ("close", "reported", "closed", t0, None, None)]
            else:
                trail = _case_trail(rnd, t0, category, quality[street_id], horizon)
            trail = [e for e in trail if e[3] < horizon]
            year = time.gmtime(t0 + 8 * HOUR).tm_year
            counters[year] = counters.get(year, 0) + 1
            last = trail[-1]
            reworks = sum(1 for e in trail if e[0] == "rework")
            extensions = sum(1 for e in trail if e[0] == "approve_extension")
            closed_at = next((e[3] for e in reversed(trail) if e[0] == "close"), None)
            handle_at = next((e[3] for e in reversed(trail) if e[0] == "handle"), None)
            deadline = last[5]
            overdue = deadline is not None and ((handle_at or horizon) > deadline)
            suspended = last[2] == "suspended"
            values = {
                "id": case_id, "number": f"{year}-{counters[year]:06d}", "status": last[2], "category_id": category["id"],
                "street_id": street_id, "community_id": community_id, "grid_id": cell_id, "lat": lat, "lng": lng,
                "address": f"测试路{case_id % 997}号", "description": "基准数据", "source": source,
                "reported_by_id": bureau.pk, "reporter_name": "", "reporter_phone_encrypted": "",
                "reporter_phone_hash": "", "reporter_phone_masked": "", "handling_department_id": None,
                "reported_at": _ts(t0), "due_at": None if last[4] is None else _ts(last[4]),
                "handling_due_at": None if deadline is None else _ts(deadline), "step_limit_seconds": None,
                "step_unit": "", "closed_at": None if closed_at is None else _ts(closed_at),
                "overdue": flag(overdue),
                "warning_level": "red" if overdue and last[2] == "dispatched" else "green",
                "rework_count": reworks, "extensions_approved": extensions, "extension_requested": flag(False),
                "self_handled": flag(self_handled),
                "duplicate_of_id": None, "party_id": None, "referral_accepted_at": None, "operation_id": None,
                "suspended_from": "dispatched" if suspended else "",
                "suspended_at": _ts(last[3]) if suspended else None, "remaining_seconds": None, "updated_at": stamp,
            }
            case_rows.append([values[c] for c in case_columns])
            for seq, (action, frm, to, at, due_at, hdue) in enumerate(trail, start=1):
                event_id += 1
                actor = leaders[street_id].pk if action in ("handle", "request_extension", "return") else bureau.pk
                event = {"id": event_id, "case_id": case_id, "seq": seq, "action": action, "from_status": frm,
                         "to_status": to, "actor_id": actor, "recorded_at": _ts(at), "note": "",
                         "due_at": None if due_at is None else _ts(due_at),
                         "handling_due_at": None if hdue is None else _ts(hdue), "data": "{}"}
                event_rows.append([event[c] for c in event_columns])
        with transaction.atomic(using=alias):
            writer.write(Case._meta.db_table, case_columns, case_rows)
            writer.write(CaseEvent._meta.db_table, event_columns, event_rows)
        events_written += len(event_rows)
    CaseNumberCounter.objects.using(alias).bulk_create(
        [CaseNumberCounter(year=y, last=n) for y, n in sorted(counters.items())], ignore_conflicts=True)
    stdout.write(f"generate: {cases} cases, {events_written} events in {time.perf_counter() - t_cases:.1f}s\n")

    t_reports = time.perf_counter()
    report_columns = [f.column for f in PatrolReport._meta.concrete_fields]
    through = PatrolReport.grid_cells.through
    through_columns = [f.column for f in through._meta.concrete_fields]
    days = int((horizon - begin) // DAY)
    report_id = link_id = 0
    shifts = ("early", "day", "evening", "night")
    for chunk_start in range(0, reports, CHUNK * 2):
        report_rows, link_rows = [], []
        for _ in range(min(CHUNK * 2, reports - chunk_start)):
            report_id += 1
            street = street_rows[report_id % streets]
            day_start = begin + rnd.randrange(days) * DAY
            started_at = day_start + rnd.uniform(7, 20) * HOUR
            ended_at = started_at + rnd.uniform(1, 4) * HOUR
            local = datetime.fromtimestamp(started_at, SH).date()
            values = {
                "id": report_id, "source": "patrol", "street_id": street.pk, "squad": "一中队", "duty_squad_id": None,
                "leader_id": leaders[street.pk].pk, "date": local.isoformat(), "shift": rnd.choice(shifts), "team": "",
                "started_at": _ts(started_at), "ended_at": _ts(ended_at), "track": "[]", "summary": "基准巡查",
                "counts": json.dumps({}), "recorded_at": _ts(ended_at + 600), "updated_at": _ts(ended_at + 600),
                "revision_count": 0,
            }
            report_rows.append([values[c] for c in report_columns])
            for cell in rnd.sample(cells_by_street[street.pk], 5):
                link_id += 1
                link = {"id": link_id, "patrolreport_id": report_id, "gridcell_id": cell[0]}
                link_rows.append([link[c] for c in through_columns])
        with transaction.atomic(using=alias):
            writer.write(PatrolReport._meta.db_table, report_columns, report_rows)
            writer.write(through._meta.db_table, through_columns, link_rows)
    stdout.write(f"generate: {reports} patrol reports, {link_id} cell links in {time.perf_counter() - t_reports:.1f}s\n")

    if writer.postgres:
        t_index = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in dropped:
                cursor.execute(definition)
        stdout.write(f"generate: {len(dropped)} indexes rebuilt in {time.perf_counter() - t_index:.1f}s\n")
        with connection.cursor() as cursor:
            for model in (Case, CaseEvent, PatrolReport, through):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"COALESCE((SELECT MAX(id) FROM {table}), 1))")
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    stdout.write(f"generate: done in {elapsed:.1f}s\n")
    return {"alias": alias, "cases": cases, "events": events_written, "reports": reports, "streets": streets,
            "cells": cells, "begin": datetime.fromtimestamp(begin, SH), "end": end, "seconds": elapsed}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench"))
    parser.add_argument("--cases", type=int, default=600_000)
    parser.add_argument("--reports", type=int, default=150_000)
    parser.add_argument("--streets", type=int, default=15)
    parser.add_argument("--cells", type=int, default=1650)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args(argv)
    setup_django(args.url)
    generate("default", cases=args.cases, reports=args.reports, streets=args.streets, cells=args.cells,
             years=args.years)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database `url` names when it does not exist yet (a fresh machine's first bench)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg2
    from psycopg2 import sql

    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"generate: created database {name}", flush=True)
    finally:
        admin.close()


def setup_django(url: str):
    """Django with `url` as the default database (the bench runs against its own database, created if missing)."""
    ensure_database(url)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings.test")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()


if __name__ == "__main__":
    main()
