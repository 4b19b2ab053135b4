"""Fixtures for street commerce: the two-street district, and makers that go through the services."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bureau import clock
from tests.factories import centre_of

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 26)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def place(two_streets):
    from grids.models import OfficerAssignment, StreetLeaderAssignment

    StreetLeaderAssignment.objects.update(start=at(2020, 1, 1))
    OfficerAssignment.objects.update(start=at(2020, 1, 1))
    return two_streets


@pytest.fixture
def frozen_today():
    """The clock at noon of TODAY (permits and ads compare with the local date)."""
    with clock.frozen(at(2026, 11, 26, 12, 0)):
        yield TODAY


@pytest.fixture
def make_zone(place, bureau_user):
    from markets.services import vendor_zone_create

    counter = iter(range(1, 10_000))

    def _make(street="a", kind="fixed_stall", opens=time(7), closes=time(21), **extra):
        fields = {"name": f"摊点区{next(counter)}", "capacity": 0, **extra}
        if "windows" not in fields:
            fields.update(opens_at=opens, closes_at=closes)
        return vendor_zone_create(acting_user=bureau_user, street=place[street], kind=kind, **fields)

    return _make


@pytest.fixture
def make_vendor(bureau_user):
    from markets.services import vendor_register

    counter = iter(range(10_000))

    def _make(name=None, phone=None, id_number=""):
        n = next(counter)
        return vendor_register(acting_user=bureau_user, name=name or f"摊贩{n}",
                               phone=phone if phone is not None else f"1380000{n:04d}", id_number=id_number)

    return _make


@pytest.fixture
def make_permit(bureau_user, make_zone, make_vendor):
    from markets.services import stall_permit_issue

    counter = iter(range(1, 10_000))

    def _make(zone=None, vendor=None, valid_to=date(2027, 6, 1), valid_from=None, street="a"):
        zone = zone or make_zone(street=street)
        return stall_permit_issue(acting_user=bureau_user, vendor=vendor or make_vendor(), zone=zone,
                                  stall_number=f"{next(counter):02d}",
                                  valid_from=valid_from or date(valid_to.year - 1, valid_to.month, 1),
                                  valid_to=valid_to)

    return _make


@pytest.fixture
def make_case(place, bureau_user):
    from enforcement.services import case_report

    def _make(cell="a1", category="09001", when=None):
        lat, lng = centre_of(place[cell])
        with clock.frozen(when or at(2026, 11, 20, 10, 0)):
            return case_report(acting_user=bureau_user, category=category, lat=lat, lng=lng,
                               description="流动摊贩占道", source="supervision")

    return _make


@pytest.fixture(autouse=True)
def _fresh_zone_index():
    """Each test builds the zone and permit indexes from its own rows (rolled-back rows never reach the shared
    cache)."""
    from markets import permitindex, zoneindex

    zoneindex.reset()
    permitindex.reset()
    yield
    zoneindex.reset()
    permitindex.reset()
