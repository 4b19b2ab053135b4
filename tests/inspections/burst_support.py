"""The 08:00 burst (tests/inspections/test_burst.py): the district, the phones' reports, and the counts.

`build_place()` and `stored()` run inside the test process (PostgreSQL, live server) or in a subprocess against
the embedded deployment's SQLite file, so both return plain JSON-able values.
"""
import base64
import io
from datetime import timedelta

from django.utils import timezone
from PIL import Image

from bureau import clock


def build_place() -> dict:
    """Two streets of two cells, each with its leader, a token per leader, the seeded reference data."""
    import importlib

    from django.apps import apps

    from bureau.accounts.services import token_issue
    from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, centre_of, make_leader

    importlib.import_module("enforcement.migrations.0002_seed_categories").seed(apps, None)
    importlib.import_module("inspections.migrations.0003_default_patrol_count_fields").create_defaults(apps, None)
    streets = []
    for code, name in (("001", "古南街道"), ("002", "永叔街道")):
        street = StreetFactory(code=code, name=name)
        community = CommunityFactory(street=street, code="001")
        cells = [GridCellFactory(community=community), GridCellFactory(community=community)]
        leader = make_leader(street)
        streets.append({"token": token_issue(user=leader),
                        "cells": [c.code for c in cells], "centres": [list(centre_of(c)) for c in cells]})
    return {"streets": streets}


def _jpeg(shade: int) -> str:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (shade % 256, 10, 10)).save(out, format="JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def report_body(street: dict, n: int) -> dict:
    """Report n of the morning: the early shift just ended, two findings with a photo each (one settled)."""
    now = timezone.localtime(clock.now())
    (lat1, lng1), (lat2, lng2) = street["centres"]
    return {
        "date": now.date().isoformat(),
        "shift": "early",
        "grid_cells": street["cells"],
        "started_at": (now - timedelta(minutes=90)).isoformat(),
        "ended_at": (now - timedelta(minutes=1)).isoformat(),
        "summary": f"早班巡查 {n}",
        "findings": [
            {"category": "09001", "lat": lat1, "lng": lng1, "description": f"流动摊贩占道 {n}",
             "handled_on_spot": True, "photos": [_jpeg(n)]},
            {"category": "06010", "lat": lat2, "lng": lng2, "description": f"暴露垃圾 {n}",
             "handled_on_spot": False, "photos": [_jpeg(n + 100)]},
        ],
        "counts": {"vendors_persuaded": 1},
    }


def stored(summaries: list[str]) -> dict:
    """How many reports, findings and finding cases hold each summary (every one should hold exactly one)."""
    from django.db.models import Count

    from enforcement.models import Case
    from inspections.models import PatrolFinding, PatrolReport

    reports = dict(PatrolReport.objects.filter(summary__in=summaries).values_list("summary")
                   .annotate(n=Count("id")).values_list("summary", "n"))
    findings = PatrolFinding.objects.filter(report__summary__in=summaries)
    return {
        "reports": {s: reports.get(s, 0) for s in summaries},
        "findings": findings.count(),
        "finding_cases": findings.values("case").distinct().count(),
        "cases": Case.objects.count(),
    }
