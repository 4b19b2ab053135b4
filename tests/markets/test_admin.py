"""Admin writes go through the services: plain numbers become mask + hash, permits and agreements audited."""
from datetime import date

import pytest
from django.test import Client

from bureau.audit.models import AuditEntry
from markets.models import FrontageAgreement, StallPermit, Vendor, VendorZone

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_admin_lists_render(admin_client_, place, make_permit):
    make_permit()
    for name in ["vendorzone", "vendor", "stallpermit", "vendorcaselink", "shop", "frontageagreement", "outdoorad",
                 "shopcommitment", "adtarget"]:
        assert admin_client_.get(f"/admin/markets/{name}/").status_code == 200, name
        assert admin_client_.get(f"/admin/markets/{name}/?q=x").status_code == 200, name


def test_admin_adds_through_services(admin_client_, place, frozen_today):
    # when: a zone, a vendor, a permit and an agreement through the admin forms
    r = admin_client_.post("/admin/markets/vendorzone/add/", {
        "street": place["a"].pk, "kind": "night_snack", "name": "夜宵区", "road": "鹭洲西路", "geometry": "null",
        "half_width_m": "10", "allowed_trades": '["snacks"]',
        "opens_at": "18:00", "closes_at": "02:00", "trades": "小吃", "responsible_person": "张三",
        "complaint_phone": "13812345678", "capacity": "5", "is_active": "on",
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    zone = VendorZone.objects.get()
    r = admin_client_.post("/admin/markets/vendor/add/", {"name": "李四", "phone": "13987654321",
                                                         "id_number": "360802199001011234"})
    assert r.status_code == 302
    vendor = Vendor.objects.get()
    r = admin_client_.post("/admin/markets/stallpermit/add/", {
        "vendor": vendor.pk, "zone": zone.pk, "stall_number": "01", "valid_from": "2026-11-26", "valid_to": "2027-11-25",
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    from markets.services import shop_register

    shop = shop_register(acting_user=None, name="店", address="路1号", street=place["a"])
    r = admin_client_.post("/admin/markets/frontageagreement/add/", {
        "shop": shop.pk, "kind": "five", "signed_on": "2026-11-01", "signer_name": "王五", "signer_phone": "15012345678",
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    # then
    # the complaint phone is printed on the zone's public sign: kept as given
    assert zone.complaint_phone == "13812345678"
    assert zone.windows.count() == 7 and all(w.crosses_midnight for w in zone.windows.all())
    assert vendor.phone_masked == "139****4321" and vendor.id_number_masked == "360802********1234"
    assert StallPermit.objects.get().valid_to == date(2027, 11, 25)
    assert FrontageAgreement.objects.get().signer_phone_masked == "150****5678"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"vendor_zone.create", "vendor.register", "stall_permit.issue", "frontage_agreement.sign"} <= actions


def test_admin_revoke_action(admin_client_, make_permit):
    permit = make_permit()
    r = admin_client_.post("/admin/markets/stallpermit/", {"action": "revoke", "_selected_action": [permit.pk]})
    assert r.status_code == 302
    permit.refresh_from_db()
    assert permit.status == "revoked"


def test_admin_refuses_leaders(place):
    client = Client()
    client.force_login(place["leader_a"])
    assert client.get("/admin/markets/stallpermit/").status_code in (302, 403)


# --- edits go through the services ---

def _form(obj, **changes):
    """The admin change form's POST body for `obj`, with `changes` on top."""
    from django.forms.models import model_to_dict

    data = {k: ("" if v is None else v) for k, v in model_to_dict(obj).items()}
    data.update(changes)
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def test_a_zone_edit_goes_through_the_service(admin_client_, make_zone):
    # given
    zone = make_zone()
    data = _form(zone, name="新名称", complaint_phone="13912345678")
    data["geometry"], data["allowed_trades"] = "null", "[]"

    # when
    r = admin_client_.post(f"/admin/markets/vendorzone/{zone.pk}/change/", data)

    # then: saved (the complaint phone is public: kept as given), and the service's audit row naming what changed
    assert r.status_code == 302, r.content.decode()[:2000]
    zone.refresh_from_db()
    assert (zone.name, zone.complaint_phone) == ("新名称", "13912345678")
    entry = AuditEntry.objects.get(action="vendor_zone.change", object_id=str(zone.pk))
    assert sorted(entry.detail["fields"]) == ["complaint_phone", "name"]


def test_a_shop_edit_is_checked_by_the_service(admin_client_, place, bureau_user):
    # given: a shop of street a
    from markets.models import Shop
    from markets.services import shop_register

    shop = shop_register(acting_user=bureau_user, name="店", address="路1号", street=place["a"])

    # when: an edit puts it in a cell of street b
    r = admin_client_.post(f"/admin/markets/shop/{shop.pk}/change/", _form(shop, grid=place["b1"].pk), follow=True)

    # then: refused on the page (the service's rule), nothing saved or audited
    assert r.status_code == 200
    assert "单元网格不在该街道内" in r.content.decode()
    assert Shop.objects.get(pk=shop.pk).grid is None
    assert not AuditEntry.objects.filter(action="shop.change").exists()

    # when: a valid edit
    r = admin_client_.post(f"/admin/markets/shop/{shop.pk}/change/", _form(shop, grid=place["a1"].pk, name="新店"))

    # then: saved and audited by the service
    assert r.status_code == 302
    assert Shop.objects.get(pk=shop.pk).name == "新店"
    entry = AuditEntry.objects.get(action="shop.change", object_id=str(shop.pk))
    assert sorted(entry.detail["fields"]) == ["grid", "name"]


def test_the_ad_admin_never_edits_status_and_a_removed_ad_is_read_only(admin_client_, place, bureau_user):
    # given: an ad without approval
    from markets.choices import AdStatus
    from markets.models import OutdoorAd
    from markets.services import outdoor_ad_register

    ad = outdoor_ad_register(acting_user=bureau_user, owner="某店", location="路1号", street=place["a"])
    data = _form(ad, status=AdStatus.APPROVED, location="路2号")
    for key in ("registered_at", "removal_order", "approved_from", "approved_until", "area_m2"):
        data.pop(key, None)

    # when: a change form that also posts a status
    r = admin_client_.post(f"/admin/markets/outdoorad/{ad.pk}/change/", data)

    # then: the location changed through the service, the posted status was not a field
    assert r.status_code == 302, r.content.decode()[:3000]
    ad.refresh_from_db()
    assert (ad.location, ad.status) == ("路2号", AdStatus.NO_APPROVAL)
    assert AuditEntry.objects.get(action="outdoor_ad.change", object_id=str(ad.pk)).detail["fields"] == ["location"]

    # when: the removal action, then the hazard action on the removed ad, then its change form
    admin_client_.post("/admin/markets/outdoorad/", {"action": "mark_removed", "_selected_action": [ad.pk]})
    admin_client_.post("/admin/markets/outdoorad/", {"action": "mark_hazard", "_selected_action": [ad.pk]})
    r = admin_client_.post(f"/admin/markets/outdoorad/{ad.pk}/change/", {**data, "location": "路3号"})

    # then: removed stays removed, and the form saves nothing
    ad.refresh_from_db()
    assert (ad.status, ad.location) == (AdStatus.REMOVED, "路2号")
    assert r.status_code == 403 or "路3号" not in OutdoorAd.objects.values_list("location", flat=True)


def test_the_update_services_refuse_fields_they_do_not_edit(place, bureau_user):
    from django.core.exceptions import ValidationError

    from markets.services import shop_register, shop_update

    shop = shop_register(acting_user=bureau_user, name="店", address="路1号", street=place["a"])
    with pytest.raises(ValidationError):
        shop_update(acting_user=bureau_user, shop=shop, id=99)


def test_commitment_letters_and_ad_targets_go_through_the_services(admin_client_, place, bureau_user):
    import io
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from markets.models import AdTarget, ShopCommitment
    from markets.services import shop_register

    # given
    shop = shop_register(acting_user=bureau_user, name="店", address="路1号", street=place["a"])
    png = io.BytesIO()
    Image.new("RGB", (30, 40), "white").save(png, format="PNG")
    # when: a letter with its scan, and a target
    r = admin_client_.post("/admin/markets/shopcommitment/add/", {
        "shop": shop.pk, "signed_on": "2026-11-01", "signer_name": "王五",
        "scan": SimpleUploadedFile("scan.png", png.getvalue(), content_type="image/png")})
    assert r.status_code == 302, r.content.decode()[:2000]
    r = admin_client_.post("/admin/markets/adtarget/add/", {"street": place["a"].pk, "public_service_ratio": "0.25"})
    assert r.status_code == 302, r.content.decode()[:2000]
    # then: recorded by the services, audited; a letter is not edited afterwards
    letter = ShopCommitment.objects.get()
    assert len(letter.scan_sha256) == 64 and AdTarget.objects.get().public_service_ratio == Decimal("0.25")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"shop_commitment.record", "ad_target.set"} <= actions
    assert admin_client_.post(f"/admin/markets/shopcommitment/{letter.pk}/change/", {
        "shop": shop.pk, "signed_on": "2026-11-02", "signer_name": "改"}).status_code == 403
