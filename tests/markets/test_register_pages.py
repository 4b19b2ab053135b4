"""The register pages (zones, vendors, permits) with their filters and xlsx exports, the permit's lifecycle
actions as forms, the zone's sign and its public page, and the zones' GeoJSON layer. Vendors' phones and ID
numbers never leave a list or an export unmasked."""
import io
from datetime import time, timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from markets import services
from markets.choices import PermitStatus

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER = "13912345678", "360802199001011234"
SQUARE = {"type": "Polygon", "coordinates": [[[115.0, 27.0], [115.001, 27.0], [115.001, 27.001], [115.0, 27.001],
                                               [115.0, 27.0]]]}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _sheet_text(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    return [[("" if c is None else str(c)) for c in row] for row in ws.iter_rows(values_only=True)]


@pytest.fixture
def registers(place, make_zone, make_vendor, bureau_user, frozen_today):
    night = make_zone(street="a", name="鹭洲西路夜宵区", kind="night_snack", opens=time(18), closes=time(2),
                      complaint_phone="0796-8220000", responsible_person="王主任", geometry=SQUARE,
                      allowed_trades=["night_snack", "barbecue"], slots=3, road="鹭洲西路")
    other = make_zone(street="b", name="永叔早市", kind="morning_market", opens=time(6), closes=time(9), slots=2)
    vendor = services.vendor_register(acting_user=bureau_user, name="张三", phone=PHONE, id_number=ID_NUMBER)
    vendor_b = make_vendor(name="李四")
    slot = night.slots.get(number="01")
    pending = services.stall_permit_apply(acting_user=place["leader_a"], vendor=vendor, slot=slot)
    active_b = services.stall_permit_issue(acting_user=bureau_user, vendor=vendor_b, zone=other, stall_number="01",
                                           valid_from=TODAY - timedelta(days=300),
                                           valid_to=TODAY + timedelta(days=40))
    return {"night": night, "other": other, "vendor": vendor, "vendor_b": vendor_b, "pending": pending,
            "active_b": active_b, **place}


# ---------------------------------------------------------------------------------------------- lists, exports


@pytest.mark.parametrize("url", ["/markets/zones/", "/markets/vendors/", "/markets/permits/"])
def test_lists_mask_pii_and_leader_sees_own_street(registers, url):
    # when
    bureau_html = _client(registers["leader_a"]).get(url).content.decode()
    # then
    assert PHONE not in bureau_html and ID_NUMBER not in bureau_html
    assert "永叔早市" not in bureau_html and "李四" not in bureau_html


def test_vendor_list_shows_masks(registers, bureau_user):
    html = _client(bureau_user).get("/markets/vendors/").content.decode()
    assert "139****5678" in html and "360802********1234" in html
    assert PHONE not in html and ID_NUMBER not in html


@pytest.mark.parametrize("url,name", [("/markets/zones/", "鹭洲西路夜宵区"), ("/markets/vendors/", "张三"),
                                      ("/markets/permits/", "张三")])
def test_exports_open_with_openpyxl_and_mask_pii(registers, bureau_user, url, name):
    # when
    rows = _sheet_text(_client(bureau_user).get(url + "?format=xlsx"))
    # then
    flat = "\n".join("\t".join(r) for r in rows)
    assert name in flat
    assert PHONE not in flat and ID_NUMBER not in flat
    if url != "/markets/zones/":
        assert "139****5678" in flat


def test_export_follows_filters_and_scope(registers, bureau_user):
    rows = _sheet_text(_client(bureau_user).get("/markets/permits/?status=applied&format=xlsx"))
    assert len(rows) == 2 and rows[1][4] == "张三"
    rows = _sheet_text(_client(registers["leader_b"]).get("/markets/permits/?format=xlsx"))
    assert [r[4] for r in rows[1:]] == ["李四"]
    rows = _sheet_text(_client(bureau_user).get("/markets/zones/?street=002&format=xlsx"))
    assert [r[1] for r in rows[1:]] == ["永叔早市"]


def test_export_cells_are_text_not_formulas(registers, bureau_user):
    services.vendor_register(acting_user=bureau_user, name="=HYPERLINK(\"x\")", phone="13700000000")
    services.stall_permit_apply(acting_user=bureau_user, vendor=services.vendor_register(
        acting_user=bureau_user, name="=1+1", phone="13700000001"), slot=registers["night"].slots.get(number="02"))
    rows = _sheet_text(_client(bureau_user).get("/markets/vendors/?format=xlsx"))
    names = [r[1] for r in rows[1:]]
    assert "'=1+1" in names


def test_bad_filter_is_a_message_not_a_500(registers, bureau_user):
    response = _client(bureau_user).get("/markets/zones/?open_at=not-a-time")
    assert response.status_code == 200
    response = _client(bureau_user).get("/markets/permits/?status=nonsense")
    assert response.status_code == 200


PAGE_QUERIES = {"/markets/zones/": 9, "/markets/permits/": 9, "/markets/vendors/": 8}


def test_list_query_counts_do_not_grow_with_rows(registers, bureau_user, make_zone, make_vendor,
                                                 django_assert_num_queries):
    # given: session, user, messages and the page's own reads; the same for a few rows and for many
    client = _client(bureau_user)
    for url in PAGE_QUERIES:
        client.get(url)
    for url, n in PAGE_QUERIES.items():
        with django_assert_num_queries(n):
            assert client.get(url).status_code == 200
    # when
    for n in range(30):
        zone = make_zone(street="a", name=f"加测{n}", slots=1)
        services.stall_permit_apply(acting_user=bureau_user, vendor=make_vendor(), slot=zone.slots.get())
    # then
    for url, n in PAGE_QUERIES.items():
        with django_assert_num_queries(n):
            assert client.get(url).status_code == 200


def test_officer_reads_other_roles_refused(registers, api_user, auditor_user):
    assert _client(registers["officer_a1"]).get("/markets/zones/").status_code == 200
    assert _client(api_user).get("/markets/zones/").status_code == 403
    assert _client(auditor_user).get("/markets/permits/?format=xlsx").status_code == 403


# ---------------------------------------------------------------------------------------------- details


def test_out_of_scope_detail_is_404(registers):
    client = _client(registers["leader_a"])
    assert client.get(f"/markets/zones/{registers['other'].pk}/").status_code == 404
    assert client.get(f"/markets/permits/{registers['active_b'].pk}/").status_code == 404
    assert client.get(f"/markets/vendors/{registers['vendor_b'].pk}/").status_code == 404
    assert client.get(f"/markets/zones/{registers['night'].pk}/").status_code == 200
    assert client.get(f"/markets/vendors/{registers['vendor'].pk}/").status_code == 200


def test_vendor_detail_masks_and_links_party(registers, bureau_user):
    html = _client(bureau_user).get(f"/markets/vendors/{registers['vendor'].pk}/").content.decode()
    assert PHONE not in html and ID_NUMBER not in html and "139****5678" in html
    assert f"/cases/parties/{registers['vendor'].party_id}/" in html


# ---------------------------------------------------------------------------------------------- lifecycle forms


def test_leader_reviews_then_bureau_approves_on_the_page(registers, bureau_user):
    permit = registers["pending"]
    leader = _client(registers["leader_a"])
    # given: a leader sees review and reject, not approve
    html = leader.get(f"/markets/permits/{permit.pk}/").content.decode()
    assert 'id="do-review"' in html and 'id="do-reject"' in html and 'id="do-approve"' not in html
    # when the leader reviews with the five rules ticked
    response = leader.post(f"/markets/permits/{permit.pk}/act/", {
        "action": "review", "review-note": "材料齐全",
        "review-checklist": ["location", "signage", "hygiene", "property", "hours"]})
    # then
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.status == PermitStatus.REVIEWED and all(permit.checklist.values())
    # a leader may not approve: 403
    assert leader.post(f"/markets/permits/{permit.pk}/act/", {"action": "approve"}).status_code == 403
    # when bureau approves
    response = _client(bureau_user).post(f"/markets/permits/{permit.pk}/act/", {
        "action": "approve", "approve-checklist": ["location", "signage", "hygiene", "property", "hours"]})
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE
    assert [e.action for e in permit.events.order_by("at", "pk")] == ["apply", "review", "approve"]


def test_approve_without_the_five_rules_is_a_form_error(registers, bureau_user):
    permit = services.stall_permit_review(acting_user=bureau_user, permit=registers["pending"])
    response = _client(bureau_user).post(f"/markets/permits/{permit.pk}/act/", {
        "action": "approve", "approve-checklist": ["location"]})
    assert response.status_code == 400
    assert "五统一" in response.content.decode()
    permit.refresh_from_db()
    assert permit.status == PermitStatus.REVIEWED


def test_revoke_needs_a_reason_and_renew_leaves_no_gap(registers, bureau_user):
    permit = registers["active_b"]
    client = _client(bureau_user)
    assert client.post(f"/markets/permits/{permit.pk}/act/", {"action": "revoke", "revoke-note": " "}).status_code == 400
    # renew
    response = client.post(f"/markets/permits/{permit.pk}/act/", {"action": "renew"})
    assert response.status_code == 302
    renewal = permit.renewed_by
    assert renewal.valid_from == permit.valid_to + timedelta(days=1)
    assert response["Location"] == f"/markets/permits/{renewal.pk}/"
    # renewing twice: a message, not a 500
    response = client.post(f"/markets/permits/{permit.pk}/act/", {"action": "renew"}, follow=True)
    assert response.status_code == 200 and "已续期" in response.content.decode()
    # revoke with a reason
    response = client.post(f"/markets/permits/{permit.pk}/act/", {"action": "revoke", "revoke-note": "占道超范围"})
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.status == PermitStatus.REVOKED and permit.revoke_reason == "占道超范围"


def test_unknown_action_and_officer_post(registers):
    permit = registers["pending"]
    client = _client(registers["leader_a"])
    assert client.post(f"/markets/permits/{permit.pk}/act/", {"action": "explode"}).status_code == 302
    assert _client(registers["officer_a1"]).post(f"/markets/permits/{permit.pk}/act/",
                                                 {"action": "review"}).status_code == 403


# ---------------------------------------------------------------------------------------------- sign, public page


def test_sign_has_public_facts_rules_and_qr(registers, bureau_user):
    zone = registers["night"]
    html = _client(bureau_user).get(f"/markets/zones/{zone.pk}/sign/").content.decode()
    assert "鹭洲西路夜宵区" in html and "0796-8220000" in html and "王主任" in html
    assert "统一经营地点" in html and "统一经营时间" in html
    assert "18:00–次日02:00" in html and "每天" in html
    assert "<svg" in html and f"/markets/public/zones/{zone.pk}/" in html


def test_public_page_needs_no_login_and_shows_no_pii(registers):
    zone = registers["night"]
    response = Client().get(f"/markets/public/zones/{zone.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "鹭洲西路夜宵区" in html and "0796-8220000" in html and "统一卫生标准" in html
    assert "张三" not in html and PHONE not in html and "139****5678" not in html


def test_public_page_unknown_zone_is_404():
    assert Client().get("/markets/public/zones/999999/").status_code == 404


# ---------------------------------------------------------------------------------------------- map layer


def test_zones_geojson_is_scoped(registers, bureau_user):
    from tests.conftest import client_for

    body = client_for(bureau_user).get("/api/v1/vendor-zones/geojson/").json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in body["features"]] == ["鹭洲西路夜宵区"]  # the other has no area
    assert body["features"][0]["geometry"] == SQUARE
    body = client_for(registers["leader_b"]).get("/api/v1/vendor-zones/geojson/").json()
    assert body["features"] == []


def test_zones_geojson_query_count(registers, bureau_user, make_zone, django_assert_num_queries):
    from tests.conftest import client_for

    client = client_for(bureau_user)
    client.get("/api/v1/vendor-zones/geojson/")
    with django_assert_num_queries(2):
        client.get("/api/v1/vendor-zones/geojson/")
    for n in range(5):
        make_zone(street="a", name=f"面{n}", geometry=SQUARE)
    with django_assert_num_queries(2):
        assert len(client.get("/api/v1/vendor-zones/geojson/").json()["features"]) == 6


def test_night_zone_open_at_night(registers, bureau_user):
    from bureau import clock

    with clock.frozen(at(2026, 11, 27, 1, 30)):
        html = _client(bureau_user).get(f"/markets/public/zones/{registers['night'].pk}/").content.decode()
    assert "营业中" in html


def test_zone_list_marks_the_night_zone_open_past_midnight(registers, bureau_user):
    from bureau import clock

    with clock.frozen(at(2026, 11, 27, 1, 30)):
        html = _client(bureau_user).get("/markets/zones/?street=001").content.decode()
    assert "鹭洲西路夜宵区" in html and "营业中" in html
    with clock.frozen(at(2026, 11, 27, 12, 0)):
        html = _client(bureau_user).get("/markets/zones/?street=001").content.decode()
    assert "营业中" not in html


def test_fixed_stall_review_and_approve_keep_no_checklist(registers, bureau_user, make_vendor):
    zone = registers["other"]
    permit = services.stall_permit_apply(acting_user=bureau_user, vendor=make_vendor(), slot=zone.slots.get(number="02"))
    client = _client(bureau_user)
    assert client.post(f"/markets/permits/{permit.pk}/act/", {"action": "review"}).status_code == 302
    assert client.post(f"/markets/permits/{permit.pk}/act/", {"action": "approve"}).status_code == 302
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE and permit.checklist == {}


def test_a_role_that_may_never_approve_gets_403_even_out_of_scope(registers):
    # leader a may never approve: 403 comes before the 404 of street b's permit
    response = _client(registers["leader_a"]).post(f"/markets/permits/{registers['active_b'].pk}/act/",
                                                   {"action": "approve"})
    assert response.status_code == 403
    response = _client(registers["leader_a"]).post(f"/markets/permits/{registers['active_b'].pk}/act/",
                                                   {"action": "reject", "reject-note": "x"})
    assert response.status_code == 404


def test_dashboard_tile_counts_the_applications_waiting_for_the_users_step(registers, bureau_user):
    from django.test import RequestFactory

    from markets.dashboard import market_tiles

    def tile(user):
        request = RequestFactory().get("/")
        request.user = user
        return {t["key"]: t for t in market_tiles(request)}["markets-permits-pending"]

    assert tile(registers["leader_a"])["value"] == 1 and tile(registers["leader_b"])["value"] == 0
    assert tile(bureau_user)["value"] == 0
    services.stall_permit_review(acting_user=registers["leader_a"], permit=registers["pending"])
    assert tile(registers["leader_a"])["value"] == 0
    assert tile(bureau_user)["value"] == 1 and tile(bureau_user)["url"] == "/markets/permits/?status=reviewed"


def test_vendor_filters(registers, bureau_user, make_case):
    client = _client(bureau_user)
    services.vendor_link_case(acting_user=None, vendor=registers["vendor"], case=make_case(cell="b1"))

    def names(query):
        rows = _sheet_text(client.get("/markets/vendors/?format=xlsx&" + query))
        return sorted(r[1] for r in rows[1:])

    # street 002: 李四 holds a permit there, 张三 was caught there
    assert names("street=002") == ["张三", "李四"]
    assert names("street=001") == ["张三"]
    assert names("q=李") == ["李四"]
    assert names("kind=business") == []


@pytest.mark.parametrize("url", ["/markets/zones/", "/markets/vendors/", "/markets/permits/"])
def test_nul_and_junk_in_filters_is_never_a_500(registers, bureau_user, url):
    client = _client(bureau_user)
    for query in ("street=%00", "street=0%0001", "q=%00", "kind=%00x", "status=%00", "due_for_renewal=maybe",
                  "open_at=2026-13-45T99:99", "page=-1", "page=%00", "format=xlsx&street=%00"):
        assert client.get(f"{url}?{query}").status_code == 200, query
