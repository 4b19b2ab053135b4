"""Construction sites: each filter parameter, pinned query counts, the pages and the admin."""
from datetime import date, time

import pytest
from django.test import Client

from bureau import clock
from inspections.models import ConstructionSite, DustCheckItem
from inspections.services import sites as site_services
from tests.conftest import client_for
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import NOW, at
from tests.inspections.sites_support import INSPECTIONS_URL, MUCK_URL, SITES_URL, checklist, make_site

place, frozen_now = patrol_support.place, patrol_support.frozen_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(place, bureau_user, frozen_now):
    out = {
        "a": make_site(bureau_user, place["a1"], name="甲工地"),
        "b": make_site(bureau_user, place["b1"], name="乙工地", agreement_signed_on=None),
        "done": make_site(bureau_user, place["a2"], name="丙工地", completed_on=date(2026, 6, 30)),
    }
    site_services.site_inspection_record(acting_user=bureau_user, site=out["a"], inspected_at=at(2026, 11, 2, 9),
                                         results=checklist()["results"])
    site_services.site_inspection_record(acting_user=bureau_user, site=out["b"], inspected_at=at(2026, 11, 20, 9),
                                         results=checklist()["results"])
    return out


def _names(response):
    assert response.status_code == 200, response.json()
    return sorted(r["name"] if "name" in r else r["site"]["name"] for r in response.json()["results"])


# ---------------------------------------------------------------------------------------------- filters


def test_site_filter_street(sites, bureau_client):
    assert _names(bureau_client.get(SITES_URL, {"street": "002"})) == ["乙工地"]


def test_site_filter_active_on(sites, bureau_client):
    assert _names(bureau_client.get(SITES_URL, {"active_on": "2026-11-01"})) == ["乙工地", "甲工地"]


def test_site_filter_agreement_signed(sites, bureau_client):
    assert _names(bureau_client.get(SITES_URL, {"agreement_signed": "false"})) == ["乙工地"]
    assert _names(bureau_client.get(SITES_URL, {"agreement_signed": "true"})) == ["丙工地", "甲工地"]


def test_inspection_filter_site(sites, bureau_client):
    assert _names(bureau_client.get(INSPECTIONS_URL, {"site": sites["a"].pk})) == ["甲工地"]


def test_inspection_filter_street(sites, bureau_client):
    assert _names(bureau_client.get(INSPECTIONS_URL, {"street": "002"})) == ["乙工地"]


def test_inspection_filter_date_after_and_before(sites, bureau_client):
    assert _names(bureau_client.get(INSPECTIONS_URL, {"date_after": "2026-11-10"})) == ["乙工地"]
    assert _names(bureau_client.get(INSPECTIONS_URL, {"date_before": "2026-11-10"})) == ["甲工地"]


def _approve(place, user, number, valid_from, cells=("a1", "b1")):
    return site_services.muck_approval_issue(
        acting_user=user, number=number, carrier="顺达", vehicles="赣D1",
        route=[list(centre_of(place[c])) for c in cells], valid_from=valid_from, valid_to=date(2026, 11, 30),
        hours_from=time(22), hours_to=time(5))


def test_muck_filter_valid_on_and_street(place, bureau_user, bureau_client, frozen_now):
    _approve(place, bureau_user, "渣准-1", date(2026, 11, 1))
    _approve(place, bureau_user, "渣准-2", date(2026, 11, 20), cells=("a1", "a2"))
    numbers = lambda r: sorted(x["number"] for x in r.json()["results"])  # noqa: E731
    assert numbers(bureau_client.get(MUCK_URL, {"valid_on": "2026-11-10"})) == ["渣准-1"]
    assert numbers(bureau_client.get(MUCK_URL, {"street": "002"})) == ["渣准-1"]
    assert numbers(bureau_client.get(MUCK_URL, {"street": "001"})) == ["渣准-1", "渣准-2"]


# ---------------------------------------------------------------------------------------------- query counts


def test_list_query_counts_are_the_same_for_one_and_many(place, bureau_user, bureau_client, frozen_now,
                                                         django_assert_num_queries):
    # given: one site with one failed inspection
    first = make_site(bureau_user, place["a1"])
    site_services.site_inspection_record(acting_user=bureau_user, site=first, inspected_at=NOW,
                                         results=checklist(failed=("video",))["results"])
    _approve(place, bureau_user, "渣准-1", date(2026, 11, 1))
    counts = {}
    for url in (SITES_URL, INSPECTIONS_URL, MUCK_URL):
        with django_assert_num_queries(counts.setdefault(url, _count(bureau_client, url))):
            bureau_client.get(url)

    # when: many more
    for n in range(6):
        site = make_site(bureau_user, place["a2"], name=f"工地{n}")
        site_services.site_inspection_record(acting_user=bureau_user, site=site, inspected_at=NOW,
                                             results=checklist(failed=("enclosure", "video"))["results"])
        _approve(place, bureau_user, f"渣准-x{n}", date(2026, 11, 1))

    # then
    for url in (SITES_URL, INSPECTIONS_URL, MUCK_URL):
        with django_assert_num_queries(counts[url]):
            assert bureau_client.get(url).status_code == 200
    assert counts == {SITES_URL: 2, INSPECTIONS_URL: 3, MUCK_URL: 3}


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


