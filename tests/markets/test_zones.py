"""Zones: kinds, windows per weekday that cross midnight (a window belongs to the evening it starts), seasons
(judged on the day a window starts), areas (polygon or road segment), the zone API's fields."""
from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from markets import services
from markets.choices import ZoneKind
from markets.models import VendorZone

from .conftest import at

pytestmark = pytest.mark.django_db

FRI, SAT, SUN = 5, 6, 7
SQUARE = {"type": "Polygon", "coordinates": [[[115.0, 27.0], [115.001, 27.0], [115.001, 27.001], [115.0, 27.001],
                                              [115.0, 27.0]]]}


def _night(make_zone, weekdays=(FRI,), **kw):
    windows = [{"weekday": d, "opens": time(18), "closes": time(2)} for d in weekdays]
    return make_zone(kind="night_snack", windows=windows, **kw)


def _open(zone, moment) -> bool:
    zone = VendorZone.objects.prefetch_related("windows").get(pk=zone.pk)
    in_python = zone.is_open_at(moment)
    in_sql = VendorZone.objects.open_at(moment).filter(pk=zone.pk).exists()
    assert in_python is in_sql, moment
    return in_python


def test_every_kind_exists():
    assert set(ZoneKind.values) == {"fixed_stall", "night_snack", "morning_market", "convenience", "seasonal"}


# 2026-11-27 is a Friday
@pytest.mark.parametrize(("moment", "expected"), [
    (at(2026, 11, 27, 17, 59), False),   # Friday before opening
    (at(2026, 11, 27, 18, 0), True),     # Friday opening
    (at(2026, 11, 27, 23, 59), True),
    (at(2026, 11, 28, 0, 0), True),      # Saturday midnight: still Friday's window
    (at(2026, 11, 28, 1, 30), True),     # Saturday 01:30: Friday's window applies
    (at(2026, 11, 28, 2, 0), False),     # closes at 02:00
    (at(2026, 11, 28, 18, 30), False),   # Saturday evening: no Saturday window
    (at(2026, 11, 27, 1, 30), False),    # Friday 01:30: that would be Thursday's window, which there is not
])
def test_a_friday_night_window_crosses_into_saturday(make_zone, moment, expected):
    assert _open(_night(make_zone), moment) is expected


def test_sunday_night_runs_into_monday(make_zone):
    zone = _night(make_zone, weekdays=(SUN,))
    assert _open(zone, at(2026, 11, 30, 1, 0))      # Monday 01:00, Sunday's window
    assert not _open(zone, at(2026, 11, 24, 1, 0))  # Tuesday 01:00: Monday has no window


def test_a_window_closing_at_midnight(make_zone):
    zone = make_zone(windows=[{"weekday": FRI, "opens": time(18), "closes": time(0)}])
    assert _open(zone, at(2026, 11, 27, 23, 59))
    assert not _open(zone, at(2026, 11, 28, 0, 0))


def test_two_windows_on_one_day(make_zone):
    zone = make_zone(kind="morning_market", windows=[{"weekday": SAT, "opens": time(6), "closes": time(9)},
                                                       {"weekday": SAT, "opens": time(16), "closes": time(19)}])
    assert _open(zone, at(2026, 11, 28, 8, 59)) and _open(zone, at(2026, 11, 28, 16, 0))
    assert not _open(zone, at(2026, 11, 28, 9, 0)) and not _open(zone, at(2026, 11, 28, 12, 0))


def test_season_edges_are_judged_on_the_day_the_window_starts(make_zone):
    # given: a seasonal zone open every night from 1 July to 31 August
    zone = make_zone(
        kind="seasonal", valid_from=date(2026, 7, 1), valid_to=date(2026, 8, 31),
        windows=[{"weekday": d, "opens": time(18), "closes": time(2)} for d in range(1, 8)])
    # then
    assert not _open(zone, at(2026, 7, 1, 1, 0))      # 30 June's window: out of season
    assert _open(zone, at(2026, 7, 1, 18, 0))         # first evening
    assert _open(zone, at(2026, 9, 1, 1, 0))          # the last evening (31 August) runs past midnight
    assert not _open(zone, at(2026, 9, 1, 18, 0))     # 1 September: over


