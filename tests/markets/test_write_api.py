"""The write API for the people who do the work: leaders for their street, bureau staff for all; anonymous
401, a role that may never 403 (before scope and state), out of scope 404, bad input 400, wrong state 409;
Idempotency-Key on creates; every write audited."""
from datetime import date, timedelta

import pytest

from bureau.audit.models import AuditEntry
from markets import services
from markets.models import OutdoorAd, StallPermit, Vendor, VendorZone
from tests.conftest import client_for

from .conftest import TODAY

pytestmark = pytest.mark.django_db
PERMITS, ZONES, VENDORS = "/api/v1/stall-permits/", "/api/v1/vendor-zones/", "/api/v1/vendors/"
ADS, SHOPS = "/api/v1/outdoor-ads/", "/api/v1/shops/"

# (method, url template, body) per write route: the role × route table the matrix walks
ZONE_BODY = {"street": "001", "kind": "night_snack", "name": "新夜宵区", "slots": 2, "complaint_phone": "0796-8220000",
             "windows": [{"weekday": 5, "opens": "18:00", "closes": "02:00"}],
             "geometry": {"type": "LineString", "coordinates": [[115.0, 27.0], [115.01, 27.0]]}}
WRITE_ROUTES = {
    "vendor-register": ("post", VENDORS, {"name": "王五", "phone": "13800009999", "trades": ["snacks"]}),
    "permit-apply": ("post", PERMITS, None),
    "permit-review": ("post", PERMITS + "{permit}/review/", {}),
    "permit-reject": ("post", PERMITS + "{permit}/reject/", {"reason": "材料不全"}),
    "permit-approve": ("post", PERMITS + "{permit}/approve/", {}),
    "permit-revoke": ("post", PERMITS + "{permit}/revoke/", {"reason": "违规"}),
    "permit-renew": ("post", PERMITS + "{permit}/renew/", {}),
    "zone-create": ("post", ZONES, ZONE_BODY),
    "zone-update": ("patch", ZONES + "{zone}/", {"name": "改名"}),
    "ad-register": ("post", ADS, {"street": "001", "owner": "某店", "location": "路1号"}),
    "ad-status": ("post", ADS + "{ad}/status/", {"status": "hazard", "reason": "松动"}),
    "shop-register": ("post", SHOPS, {"street": "001", "name": "新店", "address": "路9号"}),
    "agreement-sign": ("post", SHOPS + "{shop}/agreements/", {"signed_on": "2026-11-20", "signer_name": "张三"}),
    "shop-update": ("patch", SHOPS + "{shop}/", {"licence_number": "92360802MA0001X"}),
    "ad-update": ("patch", ADS + "{ad}/", {"location": "新址"}),
    "ad-approval": ("post", ADS + "{ad}/approval/", {"approval_number": "吉A9", "approved_until": "2027-06-01"}),
    "ad-follow-up": ("post", ADS + "{ad}/removal-follow-up/", {"outcome": "complied", "note": "已拆除"}),
    "ad-target": ("post", "/api/v1/ad-ratios/", {"street": "001", "public_service_ratio": "0.2"}),
}
# who gets what, in street a's objects (leader b: out of scope)
EXPECTED = {
    #                   bureau leader_a leader_b officer api
    "vendor-register": (201, 201, 201, 403, 403),
    "permit-apply": (201, 201, 400, 403, 403),
    "permit-review": (200, 200, 404, 403, 403),
    "permit-reject": (200, 200, 404, 403, 403),
    "permit-approve": (409, 403, 403, 403, 403),   # an applied permit: the bureau may, not from this state
    "permit-revoke": (409, 403, 403, 403, 403),
    "permit-renew": (409, 403, 403, 403, 403),
    "zone-create": (201, 403, 403, 403, 403),
    "zone-update": (200, 403, 403, 403, 403),
    "ad-register": (201, 201, 400, 403, 403),
    "ad-status": (200, 200, 404, 403, 403),
    "shop-register": (201, 201, 400, 403, 403),
    "agreement-sign": (201, 201, 404, 403, 403),
    "shop-update": (200, 200, 404, 403, 403),
    "ad-update": (200, 200, 404, 403, 403),
    "ad-approval": (200, 200, 404, 403, 403),
    "ad-follow-up": (409, 409, 404, 403, 403),  # no removal order yet
    "ad-target": (200, 403, 403, 403, 403),  # the bureau's to set
}
ROLES = ("bureau", "leader_a", "leader_b", "officer_a1", "api")


@pytest.fixture
def objects(place, make_zone, make_vendor, bureau_user, frozen_today):
    zone = make_zone(street="a", slots=3)
    vendor = make_vendor()
    permit = services.stall_permit_apply(acting_user=place["leader_a"], vendor=vendor, slot=zone.slots.get(number="01"))
    ad = services.outdoor_ad_register(acting_user=bureau_user, owner="店", location="路", street=place["a"])
    shop = services.shop_register(acting_user=bureau_user, name="店", address="路1号", street=place["a"])
    return {"zone": zone, "vendor": vendor, "permit": permit, "ad": ad, "shop": shop,
            "apply": {"vendor": vendor.pk, "slot": zone.slots.get(number="02").pk}}


def _client(place, role, api_client_role, bureau_user):
    if role == "api":
        return api_client_role
    return client_for(bureau_user if role == "bureau" else place[role])


