"""Three streets side by side for the duplicate and repeat-offender tests: one tall cell each, A | B | C from west
to east, so a point a few metres either side of a shared edge lies in two streets. Points are placed by metres
from a street boundary, along a parallel (east-west) or a meridian (north-south), where the product's distance
is exact."""
import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bureau import clock
from grids.geometry import METRES_PER_DEGREE

SH = ZoneInfo("Asia/Shanghai")
# Far from the factories' grid (115.0-115.1, 27.1-...), so no other test cell is near.
X0, Y0, WIDTH, HEIGHT = 115.5, 27.6, 0.001, 0.004
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SH)


def rect(col):
    x0, x1 = X0 + col * WIDTH, X0 + (col + 1) * WIDTH
    y0, y1 = Y0, Y0 + HEIGHT
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def boundary(east_of: int) -> float:
    """The longitude of the edge between column `east_of` and the next one."""
    return X0 + (east_of + 1) * WIDTH


def east(lng: float, lat: float, metres: float) -> float:
    """The longitude `metres` east of (lat, lng) (west when negative)."""
    return lng + metres / (METRES_PER_DEGREE * math.cos(math.radians(lat)))


def north(lat: float, metres: float) -> float:
    return lat + metres / METRES_PER_DEGREE


@pytest.fixture
def three_streets(db):
    """Streets 011, 012, 013 (A, B, C), one community and one cell each; a leader of each, an officer of A's cell."""
    from grids.models import OfficerAssignment, StreetLeaderAssignment
    from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, make_leader, make_officer

    streets, cells = [], []
    for col, (code, name) in enumerate((("011", "东街街道"), ("012", "南街街道"), ("013", "西街街道"))):
        street = StreetFactory(code=code, name=name)
        community = CommunityFactory(street=street, code="001")
        streets.append(street)
        cells.append(GridCellFactory(community=community, geometry=rect(col)))
    a, b, c = streets
    world = {"A": a, "B": b, "C": c, "cells": cells, "leader_A": make_leader(a), "leader_B": make_leader(b),
             "officer_A": make_officer([cells[0]])}
    StreetLeaderAssignment.objects.update(start=datetime(2020, 1, 1, tzinfo=SH))
    OfficerAssignment.objects.update(start=datetime(2020, 1, 1, tzinfo=SH))
    return world


@pytest.fixture
def file_case(bureau_user):
    """Report a case at (lat, lng) through the service, `days_ago` before NOW (minus `hours`)."""
    from enforcement.services import case_report

    def _file(lat, lng, *, days_ago=0, hours=0, category="06010", party=None, **extra):
        from datetime import timedelta

        with clock.frozen(NOW - timedelta(days=days_ago, hours=hours)):
            return case_report(acting_user=bureau_user, category=category, lat=lat, lng=lng, description="占道",
                               source="supervision", party=party, **extra)

    return _file