def test_year_end_window_from_december_31_into_january_1(make_zone):
    # given: a zone whose season is the calendar year 2026; 31 December 2026 is a Thursday
    zone = make_zone(valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31),
                     windows=[{"weekday": d, "opens": time(18), "closes": time(2)} for d in range(1, 8)])
    assert _open(zone, at(2026, 12, 31, 23, 0))
    assert _open(zone, at(2027, 1, 1, 1, 30))          # still the evening of 31 December
    assert not _open(zone, at(2027, 1, 1, 18, 0))      # 2027 is out of season
    assert not _open(zone, at(2026, 1, 1, 1, 30))      # 31 December 2025's window: before the season


def test_an_inactive_zone_is_never_open(make_zone):
    zone = make_zone(opens=time(0, 1), closes=time(23, 59), is_active=False)
    assert not _open(zone, at(2026, 11, 27, 12, 0))


def test_window_validation(make_zone):
    with pytest.raises(ValidationError) as err:
        make_zone(windows=[{"weekday": 8, "opens": time(6), "closes": time(9)}])
    assert "windows" in err.value.message_dict
    with pytest.raises(ValidationError):
        make_zone(windows=[{"weekday": 1, "opens": time(6), "closes": time(9)},
                           {"weekday": 1, "opens": time(6), "closes": time(10)}])
    with pytest.raises(ValidationError) as err:
        make_zone(valid_from=date(2026, 9, 1), valid_to=date(2026, 8, 1))
    assert "valid_to" in err.value.message_dict


def test_area_is_a_polygon_or_a_road_segment(make_zone):
    make_zone(geometry=SQUARE)
    make_zone(geometry={"type": "LineString", "coordinates": [[115.0, 27.0], [115.01, 27.0]]})
    for bad in ({"type": "Point", "coordinates": [115, 27]}, {"type": "Polygon", "coordinates": [[[500, 0]]]},
                {"type": "LineString", "coordinates": [[115.0, 127.0], [115.1, 127.0]]}):
        with pytest.raises(ValidationError) as err:
            make_zone(geometry=bad)
        assert "geometry" in err.value.message_dict


def test_zone_update_replaces_windows(make_zone, bureau_user):
    zone = make_zone()
    services.vendor_zone_update(acting_user=bureau_user, zone=zone, windows=[
        {"weekday": FRI, "opens": time(18), "closes": time(2)}])
    assert [(w.weekday, w.opens, w.closes) for w in zone.windows.all()] == [(FRI, time(18), time(2))]


def test_zone_api_fields_as_the_contract_says(bureau_client, make_zone):
    # given
    zone = make_zone(kind="night_snack", geometry=SQUARE, valid_from=date(2026, 5, 1), valid_to=date(2026, 10, 31),
                     windows=[{"weekday": FRI, "opens": time(18), "closes": time(2)},
                              {"weekday": SAT, "opens": time(18), "closes": time(2)}],
                     complaint_phone="0796-8221234")
    # when
    body = bureau_client.get(f"/api/v1/vendor-zones/{zone.pk}/").json()
    # then
    assert body["id"] == zone.pk and body["kind"] == "night_snack" and body["name"] == zone.name
    assert body["street"] == {"code": "001", "name": "古南街道"}
    assert body["geometry"] == SQUARE
    assert body["windows"] == [{"weekday": 5, "opens": "18:00", "closes": "02:00"},
                               {"weekday": 6, "opens": "18:00", "closes": "02:00"}]
    assert (body["valid_from"], body["valid_to"]) == ("2026-05-01", "2026-10-31")
    assert body["complaint_phone"] == "0796-8221234"
    all_year = bureau_client.get(f"/api/v1/vendor-zones/{make_zone().pk}/").json()
    assert (all_year["valid_from"], all_year["valid_to"]) == (None, None)
