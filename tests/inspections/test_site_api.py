"""Construction sites over REST: the file, the checklist, inspections (failures become cases with their
deadline on the work calendar; sent twice, filed once), the follow-up, the census, muck approvals."""
from datetime import date, time

import pytest

from bureau import clock
from enforcement.models import Case, Party, RectificationOrder
from inspections.models import ConstructionSite, SiteInspection, SiteInspectionItem
from inspections.services import sites as site_services
from tests.conftest import client_for, make_user
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import NOW, at
from tests.inspections.sites_support import (
    CENSUS_URL,
    INSPECTIONS_URL,
    MUCK_URL,
    SITES_URL,
    checklist,
    make_site,
)

place, frozen_now, leader_client = patrol_support.place, patrol_support.frozen_now, patrol_support.leader_client

pytestmark = pytest.mark.django_db


def _site_body(place, cell="a1", **extra):
    lat, lng = centre_of(place[cell])
    return {"name": "江南凤凰城", "developer": "凤凰地产", "contractor": "中建三局", "permit_number": "3608022026-07",
            "lat": lat, "lng": lng, "starts_on": "2026-04-01", "ends_on": "2027-06-30",
            "responsible_persons": "项目经理 李四；安全员 王五", "agreement_signed_on": "2026-04-02", **extra}


# ---------------------------------------------------------------------------------------------- the file


def test_leader_registers_a_site_in_their_street_street_and_cell_from_the_point(place, leader_client, frozen_now):
    # when
    response = leader_client.post(SITES_URL, _site_body(place), format="json")

    # then
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["street"] == {"code": "001", "name": "古南街道"}
    assert data["grid"] == {"code": place["a1"].code}
    assert data["agreement_signed"] is True and data["agreement_signed_on"] == "2026-04-02"
    assert ConstructionSite.objects.get().registered_by == place["leader_a"]


def test_site_with_a_polygon_boundary_and_a_bad_one(place, leader_client, frozen_now):
    from tests.factories import square

    good = leader_client.post(SITES_URL, _site_body(place, boundary=square(0, 0)), format="json")
    bad = leader_client.post(SITES_URL, _site_body(place, boundary={"type": "Point", "coordinates": [1, 2]}),
                             format="json")
    assert good.status_code == 201 and good.json()["boundary"]["type"] == "Polygon"
    assert bad.status_code == 400 and "boundary" in bad.json()


def test_leader_cannot_register_a_site_in_another_street(place, leader_client, frozen_now):
    response = leader_client.post(SITES_URL, _site_body(place, cell="b1"), format="json")
    assert response.status_code == 400 and "lat" in response.json()
    assert not ConstructionSite.objects.exists()


def test_site_ending_before_it_starts_is_400(place, leader_client, frozen_now):
    response = leader_client.post(SITES_URL, _site_body(place, ends_on="2026-01-01"), format="json")
    assert response.status_code == 400 and "ends_on" in response.json()


def test_site_access_matrix(place, anon_client, api_client_role, bureau_user, frozen_now):
    # given: a site in street 001, cell a1
    site = make_site(bureau_user, place["a1"])
    url = f"{SITES_URL}{site.pk}/"

    # then: anonymous 401, API client 403, the other street's leader 404, officer of a1 and leader 200
    assert anon_client.get(url).status_code == 401
    assert api_client_role.get(url).status_code == 403
    assert client_for(place["leader_b"]).get(url).status_code == 404
    assert client_for(place["officer_a1"]).get(url).status_code == 200
    assert client_for(place["leader_a"]).get(url).status_code == 200
    # a grid officer reads but never writes
    assert client_for(place["officer_a1"]).post(SITES_URL, _site_body(place), format="json").status_code == 403


