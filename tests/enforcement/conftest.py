"""Fixtures for case tests: the two-street district with categories (seeded by migration) and helpers."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bureau import clock
from tests.enforcement.offenders_support import (  # noqa: F401 - fixtures of the three-street tests
    file_case,
    three_streets,
)
from tests.factories import centre_of

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def place(two_streets):
    """The two-street district with its assignments backdated, so frozen-clock tests in 2026 see them."""
    from grids.models import OfficerAssignment, StreetLeaderAssignment

    StreetLeaderAssignment.objects.update(start=at(2020, 1, 1))
    OfficerAssignment.objects.update(start=at(2020, 1, 1))
    return two_streets


@pytest.fixture
def report(place, bureau_user):
    """Report a case through the service (default: 暴露垃圾 in cell a1, by bureau staff, at a given time)."""
    from enforcement.services import case_report

    def _report(*, when=None, cell="a1", category="06010", user=None, **extra):
        lat, lng = centre_of(place[cell])
        user = user or bureau_user
        source = {"officer": "grid_officer", "leader": "patrol"}.get(user.role, "supervision")  # the caller's own
        kwargs = {"acting_user": user, "category": category, "lat": lat, "lng": lng,
                  "description": "垃圾堆放", "source": source, **extra}
        if when is None:
            return case_report(**kwargs)
        with clock.frozen(when):
            return case_report(**kwargs)

    return _report


@pytest.fixture
def act(bureau_user):
    """Take an action through the service at a given time."""
    from enforcement.services import case_transition

    def _act(case, action, *, when=None, user=None, note="说明", **params):
        kwargs = {"acting_user": user or bureau_user, "case": case, "action": action, "note": note, **params}
        if when is None:
            return case_transition(**kwargs)
        with clock.frozen(when):
            return case_transition(**kwargs)

    return _act
