"""District approvals of temporary occupation (占道促销, events, night markets): issued by the bureau with an area
or a route, seen by the patrols of every street they touch, and a finding inside an approved occupation in its
hours recognised as such; a muck truck's plate, route and hours checked against the muck-transport approvals."""
from datetime import date, time

import pytest

from bureau import clock
from enforcement.models import Case
from inspections.models import OccupationApproval, PatrolFinding
from inspections.services.approvals import approval_check, occupation_approval_issue
from inspections.services.sites import muck_approval_issue
from tests.conftest import client_for
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import URL as PATROL_URL
from tests.inspections.patrol_support import at, report_body

place, frozen_now, leader_client = patrol_support.place, patrol_support.frozen_now, patrol_support.leader_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/occupation-approvals/"
D = 0.0003  # about 30 m


def _square(cell):
    lat, lng = centre_of(cell)
    return {"type": "Polygon", "coordinates": [[[lng - D, lat - D], [lng + D, lat - D], [lng + D, lat + D],
                                                [lng - D, lat + D], [lng - D, lat - D]]]}


def _line(*cells):
    return {"type": "LineString", "coordinates": [[centre_of(c)[1], centre_of(c)[0]] for c in cells]}


@pytest.fixture
def approvals(place, bureau_user):
    """A promotion in front of a mall in street 001 (09:00–21:00, 20–30 Nov) and a night market along a road
    from street 001 into street 002 (18:00–02:00, the whole of November)."""
    with clock.frozen(at(2026, 11, 18, 10)):
        promotion = occupation_approval_issue(
            acting_user=bureau_user, number="占审2026-101", kind="road_promotion", title="悦景商场门前促销",
            applicant="悦景商业管理公司", geometry=_square(place["a1"]), valid_from=date(2026, 11, 20),
            valid_to=date(2026, 11, 30), hours_from=time(9), hours_to=time(21), conditions="不得占用盲道")
        market = occupation_approval_issue(
            acting_user=bureau_user, number="占审2026-102", kind="night_market", title="鹭洲西路夜市",
            applicant="古南街道", geometry=_line(place["a1"], place["b1"]), valid_from=date(2026, 11, 1),
            valid_to=date(2026, 11, 30), hours_from=time(18), hours_to=time(2))
    return {"promotion": promotion, "market": market}


def test_every_street_an_approval_touches_sees_it(approvals, place, bureau_client):
    # then: the streets come from the area and the route
    assert [s.code for s in approvals["promotion"].streets.order_by("code")] == ["001"]
    assert [s.code for s in approvals["market"].streets.order_by("code")] == ["001", "002"]
    assert sorted(approvals["market"].categories.values_list("code", flat=True)) == ["09001", "09002", "09006", "09015"]
    # and: each leader sees those touching their street
    a = client_for(place["leader_a"]).get(URL).json()["results"]
    b = client_for(place["leader_b"]).get(URL).json()["results"]
    assert sorted(r["number"] for r in a) == ["占审2026-101", "占审2026-102"]
    assert [r["number"] for r in b] == ["占审2026-102"]
    assert client_for(place["leader_b"]).get(f"{URL}{approvals['promotion'].pk}/").status_code == 404
    assert [r["number"] for r in bureau_client.get(URL, {"street": "002"}).json()["results"]] == ["占审2026-102"]
    assert [r["number"] for r in bureau_client.get(URL, {"kind": "road_promotion"}).json()["results"]] == [
        "占审2026-101"]
    assert [r["number"] for r in bureau_client.get(URL, {"valid_on": "2026-11-05"}).json()["results"]] == [
        "占审2026-102"]


def test_a_place_inside_an_approved_occupation_in_its_hours_is_recognised(approvals, place):
    lat, lng = centre_of(place["a1"])
    # inside the area, in the hours, an occupation category: approved, until 21:00
    check = approval_check(lat=lat, lng=lng, moment=at(2026, 11, 24, 10, 30), category="09022")
    assert check.approved and check.occupation == approvals["promotion"]
    assert check.note == "已批准占道：悦景商场门前促销（占审2026-101），至 21:00"
    # after the hours, or a category the approval does not cover: not approved
    assert not approval_check(lat=lat, lng=lng, moment=at(2026, 11, 24, 21, 30), category="09022").approved
    assert not approval_check(lat=lat, lng=lng, moment=at(2026, 11, 24, 10, 30), category="06010").approved
    # outside the area: nothing
    far_lat, far_lng = centre_of(place["a2"])
    assert approval_check(lat=far_lat, lng=far_lng, moment=at(2026, 11, 24, 10, 30), category="09022").occupations == []
    # the night market along its route, after midnight: the evening's window, until 02:00
    night = approval_check(lat=lat, lng=lng, moment=at(2026, 11, 25, 1, 30), category="09002")
    assert night.approved and night.occupation == approvals["market"] and night.note.endswith("至 02:00")