# ---------------------------------------------------------------------------------------------- pages


def test_pages_render_for_the_leader_and_scope_the_detail(sites, place):
    client = Client()
    client.force_login(place["leader_a"])
    with clock.frozen(NOW):
        listing = client.get("/inspections/sites/")
        form = client.get("/inspections/sites/inspect/")
        mine = client.get(f"/inspections/sites/{sites['a'].pk}/")
        theirs = client.get(f"/inspections/sites/{sites['b'].pk}/")
    assert listing.status_code == 200 and "甲工地" in listing.content.decode() and "乙工地" not in listing.content.decode()
    assert form.status_code == 200 and "围挡" in form.content.decode() and "甲工地" in form.content.decode()
    assert mine.status_code == 200 and theirs.status_code == 404


def test_officer_reads_the_file_but_has_no_inspection_form(sites, place):
    client = Client()
    client.force_login(place["officer_a1"])
    assert client.get("/inspections/sites/").status_code == 200
    assert client.get("/inspections/sites/inspect/").status_code == 403


def test_site_detail_lists_the_open_follow_up_with_its_case(place, bureau_user, frozen_now):
    site = make_site(bureau_user, place["a1"])
    inspection = site_services.site_inspection_record(acting_user=bureau_user, site=site, inspected_at=NOW,
                                                      results=checklist(failed=("enclosure",))["results"])
    case = inspection.results.get(result="failed").case
    client = Client()
    client.force_login(bureau_user)
    body = client.get(f"/inspections/sites/{site.pk}/").content.decode()
    assert case.number in body and "围挡" in body


def test_the_service_worker_caches_the_site_form(place):
    client = Client()
    client.force_login(place["leader_a"])
    body = client.get("/inspections/sw.js").content.decode()
    assert "/inspections/sites/inspect/" in body and "site-form.js" in body


def test_dashboard_tile_counts_sites_not_inspected_this_month(sites, place):
    from inspections.views.sites import site_tiles

    request = type("R", (), {"user": place["leader_a"]})()
    with clock.frozen(NOW):
        tiles = site_tiles(request)
    # street 001: 甲工地 inspected on 2 November; 丙工地 completed in June
    assert [(t["key"], t["value"]) for t in tiles] == [("sites-uninspected", 0)]
    request.user = place["leader_b"]
    with clock.frozen(NOW):
        assert site_tiles(request)[0]["value"] == 0
    request.user = place["officer_a1"]
    assert site_tiles(request) == []


# ---------------------------------------------------------------------------------------------- admin


def test_bureau_staff_edit_the_checklist_in_the_admin(admin_user):
    client = Client()
    client.force_login(admin_user)
    item = DustCheckItem.objects.get(code="video")
    response = client.post(f"/admin/inspections/dustcheckitem/{item.pk}/change/", {
        "code": "video", "name": "视频监控及扬尘监测", "standard": "安装视频监控和扬尘在线监测",
        "category": item.category_id, "rectify_days": 5, "legal_basis": "《大气污染防治法》第六十九条",
        "order": 45, "is_active": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "视频监控及扬尘监测" and item.order == 45 and item.rectify_days == 5


def test_a_site_registered_in_the_admin_goes_through_the_service(place, admin_user):
    client = Client()
    client.force_login(admin_user)
    lat, lng = centre_of(place["b2"])
    response = client.post("/admin/inspections/constructionsite/add/", {
        "name": "鹭洲工地", "developer": "甲", "contractor": "乙", "permit_number": "", "lat": lat, "lng": lng,
        "boundary": "null", "address": "", "starts_on": "2026-05-01", "ends_on": "", "completed_on": "",
        "responsible_persons": "", "agreement_signed_on": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    site = ConstructionSite.objects.get()
    assert site.street == place["b"] and site.grid == place["b2"] and site.registered_by == admin_user


def test_census_access_matrix(place, anon_client, api_client_role, frozen_now):
    assert anon_client.get("/api/v1/site-census/").status_code == 401
    assert api_client_role.get("/api/v1/site-census/").status_code == 403
    assert client_for(place["officer_a1"]).get("/api/v1/site-census/").status_code == 200
