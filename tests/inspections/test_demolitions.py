"""Demolitions of illegal building and the rural squad's weekly bulletin per town (found, stopped, demolished)."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from bureau import clock
from enforcement.services import case_report, case_transition
from inspections.models import Demolition
from inspections.services.campaigns import demolition_record, illegal_building_week
from tests.conftest import client_for
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import NOW, at

place, frozen_now = patrol_support.place, patrol_support.frozen_now

pytestmark = pytest.mark.django_db
URL = "/api/v1/demolitions/"


def _case(user, cell, category, when):
    lat, lng = centre_of(cell)
    with clock.frozen(when):
        return case_report(acting_user=user, category=category, lat=lat, lng=lng, description="违建",
                           source="supervision")


def _demolish(user, cell, day, m2, **extra):
    lat, lng = centre_of(cell)
    fields = {"order_reference": "吉城管责改〔2026〕9号", **extra}
    with clock.frozen(NOW):
        return demolition_record(acting_user=user, site="上塘村违建", lat=lat, lng=lng, party_name="李某",
                                 area_m2=Decimal(m2), demolished_on=day, **fields)


@pytest.fixture
def week(place, bureau_user):
    """Week 2026-W45 (2-8 November); street 002 is a town."""
    p = place
    p["b"].kind = "town"
    p["b"].save()
    stopped = _case(bureau_user, p["b1"], "06001", at(2026, 11, 3, 9))
    for action, user, when in (("register", bureau_user, at(2026, 11, 3, 10)), ("dispatch", bureau_user, at(2026, 11, 3, 11)),
                               ("handle", p["leader_b"], at(2026, 11, 4, 9))):
        with clock.frozen(when):
            case_transition(acting_user=user, case=stopped, action=action, note="责令停止建设")
    _case(bureau_user, p["b2"], "08016", at(2026, 11, 7, 9))
    _case(bureau_user, p["a1"], "06001", at(2026, 11, 4, 9))
    _case(bureau_user, p["b1"], "06010", at(2026, 11, 3, 9))   # not illegal building
    _case(bureau_user, p["b1"], "06001", at(2026, 11, 9, 9))   # the next week
    _demolish(bureau_user, p["b1"], date(2026, 11, 5), "100", case=stopped, order_reference="")
    _demolish(bureau_user, p["b2"], date(2026, 11, 6), "50.5")
    _demolish(bureau_user, p["a1"], date(2026, 11, 10), "30")  # the next week
    return stopped


def test_the_weekly_bulletin_counts_found_stopped_and_demolished_per_town(week, place):
    from grids.models import Street

    rows = illegal_building_week(date(2026, 11, 2), date(2026, 11, 8), Street.objects.order_by("code"))
    got = [(r["street"].code, r["found"], r["stopped"], r["demolished"], r["demolished_m2"]) for r in rows]
    assert got == [("001", 1, 0, 0, 0), ("002", 2, 1, 2, Decimal("150.5"))]


def test_the_bulletin_page_and_xlsx(week, place, bureau_user):
    client = Client()
    client.force_login(bureau_user)
    page = client.get("/inspections/illegal-building/?week=2026-W45")
    assert page.status_code == 200 and "150.5" in page.content.decode()
    assert client.get("/inspections/illegal-building/?week=nonsense").status_code == 200
    sheet = load_workbook(BytesIO(client.get("/inspections/illegal-building/?week=2026-W45&format=xlsx").content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[-1] == ["合计", 3, 1, 2, 150.5]


def test_a_leader_sees_only_their_streets_row(week, place):
    client = Client()
    client.force_login(place["leader_a"])
    body = client.get("/inspections/illegal-building/?week=2026-W45").content.decode()
    assert "古南街道" in body and "永叔街道" not in body


def test_demolition_needs_the_case_or_order_it_executes(place, bureau_user):
    with pytest.raises(Exception) as exc:
        _demolish(bureau_user, place["a1"], date(2026, 11, 5), "10", order_reference="")
    assert "case" in exc.value.message_dict


def test_demolition_api(place, week, anon_client, api_client_role, frozen_now):
    leader = client_for(place["leader_a"])
    lat, lng = centre_of(place["a2"])
    body = {"site": "凯震金鹭花园 5 栋顶层", "lat": lat, "lng": lng, "party_name": "王某", "area_m2": "42.5",
            "demolished_on": "2026-11-20", "order_reference": "吉城管责改〔2026〕12号", "forced": True}
    created = leader.post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["street"]["code"] == "001" and created.json()["area_m2"] == "42.50"
    # another street's point, a future date, no case nor order: 400
    b = centre_of(place["b1"])
    assert leader.post(URL, {**body, "lat": b[0], "lng": b[1]}, format="json").status_code == 400
    assert leader.post(URL, {**body, "demolished_on": "2026-12-01"}, format="json").status_code == 400
    assert leader.post(URL, {**body, "order_reference": ""}, format="json").status_code == 400
    # a case out of the leader's scope is unknown
    assert leader.post(URL, {**body, "case": week.pk}, format="json").status_code == 400
    # the matrix
    other = Demolition.objects.filter(street=place["b"]).first()
    assert anon_client.get(URL).status_code == 401
    assert api_client_role.get(URL).status_code == 403
    assert leader.get(f"{URL}{other.pk}/").status_code == 404
    assert client_for(place["leader_b"]).get(f"{URL}{other.pk}/").status_code == 200
    assert client_for(place["officer_a1"]).post(URL, body, format="json").status_code == 403
