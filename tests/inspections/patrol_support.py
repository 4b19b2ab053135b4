"""Fixtures and helpers for the patrol report tests (imported by the test modules that use them)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bureau import clock
from tests.conftest import client_for
from tests.factories import centre_of

SH = ZoneInfo("Asia/Shanghai")
# A Tuesday afternoon; the report below is for that morning's early shift.
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=SH)
URL = "/api/v1/patrol-reports/"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def frozen_now():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def place(two_streets):
    """The two-street district with assignments backdated, so frozen-clock tests in 2026 see them."""
    from grids.models import OfficerAssignment, StreetLeaderAssignment

    StreetLeaderAssignment.objects.update(start=at(2020, 1, 1))
    OfficerAssignment.objects.update(start=at(2020, 1, 1))
    return two_streets


@pytest.fixture
def leader_client(place):
    return client_for(place["leader_a"])


def report_body(place, *, cells=("a1", "a2"), findings=None, **extra):
    """A valid patrol report of street 001's leader: early shift, two findings (one settled on the spot)."""
    a1 = centre_of(place["a1"])
    a2 = centre_of(place["a2"])
    if findings is None:
        findings = [
            {"category": "09001", "lat": a1[0], "lng": a1[1], "description": "流动摊贩占道", "handled_on_spot": True},
            {"category": "06010", "lat": a2[0], "lng": a2[1], "description": "暴露垃圾", "handled_on_spot": False},
        ]
    body = {
        "date": "2026-11-24",
        "shift": "early",
        "grid_cells": [place[c].code for c in cells],
        "started_at": "2026-11-24T06:30:00+08:00",
        "ended_at": "2026-11-24T09:00:00+08:00",
        "summary": "早班巡查井冈山大道",
        "findings": findings,
        "squad": "一中队",
        "team": ["张三", "李四"],
        "counts": {"vendors_persuaded": 3, "ads_removed": 2},
    }
    body.update(extra)
    return body


@pytest.fixture
def reference_data():
    """A transactional test may start from emptied tables: the categories and count fields the migrations seed."""
    import importlib

    from django.apps import apps

    importlib.import_module("enforcement.migrations.0002_seed_categories").seed(apps, None)
    importlib.import_module("inspections.migrations.0003_default_patrol_count_fields").create_defaults(apps, None)