@pytest.mark.parametrize("route", sorted(WRITE_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_role_by_route(place, objects, api_client_role, bureau_user, route, role):
    method, url, body = WRITE_ROUTES[route]
    url = url.format(**{k: getattr(v, "pk", None) for k, v in objects.items()})
    body = objects["apply"] if body is None else body
    client = _client(place, role, api_client_role, bureau_user)
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == EXPECTED[route][ROLES.index(role)], response.content


@pytest.mark.parametrize("route", sorted(WRITE_ROUTES))
def test_anonymous_is_401(anon_client, objects, route):
    method, url, body = WRITE_ROUTES[route]
    url = url.format(**{k: getattr(v, "pk", None) for k, v in objects.items()})
    assert getattr(anon_client, method)(url, body or {}, format="json").status_code == 401


def test_the_whole_walk_over_the_api(place, objects, bureau_user):
    # given
    leader, bureau = client_for(place["leader_a"]), client_for(bureau_user)
    # when: the leader registers a vendor and applies for them, reviews; the bureau approves, renews, revokes
    vendor = leader.post(VENDORS, {"name": "赵六", "kind": "person", "phone": "13900001111"}, format="json").json()
    assert vendor["phone"] == "139****1111"
    permit = leader.post(PERMITS, {"vendor": vendor["id"], "slot": objects["zone"].slots.get(number="03").pk,
                                   "valid_from": "2026-11-26", "valid_to": "2027-11-25", "applicant": "vendor"},
                         format="json").json()
    assert permit["status"] == "applied" and permit["stall_number"] == "03"
    assert leader.post(f"{PERMITS}{permit['id']}/review/", {"note": "核实"}, format="json").json()["status"] == "reviewed"
    approved = bureau.post(f"{PERMITS}{permit['id']}/approve/", {}, format="json")
    assert approved.json()["status"] == "active"
    renewal = bureau.post(f"{PERMITS}{permit['id']}/renew/", {}, format="json").json()
    assert (renewal["status"], renewal["valid_from"], renewal["renewal_of"]) == ("scheduled", "2027-11-26",
                                                                                permit["id"])
    assert bureau.post(f"{PERMITS}{permit['id']}/renew/", {}, format="json").status_code == 409
    assert bureau.post(f"{PERMITS}{renewal['id']}/revoke/", {}, format="json").status_code == 400
    assert bureau.post(f"{PERMITS}{renewal['id']}/revoke/", {"reason": "转让摊位"},
                       format="json").json()["status"] == "revoked"
    # then: audited
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"vendor.register", "stall_permit.apply", "stall_permit.review", "stall_permit.approve",
            "stall_permit.renew", "stall_permit.revoke"} <= actions


def test_creates_honour_the_idempotency_key(place, objects, bureau_user):
    client = client_for(bureau_user)
    first = client.post(ZONES, ZONE_BODY, format="json", HTTP_IDEMPOTENCY_KEY="zone-1")
    again = client.post(ZONES, ZONE_BODY, format="json", HTTP_IDEMPOTENCY_KEY="zone-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert VendorZone.objects.filter(name="新夜宵区").count() == 1
    other = client.post(ZONES, {**ZONE_BODY, "name": "别的"}, format="json", HTTP_IDEMPOTENCY_KEY="zone-1")
    assert other.status_code == 422
    for url, body in ((VENDORS, {"name": "钱七", "phone": "13700001234"}),
                      (ADS, {"street": "001", "owner": "某", "location": "路2号"})):
        a = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{url}")
        b = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{url}")
        assert a.json() == b.json()
    assert Vendor.objects.filter(name="钱七").count() == 1
    assert OutdoorAd.objects.filter(location="路2号").count() == 1


def test_zone_create_validates(place, bureau_user):
    client = client_for(bureau_user)
    for bad in ({**ZONE_BODY, "street": "999"}, {**ZONE_BODY, "windows": [{"weekday": 9, "opens": "18:00",
                                                                           "closes": "02:00"}]},
                {**ZONE_BODY, "geometry": {"type": "Point", "coordinates": [1, 2]}},
                {**ZONE_BODY, "windows": [{"weekday": 1, "opens": "18:00", "closes": "18:00"}]},
                {**ZONE_BODY, "allowed_trades": ["guns"]}):
        response = client.post(ZONES, bad, format="json")
        assert response.status_code == 400, (bad, response.content)


def test_zone_update_changes_windows(place, objects, bureau_user):
    zone = objects["zone"]
    body = client_for(bureau_user).patch(f"{ZONES}{zone.pk}/", {"windows": [
        {"weekday": 6, "opens": "06:00", "closes": "09:00"}], "valid_to": "2026-12-31"}, format="json").json()
    assert body["windows"] == [{"weekday": 6, "opens": "06:00", "closes": "09:00"}]
    assert body["valid_to"] == "2026-12-31"


def test_removed_ad_is_final_over_the_api(place, objects, bureau_user):
    client, ad = client_for(bureau_user), objects["ad"]
    assert client.post(f"{ADS}{ad.pk}/status/", {"status": "removed", "reason": "强拆"}, format="json").status_code == 200
    assert client.post(f"{ADS}{ad.pk}/status/", {"status": "hazard"}, format="json").status_code == 409


def test_two_approvals_for_a_slot_second_is_409(place, objects, bureau_user, make_vendor):
    leader = place["leader_a"]
    slot = objects["zone"].slots.get(number="03")
    permits = [services.stall_permit_review(acting_user=leader, permit=services.stall_permit_apply(
        acting_user=leader, vendor=make_vendor(), slot=slot)) for _ in range(2)]
    client = client_for(bureau_user)
    assert client.post(f"{PERMITS}{permits[0].pk}/approve/", {}, format="json").status_code == 200
    assert client.post(f"{PERMITS}{permits[1].pk}/approve/", {}, format="json").status_code == 409
    assert StallPermit.objects.get(pk=permits[1].pk).status == "reviewed"
    assert (TODAY + timedelta(days=364)) == StallPermit.objects.get(pk=permits[0].pk).valid_to
    assert date(2026, 11, 26) == TODAY