def test_the_check_endpoint_says_approved_occupation_until(approvals, place, leader_client):
    lat, lng = centre_of(place["a1"])
    response = leader_client.get(f"{URL}check/", {"lat": lat, "lng": lng, "category": "09022",
                                                  "at": "2026-11-24T10:30:00+08:00"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["approved"] is True and body["muck"] is None
    assert body["message"] == "已批准占道：悦景商场门前促销（占审2026-101），至 21:00"
    assert [o["until"] for o in body["occupations"]] == ["21:00"]
    # another street's leader does not see the promotion
    other = client_for(place["leader_b"]).get(f"{URL}check/", {"lat": lat, "lng": lng, "category": "09022",
                                                               "at": "2026-11-24T10:30:00+08:00"})
    assert other.json()["approved"] is False
    assert leader_client.get(f"{URL}check/", {"lat": "x", "lng": lng}).status_code == 400


def test_a_patrol_finding_inside_an_approved_occupation_is_marked(approvals, place, leader_client):
    # given: two promotions found on the day patrol, one inside the approved area, one elsewhere
    a1, a2 = centre_of(place["a1"]), centre_of(place["a2"])
    findings = [
        {"category": "09022", "lat": a1[0], "lng": a1[1], "description": "商场门前促销",
         "found_at": "2026-11-24T10:30:00+08:00"},
        {"category": "09022", "lat": a2[0], "lng": a2[1], "description": "店外促销"},
    ]
    body = report_body(place, findings=findings, shift="day", started_at="2026-11-24T09:30:00+08:00",
                       ended_at="2026-11-24T11:30:00+08:00")

    # when
    with clock.frozen(at(2026, 11, 24, 12)):
        response = leader_client.post(PATROL_URL, body, format="json")

    # then: the first is marked as the approved occupation (on the finding and its case), the second is not
    assert response.status_code == 201, response.json()
    first, second = PatrolFinding.objects.order_by("seq")
    assert first.occupation_approval == approvals["promotion"]
    assert first.approval_note == "已批准占道：悦景商场门前促销（占审2026-101），至 21:00"
    assert "已批准占道" in Case.objects.get(pk=first.case_id).events.first().note
    assert second.occupation_approval is None and second.approval_note == ""
    assert response.json()["findings"][0]["approval_note"] == first.approval_note


def test_a_finding_time_outside_the_patrol_is_400(approvals, place, leader_client):
    a1 = centre_of(place["a1"])
    body = report_body(place, findings=[{"category": "09022", "lat": a1[0], "lng": a1[1], "description": "促销",
                                         "found_at": "2026-11-24T20:00:00+08:00"}])
    with clock.frozen(at(2026, 11, 24, 12)):
        response = leader_client.post(PATROL_URL, body, format="json")
    assert response.status_code == 400 and "findings" in response.json()
    assert not PatrolFinding.objects.exists()


@pytest.fixture
def muck(place, bureau_user):
    with clock.frozen(at(2026, 11, 1, 9)):
        return muck_approval_issue(
            acting_user=bureau_user, number="渣准2026-031", carrier="吉安顺达运输", vehicles="赣D12345、赣D23456",
            route=[list(centre_of(place["a1"])), list(centre_of(place["b1"]))], valid_from=date(2026, 11, 1),
            valid_to=date(2026, 11, 30), hours_from=time(22), hours_to=time(5))


def test_a_muck_truck_matching_plate_route_and_hours_is_recognised_else_flagged(muck, place):
    lat, lng = centre_of(place["a1"])
    ok = approval_check(lat=lat, lng=lng, moment=at(2026, 11, 24, 23), category="08011", plate="赣D 12345")
    assert ok.muck_approval == muck and ok.note == "渣土运输已核准：渣准2026-031 吉安顺达运输"
    day = approval_check(lat=lat, lng=lng, moment=at(2026, 11, 24, 10), category="08011", plate="赣D12345")
    assert day.muck_approval is None and day.muck_problems == ["不在核准 渣准2026-031 的运输时段（22:00–05:00）"]
    # some 220 m north of the route
    off = approval_check(lat=lat + 0.002, lng=lng, moment=at(2026, 11, 24, 23), category="08011", plate="赣D12345")
    assert off.muck_problems == ["不在核准 渣准2026-031 的路线上"]
    unknown = approval_check(lat=lat, lng=lng, moment=at(2026, 11, 24, 23), category="08011", plate="赣D99999")
    assert unknown.note == "渣土车无有效核准：号牌 赣D99999 不在有效的核准车辆中"
    no_plate = approval_check(lat=lat, lng=lng, moment=at(2026, 11, 24, 23), category="08011")
    assert no_plate.note == "渣土车无有效核准：未填写车辆号牌"


def test_a_muck_finding_on_patrol_is_checked_and_the_endpoint_flags(muck, place, leader_client):
    a1 = centre_of(place["a1"])
    body = report_body(place, shift="night", started_at="2026-11-23T22:30:00+08:00",
                       ended_at="2026-11-24T00:30:00+08:00", date="2026-11-23", findings=[
                           {"category": "08011", "lat": a1[0], "lng": a1[1], "description": "渣土车未密闭",
                            "plate": "赣D23456"}])
    with clock.frozen(at(2026, 11, 24, 8)):
        response = leader_client.post(PATROL_URL, body, format="json")
    assert response.status_code == 201, response.json()
    finding = PatrolFinding.objects.get()
    assert finding.muck_approval == muck and finding.plate == "赣D23456"
    flagged = leader_client.get(f"{URL}check/", {"lat": a1[0], "lng": a1[1], "category": "08011",
                                                 "plate": "赣D12345", "at": "2026-11-24T10:00:00+08:00"}).json()
    assert flagged["muck"] == {"recognised": False, "approval": None,
                               "problems": ["不在核准 渣准2026-031 的运输时段（22:00–05:00）"]}


def test_bureau_issues_over_the_api_and_bad_input_is_400(place, bureau_client, leader_client, frozen_now):
    body = {"number": "占审2026-200", "kind": "event", "title": "迎新年文艺演出", "applicant": "吉州区文化馆",
            "geometry": _square(place["b1"]), "valid_from": "2026-12-31", "valid_to": "2026-12-31",
            "hours_from": "19:00", "hours_to": "22:30", "conditions": "演出结束后一小时内清场"}
    assert leader_client.post(URL, body, format="json").status_code == 403
    response = bureau_client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert [s["code"] for s in response.json()["streets"]] == ["002"]
    assert response.json()["categories"] == ["09006", "09022"]
    for change, field in (({"geometry": {"type": "Point", "coordinates": [1, 2]}}, "geometry"),
                          ({"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 0], [0, 0]]]}},
                           "geometry"),
                          ({"geometry": {"type": "LineString", "coordinates": "x"}}, "geometry"),
                          ({"kind": "parade"}, "kind"), ({"valid_to": "2026-12-01"}, None),
                          ({"categories": ["99999"]}, "categories")):
        bad = bureau_client.post(URL, {**body, "number": "占审2026-201", **change}, format="json")
        assert bad.status_code == 400, (change, bad.json())
        if field:
            assert field in bad.json(), bad.json()
    assert OccupationApproval.objects.count() == 1


def test_access_matrix_and_query_counts(approvals, place, anon_client, api_client_role, bureau_client,
                                        django_assert_num_queries):
    assert anon_client.get(URL).status_code == 401
    assert api_client_role.get(URL).status_code == 403
    assert client_for(place["officer_a1"]).get(URL).status_code == 200
    with django_assert_num_queries(4):
        assert len(bureau_client.get(URL).json()["results"]) == 2


def test_the_approvals_page_and_xlsx_list_those_touching_the_users_street(approvals, muck, place):
    import io

    from django.test import Client
    from openpyxl import load_workbook

    client = Client()
    client.force_login(place["leader_b"])
    with clock.frozen(at(2026, 11, 24, 12)):
        body = client.get("/inspections/approvals/").content.decode()
        book = load_workbook(io.BytesIO(client.get("/inspections/approvals/", {"format": "xlsx"}).content))
    # street 002 sees the night market and the muck route, not street 001's promotion
    assert "鹭洲西路夜市" in body and "渣准2026-031" in body and "悦景商场门前促销" not in body
    rows = list(book["临时占道审批"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["占审2026-102"] and rows[1][7] == "18:00"
    assert [r[0] for r in list(book["渣土运输核准"].iter_rows(values_only=True))[1:]] == ["渣准2026-031"]
    # before the promotion's dates, street 001 sees it only among all
    client.force_login(place["leader_a"])
    with clock.frozen(at(2026, 11, 10, 12)):
        assert "悦景商场门前促销" not in client.get("/inspections/approvals/").content.decode()
        assert "悦景商场门前促销" in client.get("/inspections/approvals/", {"all": "1"}).content.decode()
