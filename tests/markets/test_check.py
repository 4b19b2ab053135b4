"""GET /api/v1/vendor-zones/check/: a fixture of points × times × vendors answered exactly; bad input 400;
reasons in Chinese and English; a bounded number of queries."""
from datetime import date, time

import pytest

from markets import services, zoneindex

from .conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/vendor-zones/check/"

SQUARE = {"type": "Polygon", "coordinates": [[[115.000, 27.000], [115.002, 27.000], [115.002, 27.002],
                                              [115.000, 27.002], [115.000, 27.000]]]}
ROAD = {"type": "LineString", "coordinates": [[115.010, 27.000], [115.020, 27.000]]}
IN_SQUARE, ON_ROAD = (27.001, 115.001), (27.00005, 115.015)   # 5.6 m from the road's line
OFF_ROAD, NOWHERE = (27.0003, 115.015), (27.1, 115.1)           # 33 m from the line; far away
FRI_EVENING, SAT_NIGHT = at(2026, 11, 27, 19, 0), at(2026, 11, 28, 1, 30)
SAT_LATE, SUN_MORNING = at(2026, 11, 28, 3, 0), at(2026, 11, 29, 10, 0)


@pytest.fixture
def fixture(place, make_zone, make_vendor, bureau_user):
    night = make_zone(street="a", name="鹭洲西路夜宵摊点区", kind="night_snack", geometry=SQUARE, slots=2,
                      windows=[{"weekday": d, "opens": time(18), "closes": time(2)} for d in (5, 6)])
    road = make_zone(street="b", name="永叔路固定摊点区", geometry=ROAD, slots=2, opens=time(7), closes=time(21))
    night_vendor, road_vendor, nobody = make_vendor(), make_vendor(), make_vendor()
    # the night vendor's permit ends on Friday: the Friday window still covers them at 01:30 on Saturday
    services.stall_permit_issue(acting_user=bureau_user, vendor=night_vendor, slot=night.slots.first(),
                                valid_from=date(2026, 1, 1), valid_to=date(2026, 11, 27))
    services.stall_permit_issue(acting_user=bureau_user, vendor=road_vendor, slot=road.slots.first(),
                                valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31))
    return {"night": night, "road": road, "night_vendor": night_vendor, "road_vendor": road_vendor,
            "nobody": nobody}


def _ask(client, point, moment, vendor=None, **headers):
    params = {"lat": point[0], "lng": point[1], "at": moment.isoformat()}
    if vendor is not None:
        params["vendor"] = vendor.pk
    return client.get(URL, params, **headers)


# (point, moment, vendor key or None) -> (zone key or None, open, permitted)
CASES = [
    (IN_SQUARE, FRI_EVENING, None, ("night", True, None)),
    (IN_SQUARE, FRI_EVENING, "night_vendor", ("night", True, True)),
    (IN_SQUARE, FRI_EVENING, "road_vendor", ("night", True, False)),
    (IN_SQUARE, FRI_EVENING, "nobody", ("night", True, False)),
    (IN_SQUARE, SAT_NIGHT, "night_vendor", ("night", True, True)),      # Friday's window, Friday's permit
    (IN_SQUARE, SAT_LATE, "night_vendor", ("night", False, False)),     # closed at 02:00
    (IN_SQUARE, SAT_LATE, None, ("night", False, None)),
    (IN_SQUARE, SUN_MORNING, "night_vendor", ("night", False, False)),
    (ON_ROAD, FRI_EVENING, "road_vendor", ("road", True, True)),
    (ON_ROAD, FRI_EVENING, "night_vendor", ("road", True, False)),
    (ON_ROAD, SAT_NIGHT, "road_vendor", ("road", False, False)),
    (ON_ROAD, SUN_MORNING, None, ("road", True, None)),
    (OFF_ROAD, FRI_EVENING, "road_vendor", (None, False, False)),
    (OFF_ROAD, FRI_EVENING, None, (None, False, None)),
    (NOWHERE, SAT_NIGHT, "nobody", (None, False, False)),
]


@pytest.mark.parametrize(("point", "moment", "vendor", "expected"), CASES)
def test_the_fixture_is_answered_exactly(bureau_client, fixture, point, moment, vendor, expected):
    # when
    response = _ask(bureau_client, point, moment, fixture[vendor] if vendor else None)
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    zone_key, is_open, permitted = expected
    if zone_key is None:
        assert body["zone"] is None
    else:
        zone = fixture[zone_key]
        assert body["zone"] == {"id": zone.pk, "name": zone.name, "kind": zone.kind,
                                "street": {"code": zone.street.code, "name": zone.street.name}}
    assert (body["open"], body["permitted"]) == (is_open, permitted)
    assert body["reason"]


def test_reasons_in_chinese_and_english(bureau_client, fixture):
    zh = _ask(bureau_client, IN_SQUARE, FRI_EVENING, fixture["nobody"]).json()["reason"]
    en = _ask(bureau_client, IN_SQUARE, FRI_EVENING, fixture["nobody"], HTTP_ACCEPT_LANGUAGE="en").json()["reason"]
    assert "没有" in zh and "许可" in zh
    assert "permit" in en.lower() and en != zh
    assert "not" in _ask(bureau_client, NOWHERE, FRI_EVENING, HTTP_ACCEPT_LANGUAGE="en").json()["reason"].lower()


@pytest.mark.parametrize("query", [
    {"lat": "x", "lng": "115"}, {"lat": "27"}, {"lat": "91", "lng": "115"}, {"lat": "27", "lng": "181"},
    {"lat": "nan", "lng": "115"}, {"lat": "27", "lng": "115", "at": "yesterday"},
    {"lat": "27", "lng": "115", "at": "2026-13-45T25:00"}, {"lat": "27", "lng": "115", "vendor": "abc"},
    {"lat": "27", "lng": "115", "vendor": "-3"}, {"lat": "27", "lng": "115", "vendor": "999999"},
])
def test_bad_input_is_400(bureau_client, place, query):
    response = bureau_client.get(URL, query)
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)


def test_roles(anon_client, api_client_role, place, fixture):
    from tests.conftest import client_for

    assert anon_client.get(URL, {"lat": 27, "lng": 115}).status_code == 401
    assert api_client_role.get(URL, {"lat": 27, "lng": 115}).status_code == 403
    assert client_for(place["officer_a1"]).get(URL, {"lat": 27, "lng": 115}).status_code == 200


def test_a_changed_zone_is_seen_at_once(bureau_client, fixture, bureau_user):
    assert _ask(bureau_client, IN_SQUARE, FRI_EVENING).json()["zone"]["id"] == fixture["night"].pk
    services.vendor_zone_update(acting_user=bureau_user, zone=fixture["night"], is_active=False)
    assert _ask(bureau_client, IN_SQUARE, FRI_EVENING).json()["zone"] is None


def test_few_queries(bureau_client, fixture, django_assert_max_num_queries):
    zoneindex.zone_at(*IN_SQUARE)  # the index is built once per process
    with django_assert_max_num_queries(3):  # the token's user, and the vendor with their permit
        assert _ask(bureau_client, IN_SQUARE, FRI_EVENING, fixture["night_vendor"]).json()["permitted"] is True
    with django_assert_max_num_queries(2):
        assert _ask(bureau_client, IN_SQUARE, FRI_EVENING).json()["open"] is True