def test_leader_corrects_a_site_moving_it_re_derives_its_cell(place, leader_client, bureau_user, frozen_now):
    site = make_site(bureau_user, place["a1"])
    lat, lng = centre_of(place["a2"])
    response = leader_client.patch(f"{SITES_URL}{site.pk}/", {"lat": lat, "lng": lng, "completed_on": "2026-11-20"},
                                   format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["grid"] == {"code": place["a2"].code}
    assert response.json()["completed_on"] == "2026-11-20"


def test_checklist_lists_the_six_items_in_order(place, leader_client):
    response = leader_client.get("/api/v1/dust-check-items/")
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names == ["围挡", "出入口硬化", "冲洗平台", "视频监控", "渣土车密闭", "裸土覆盖"]


# ---------------------------------------------------------------------------------------------- inspections


def test_all_items_passed_makes_no_case(place, leader_client, bureau_user, frozen_now):
    site = make_site(bureau_user, place["a1"])
    response = leader_client.post(INSPECTIONS_URL, checklist(site=site), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["failed_count"] == 0
    assert len(response.json()["results"]) == 6
    assert Case.objects.count() == 0


def test_failed_items_become_orders_to_the_contractor_due_across_the_national_day_holiday(
        place, leader_client, bureau_user):
    # given: the afternoon before the National Day holiday (2026-10-01..07 off; 2026-10-10, a Saturday, worked)
    site = make_site(bureau_user, place["a1"])
    body = checklist(failed=("enclosure", "sealed-trucks", "hardened-entrance"), when="2026-09-30T15:30:00+08:00",
                     site=site)

    # when: the inspection reaches the server at 16:00
    with clock.frozen(at(2026, 9, 30, 16, 0)):
        response = leader_client.post(INSPECTIONS_URL, body, format="json")

    # then: one case per failure, from the brigade's patrol, at the site, with the site photo, against the contractor
    assert response.status_code == 201, response.json()
    failed = {r["item"]["code"]: r for r in response.json()["results"] if r["result"] == "failed"}
    assert set(failed) == {"enclosure", "sealed-trucks", "hardened-entrance"}
    cases = {c.category.code: c for c in Case.objects.select_related("category", "party")}
    assert set(cases) == {"08007", "08011", "08008"}
    assert {c.source for c in cases.values()} == {"patrol"}
    assert all(c.grid == place["a1"] and c.events.first().photos.count() == 1 for c in cases.values())
    site.refresh_from_db()
    assert site.contractor_party.name == "江西建工" and site.contractor_party.kind == "organisation"
    assert {c.party_id for c in cases.values()} == {site.contractor_party_id}
    # and: one rectification order per failure, issued from its case to the contractor, the item's standard listed
    orders = {o.case.category.code: o for o in RectificationOrder.objects.select_related("case__category")}
    assert set(orders) == {"08007", "08011", "08008"}
    assert all(o.party_id == site.contractor_party_id and o.case == cases[code] for code, o in orders.items())
    assert orders["08007"].items == ["围挡：施工现场连续设置硬质围挡，无缺口、无破损"]
    assert "大气污染防治法" in orders["08007"].legal_basis
    assert failed["enclosure"]["order"]["number"] == orders["08007"].number
    # sealed trucks: 1 working day after the day of issue: 1-7 Oct are the holiday, so the close of 8 Oct
    assert failed["sealed-trucks"]["rectify_by"] == "2026-10-08T18:00:00+08:00"
    assert failed["sealed-trucks"]["order"]["deadline"] == "2026-10-08T18:00:00+08:00"
    # enclosure: 2 working days: 8 and 9 Oct
    assert failed["enclosure"]["rectify_by"] == "2026-10-09T18:00:00+08:00"
    # hardened entrance: 3 working days: 8, 9 Oct and Saturday 10 Oct, a 调休 workday
    assert failed["hardened-entrance"]["rectify_by"] == "2026-10-10T18:00:00+08:00"


def test_a_second_failure_at_the_site_names_the_same_contractor_party(place, leader_client, bureau_user, frozen_now):
    site = make_site(bureau_user, place["a1"])
    first = leader_client.post(INSPECTIONS_URL, checklist(failed=("video",), site=site), format="json")
    second = leader_client.post(INSPECTIONS_URL, checklist(failed=("covered-soil",), site=site,
                                                           when="2026-11-24T11:00:00+08:00"), format="json")
    assert first.status_code == second.status_code == 201
    assert RectificationOrder.objects.count() == 2
    assert Party.objects.count() == 1
    assert set(RectificationOrder.objects.values_list("party", flat=True)) == {Party.objects.get().pk}


def test_the_order_is_in_the_leaders_orders_queue_only(place, leader_client, bureau_user, frozen_now):
    from django.test import Client

    # given: a failed enclosure at a site of street a
    site = make_site(bureau_user, place["a1"])
    leader_client.post(INSPECTIONS_URL, checklist(failed=("enclosure",), site=site), format="json")
    order = RectificationOrder.objects.get()

    # then: the workbench's orders queue (awaiting follow-up) shows it to street a's leader, not to b's
    pages = {}
    for key in ("leader_a", "leader_b"):
        browser = Client()
        browser.force_login(place[key])
        pages[key] = browser.get("/cases/orders/").content.decode()
    assert order.number in pages["leader_a"]
    assert order.number not in pages["leader_b"]


def test_bureau_inspection_failures_are_supervision_cases(place, bureau_client, bureau_user, frozen_now):
    site = make_site(bureau_user, place["b1"])
    response = bureau_client.post(INSPECTIONS_URL, checklist(failed=("covered-soil",), site=site), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "supervision"
    case = Case.objects.get()
    assert case.source == "supervision" and case.category.code == "08004" and case.street == place["b"]


def test_a_failure_goes_through_site_finding_escalate(place, leader_client, bureau_user, frozen_now, monkeypatch):
    # The one switch point for rectification orders: the inspection asks it, whatever it makes.
    site = make_site(bureau_user, place["a1"])
    calls = []
    real = site_services.site_finding_escalate

    def spy(**kwargs):
        calls.append(kwargs["item"].code)
        return real(**kwargs)

    monkeypatch.setattr(site_services, "site_finding_escalate", spy)
    response = leader_client.post(INSPECTIONS_URL, checklist(failed=("video",), site=site), format="json")
    assert response.status_code == 201
    assert calls == ["video"]


@pytest.mark.parametrize("change, field", [
    ("no_photo", "results"), ("missing_item", "results"), ("unknown_item", "results"), ("future", "inspected_at"),
    ("before_start", "inspected_at"), ("bad_result", "results"),
])
def test_bad_inspections_are_400_and_store_nothing(place, leader_client, bureau_user, frozen_now, change, field):
    # given
    site = make_site(bureau_user, place["a1"])
    body = checklist(failed=("enclosure",), site=site, photos=change != "no_photo")
    if change == "missing_item":
        body["results"] = body["results"][1:]
    elif change == "unknown_item":
        body["results"].append({"item": "nonsense", "result": "passed"})
    elif change == "future":
        body["inspected_at"] = "2026-11-25T10:00:00+08:00"
    elif change == "before_start":
        body["inspected_at"] = "2026-02-01T10:00:00+08:00"
    elif change == "bad_result":
        body["results"][0]["result"] = "maybe"

    # when
    response = leader_client.post(INSPECTIONS_URL, body, format="json")

    # then
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not SiteInspection.objects.exists() and not Case.objects.exists()


def test_leader_cannot_inspect_another_streets_site(place, leader_client, bureau_user, frozen_now):
    site = make_site(bureau_user, place["b1"])
    response = leader_client.post(INSPECTIONS_URL, checklist(site=site), format="json")
    assert response.status_code == 400 and "site" in response.json()


def test_inspection_access_matrix(place, anon_client, api_client_role, bureau_user, frozen_now):
    site = make_site(bureau_user, place["a1"])
    inspection = site_services.site_inspection_record(acting_user=bureau_user, site=site, inspected_at=NOW,
                                                      results=checklist()["results"])
    url = f"{INSPECTIONS_URL}{inspection.pk}/"
    assert anon_client.get(url).status_code == 401
    assert api_client_role.get(url).status_code == 403
    assert client_for(place["leader_b"]).get(url).status_code == 404
    assert client_for(place["leader_a"]).get(url).status_code == 200
    assert client_for(place["officer_a1"]).post(INSPECTIONS_URL, checklist(site=site), format="json").status_code == 403


def test_an_inspection_sent_twice_with_one_key_is_filed_once(place, leader_client, bureau_user, frozen_now):
    # given: the phone's outbox resends what it queued offline, with the key it generated once
    site = make_site(bureau_user, place["a1"])
    body = checklist(failed=("wash-platform",), site=site)

    # when
    first = leader_client.post(INSPECTIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY="site-k-1")
    again = leader_client.post(INSPECTIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY="site-k-1")

    # then
    assert first.status_code == again.status_code == 201
    assert first.content == again.content and again["Idempotent-Replayed"] == "true"
    assert SiteInspection.objects.count() == 1 and Case.objects.count() == 1


def test_a_later_inspection_that_finds_the_item_met_closes_the_follow_up(place, leader_client, bureau_user):
    # given: the enclosure failed on Monday
    site = make_site(bureau_user, place["a1"])
    with clock.frozen(at(2026, 11, 23, 11, 0)):
        leader_client.post(INSPECTIONS_URL, checklist(failed=("enclosure",), when="2026-11-23T10:00:00+08:00",
                                                      site=site), format="json")
    failure = SiteInspectionItem.objects.get(result="failed")
    assert failure.resolved_by is None

    # when: Tuesday's visit finds it fixed
    with clock.frozen(NOW):
        response = leader_client.post(INSPECTIONS_URL, checklist(site=site), format="json")

    # then
    failure.refresh_from_db()
    assert failure.resolved_by_id == response.json()["id"]
    assert not SiteInspectionItem.objects.awaiting_follow_up().exists()
    # and: the order from Monday's failure is followed up as complied by the leader
    failure.order.refresh_from_db()
    assert failure.order.status == "complied" and failure.order.followed_up_by == place["leader_a"]


# ---------------------------------------------------------------------------------------------- census


@pytest.fixture
def census_sites(place, bureau_user):
    """Street 001: one site inspected in November, one not, one completed in October, one starting in
    December; street 002: one not inspected."""
    sites = {
        "inspected": make_site(bureau_user, place["a1"], name="三中教学工地"),
        "missed": make_site(bureau_user, place["a2"], name="青春家园"),
        "completed": make_site(bureau_user, place["a2"], name="印象城", completed_on=date(2026, 10, 20)),
        "later": make_site(bureau_user, place["a1"], name="润阳环湖湾", starts_on=date(2026, 12, 1)),
        "other": make_site(bureau_user, place["b1"], name="永叔花园"),
    }
    site_services.site_inspection_record(acting_user=bureau_user, site=sites["inspected"], inspected_at=at(2026, 11, 5, 9),
                                         results=checklist()["results"])
    # an October inspection does not count for November
    site_services.site_inspection_record(acting_user=bureau_user, site=sites["missed"], inspected_at=at(2026, 10, 28, 9),
                                         results=checklist()["results"])
    return sites


def test_census_names_the_sites_not_inspected_this_month(place, census_sites, frozen_now, bureau_client):
    # when
    response = bureau_client.get(CENSUS_URL, {"month": "2026-11"})

    # then
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["total"] == 3
    assert [r["site"]["name"] for r in data["inspected"]] == ["三中教学工地"]
    assert sorted(r["site"]["name"] for r in data["uninspected"]) == ["永叔花园", "青春家园"]
    assert data["inspected"][0]["last_inspected_on"] == "2026-11-05"


def test_census_of_a_street_and_its_scope(place, census_sites, frozen_now, leader_client):
    mine = leader_client.get(CENSUS_URL, {"month": "2026-11"})
    assert [r["site"]["name"] for r in mine.json()["uninspected"]] == ["青春家园"]
    assert leader_client.get(CENSUS_URL, {"month": "2026-11", "street": "002"}).status_code == 404
    assert leader_client.get(CENSUS_URL, {"month": "2026-13"}).status_code == 400
    assert leader_client.get(CENSUS_URL, {"month": "十一月"}).status_code == 400


def test_census_page_lists_the_uninspected(place, census_sites, frozen_now, client):
    client.force_login(place["leader_a"])
    response = client.get("/inspections/sites/census/?month=2026-11")
    assert response.status_code == 200
    body = response.content.decode()
    assert "青春家园" in body and "永叔花园" not in body


# ---------------------------------------------------------------------------------------------- muck transport


def _route(place):
    return [list(centre_of(place["a1"])), list(centre_of(place["b1"]))]


def test_bureau_approves_muck_transport_and_every_street_on_the_route_sees_it(place, bureau_client, frozen_now):
    # when: a night route from street 001 to street 002
    response = bureau_client.post(MUCK_URL, {
        "number": "渣准2026-031", "carrier": "吉安顺达运输", "vehicles": "赣D12345、赣D23456", "route": _route(place),
        "valid_from": "2026-11-01", "valid_to": "2026-11-30", "hours_from": "22:00", "hours_to": "05:00",
        "conditions": "密闭运输，车轮冲洗后上路"}, format="json")

    # then
    assert response.status_code == 201, response.json()
    assert [s["code"] for s in response.json()["streets"]] == ["001", "002"]
    approval_id = response.json()["id"]
    for leader in ("leader_a", "leader_b"):
        assert client_for(place[leader]).get(f"{MUCK_URL}{approval_id}/").status_code == 200
    assert client_for(place["leader_a"]).post(MUCK_URL, {}, format="json").status_code == 403


def test_muck_approval_hours_cross_midnight(place, bureau_user, frozen_now):
    approval = site_services.muck_approval_issue(
        acting_user=bureau_user, number="渣准-1", carrier="顺达", vehicles="赣D1", route=_route(place),
        valid_from=date(2026, 11, 1), valid_to=date(2026, 11, 30), hours_from=time(22), hours_to=time(5))
    assert approval.allows(at(2026, 11, 10, 23, 0))
    assert approval.allows(at(2026, 12, 1, 1, 30))  # the night of 30 November
    assert not approval.allows(at(2026, 11, 10, 12, 0))
    assert not approval.allows(at(2026, 12, 1, 23, 0))


def test_muck_route_outside_the_district_is_400(place, bureau_client, frozen_now):
    response = bureau_client.post(MUCK_URL, {
        "number": "渣准-2", "carrier": "顺达", "vehicles": "赣D1", "route": [[1, 1], [1.001, 1.001]],
        "valid_from": "2026-11-01", "valid_to": "2026-11-30", "hours_from": "22:00", "hours_to": "05:00"},
        format="json")
    assert response.status_code == 400 and "route" in response.json()


def test_grid_officer_reads_a_site_and_no_user_can_make_a_site_from_the_api_client(place, api_user, frozen_now):
    # the service refuses a role outside the audience, whatever the caller
    with pytest.raises(site_services.SiteForbidden):
        make_site(api_user, place["a1"])
    with pytest.raises(site_services.SiteForbidden):
        make_site(make_user("t-officer-2", "officer"), place["a1"])
