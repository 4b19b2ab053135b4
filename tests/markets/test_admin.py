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
    for name in ["vendorzone", "vendor", "stallpermit", "vendorcaselink", "shop", "frontageagreement", "outdoorad"]:
        assert admin_client_.get(f"/admin/markets/{name}/").status_code == 200, name
        assert admin_client_.get(f"/admin/markets/{name}/?q=x").status_code == 200, name


def test_admin_adds_through_services(admin_client_, place, frozen_today):
    # when: a zone, a vendor, a permit and an agreement through the admin forms
    r = admin_client_.post("/admin/markets/vendorzone/add/", {
        "street": place["a"].pk, "kind": "night_snack", "name": "夜宵区", "road": "鹭洲西路", "area": "null",
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
        "shop": shop.pk, "signed_on": "2026-11-01", "signer_name": "王五", "signer_phone": "15012345678",
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    # then
    assert zone.complaint_phone_masked == "138****5678"
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
