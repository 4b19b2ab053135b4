"""Campaigns (专项整治): progress counted from the cases, patrol reports and demolitions inside the campaign's
dates, area and categories equals a hand count, per street and in total; the API, the closing report."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from bureau import clock
from enforcement.services import case_report, case_transition
from inspections.models import Campaign, PatrolReport
from inspections.services.campaigns import campaign_create, campaign_progress, demolition_record
from tests.conftest import client_for
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import at

place = patrol_support.place

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns/"
TARGETS = [
    {"label": "规范超店经营", "indicator": "cases", "category": "09005", "target": 500, "unit": "户"},
    {"label": "整治案件", "indicator": "cases", "target": 10, "unit": "件"},
    {"label": "办结案件", "indicator": "cases_closed", "target": 5, "unit": "件"},
    {"label": "巡查", "indicator": "patrol_reports", "target": 30, "unit": "次"},
    {"label": "劝导流动摊贩", "indicator": "patrol_count", "count_code": "vendors_persuaded", "target": 100, "unit": "人"},
    {"label": "拆除违建", "indicator": "demolished_area", "target": 2000, "unit": "m²"},
    {"label": "拆除违建处数", "indicator": "demolitions", "target": 3, "unit": "处"},
]


def _case(user, cell, category, when, **extra):
    lat, lng = centre_of(cell)
    with clock.frozen(when):
        return case_report(acting_user=user, category=category, lat=lat, lng=lng, description="专项整治测试",
                           source="supervision", **extra)


def _report(street, leader, cells, day, counts, source="patrol"):
    report = PatrolReport.objects.create(
        source=source, street=street if source == "patrol" else None, leader=leader, date=day, shift="day",
        started_at=at(day.year, day.month, day.day, 9), ended_at=at(day.year, day.month, day.day, 11),
        recorded_at=at(day.year, day.month, day.day, 12), updated_at=at(day.year, day.month, day.day, 12),
        counts=counts)
    report.grid_cells.set(cells)


def _demolish(user, cell, day, m2):
    lat, lng = centre_of(cell)
    with clock.frozen(at(2026, 11, 30, 12)):
        return demolition_record(acting_user=user, site="违建", lat=lat, lng=lng, party_name="张某",
                                 area_m2=Decimal(m2), demolished_on=day, order_reference="吉城管责改〔2026〕1号")


@pytest.fixture
def campaign(place, bureau_user):
    """Street 001 whole and cell b1 of street 002, 1-20 November, categories 09005 and 09006; with rows inside
    and just outside on every side (date, area, category, rejected, supervision patrols)."""
    p = place
    with clock.frozen(at(2026, 10, 20, 9)):
        campaign = campaign_create(
            acting_user=bureau_user, name="世兴庙超店经营百日攻坚", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 20),
            streets=["001"], cells=[p["b1"].code], categories=["09005", "09006"], units="区城管局、古南街道执法大队",
            targets=TARGETS)
    # cases
    _case(bureau_user, p["a1"], "09005", at(2026, 11, 5, 10))                       # in: a
    _case(bureau_user, p["a2"], "09006", at(2026, 11, 10, 10), self_handled=True)   # in: a, closed
    _case(bureau_user, p["b1"], "09005", at(2026, 11, 12, 10), self_handled=True)   # in: b (cell b1), closed
    _case(bureau_user, p["b2"], "09005", at(2026, 11, 12, 10))                      # out: b2 not in the area
    _case(bureau_user, p["a1"], "09005", at(2026, 10, 31, 23, 0))                   # out: before
    _case(bureau_user, p["a1"], "06010", at(2026, 11, 6, 10))                       # out: category
    _case(bureau_user, p["a1"], "09005", at(2026, 11, 20, 23, 30))                  # in: the last day, a
    rejected = _case(bureau_user, p["a2"], "09006", at(2026, 11, 15, 10))           # out: rejected
    with clock.frozen(at(2026, 11, 15, 11)):
        case_transition(acting_user=bureau_user, case=rejected, action="reject", note="不属实")
    # brigade patrol reports (and one supervision patrol, which is not the brigades' work)
    a, b = p["a"], p["b"]
    _report(a, p["leader_a"], [p["a1"]], date(2026, 11, 3), {"vendors_persuaded": 5})    # in: a
    _report(a, p["leader_a"], [p["a1"]], date(2026, 11, 21), {"vendors_persuaded": 40})  # out: after
    _report(b, p["leader_b"], [p["b1"]], date(2026, 11, 4), {"vendors_persuaded": 7})    # in: b (cell b1)
    _report(b, p["leader_b"], [p["b2"]], date(2026, 11, 4), {"vendors_persuaded": 11})   # out: b2
    _report(a, p["leader_a"], [p["a2"]], date(2026, 11, 20), {"vendors_persuaded": 3})   # in: a
    _report(None, bureau_user, [p["a1"]], date(2026, 11, 5), {"vendors_persuaded": 100}, source="supervision")
    # demolitions
    _demolish(bureau_user, p["a1"], date(2026, 11, 8), "120.5")  # in: a
    _demolish(bureau_user, p["b1"], date(2026, 11, 9), "80")     # in: b
    _demolish(bureau_user, p["b2"], date(2026, 11, 9), "50")     # out: b2
    _demolish(bureau_user, p["a2"], date(2026, 10, 30), "60")    # out: before
    return campaign


# (label, street 001, street 002, total), counted by hand from the fixture
HAND_COUNTS = [
    ("规范超店经营", 2, 1, 3),
    ("整治案件", 3, 1, 4),
    ("办结案件", 1, 1, 2),
    ("巡查", 2, 1, 3),
    ("劝导流动摊贩", 8, 7, 15),
    ("拆除违建", Decimal("120.5"), 80, Decimal("200.5")),
    ("拆除违建处数", 1, 1, 2),
]


def test_progress_equals_the_hand_counts_per_street_and_in_total(campaign, place):
    # when
    progress = campaign_progress(campaign)

    # then
    assert [s.code for s in progress["streets"]] == ["001", "002"]
    a, b = place["a"].pk, place["b"].pk
    got = [(r["target"].label, r["by_street"][a], r["by_street"][b], r["total"]) for r in progress["targets"]]
    assert got == HAND_COUNTS
    assert progress["targets"][5]["percent"] == Decimal("10.0")  # 200.5 of 2,000 m²


def test_a_campaign_over_the_whole_district_counts_every_street(place, bureau_user, campaign):
    whole = campaign_create(acting_user=bureau_user, name="全区", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 20),
                            categories=["09005"], targets=[TARGETS[0]])
    row = campaign_progress(whole)["targets"][0]
    assert row["by_street"] == {place["a"].pk: 2, place["b"].pk: 2} and row["total"] == 4


def test_the_api_gives_progress_per_street_and_in_total(campaign, place):
    # when
    response = client_for(place["leader_b"]).get(f"{URL}{campaign.pk}/progress/")

    # then
    assert response.status_code == 200, response.json()
    data = response.json()
    first = data["targets"][0]
    assert first["label"] == "规范超店经营" and first["target"] == "500.00" and first["total"] == "3"
    assert first["by_street"] == [{"street": {"code": "001", "name": "古南街道"}, "value": "2"},
                                  {"street": {"code": "002", "name": "永叔街道"}, "value": "1"}]


def test_campaign_access_matrix(campaign, place, anon_client, api_client_role, bureau_client):
    url = f"{URL}{campaign.pk}/"
    assert anon_client.get(url).status_code == 401
    assert api_client_role.get(url).status_code == 403
    assert client_for(place["officer_a1"]).get(url).status_code == 200
    assert client_for(place["leader_a"]).post(URL, {}, format="json").status_code == 403
    assert bureau_client.get(f"{URL}999999/").status_code == 404


def test_bureau_plans_a_campaign_over_the_api(place, bureau_client):
    response = bureau_client.post(URL, {
        "name": "创文百日攻坚", "starts_on": "2026-12-01", "ends_on": "2027-03-10", "streets": ["001", "002"],
        "categories": ["09005", "09006", "06001"], "units": "区城管局", "targets": TARGETS[:2]}, format="json")
    assert response.status_code == 201, response.json()
    assert [t["label"] for t in response.json()["targets"]] == ["规范超店经营", "整治案件"]
    assert Campaign.objects.get().streets.count() == 2


@pytest.mark.parametrize("change, field", [
    ({"ends_on": "2026-11-01"}, "ends_on"), ({"streets": ["999"]}, "streets"), ({"categories": ["99999"]}, "categories"),
    ({"targets": [{"label": "x", "indicator": "nonsense", "target": 1}]}, "targets"),
    ({"targets": [{"label": "x", "indicator": "patrol_count", "count_code": "nope", "target": 1}]}, "targets"),
    ({"targets": [{"label": "x", "indicator": "cases", "target": -3}]}, "targets"),
])
def test_bad_campaigns_are_400(place, bureau_client, change, field):
    body = {"name": "x", "starts_on": "2026-12-01", "ends_on": "2026-12-31", **change}
    response = bureau_client.post(URL, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Campaign.objects.exists()


def test_closing_report_page_and_xlsx(campaign, place):
    client = Client()
    client.force_login(place["leader_a"])
    page = client.get(f"/inspections/campaigns/{campaign.pk}/report/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "世兴庙超店经营百日攻坚" in body and "200.5" in body and "@page" in body

    response = client.get(f"/inspections/campaigns/{campaign.pk}/report/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["目标", "目标值", "单位"]
    assert rows[1][:2] == ["规范超店经营", 500]
    assert rows[1][-3:] == [2, 1, 3]  # street 001, street 002, total


def test_a_campaign_name_that_looks_like_a_formula_stays_text_in_the_xlsx(place, bureau_user):
    campaign = campaign_create(acting_user=bureau_user, name="=HYPERLINK(\"x\")", starts_on=date(2026, 11, 1),
                               ends_on=date(2026, 11, 2), targets=[{"label": "+cmd", "indicator": "cases", "target": 1}])
    client = Client()
    client.force_login(bureau_user)
    response = client.get(f"/inspections/campaigns/{campaign.pk}/report/?format=xlsx")
    book = load_workbook(BytesIO(response.content))
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith(("=", "+")) for v in values)
