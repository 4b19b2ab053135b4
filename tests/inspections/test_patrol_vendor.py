"""A patrol finding against a registered vendor: the case is against the vendor's party, and the vendor's trail
of cases gains it, so a vendor chased from street to street is found as a repeat offender without manual
linking. The patrol form offers the street-commerce check for findings of 09001 / 09002 / 09006."""
import pytest
from django.test import Client

from enforcement.models import Case
from inspections.models import PatrolReport
from markets.models import Vendor, VendorCaseLink
from markets.services import vendor_register
from tests.conftest import client_for
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import URL, report_body

place, frozen_now, leader_client = patrol_support.place, patrol_support.frozen_now, patrol_support.leader_client

pytestmark = pytest.mark.django_db


def _finding(place, cell, vendor=None, category="09001"):
    lat, lng = centre_of(place[cell])
    finding = {"category": category, "lat": lat, "lng": lng, "description": "流动摊贩占道", "handled_on_spot": False}
    if vendor is not None:
        finding["vendor"] = vendor
    return finding


def test_finding_against_a_vendor_names_the_vendors_party_across_streets(place, frozen_now, bureau_user):
    # given: a vendor registered in street a
    vendor = vendor_register(acting_user=bureau_user, name="游击摊贩", phone="13911112222")
    # when: street a's leader and then street b's leader each file a finding against them
    for side, cell in (("a", "a1"), ("b", "b1")):
        body = report_body(place, cells=(cell,), findings=[_finding(place, cell, vendor.pk)])
        response = client_for(place[f"leader_{side}"]).post(URL, body, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["findings"][0]["case"]["party"] == vendor.party_id
    # then: both cases are against the vendor's party, and the vendor's trail holds both
    cases = Case.objects.order_by("pk")
    assert [c.party_id for c in cases] == [vendor.party_id, vendor.party_id]
    assert {c.street.code for c in cases} == {"001", "002"}
    assert set(VendorCaseLink.objects.filter(vendor=vendor).values_list("case_id", flat=True)) == {c.pk for c in cases}
    assert list(Vendor.objects.repeat_offenders().values_list("pk", flat=True)) == [vendor.pk]


def test_finding_without_a_vendor_names_no_party(place, leader_client, frozen_now):
    response = leader_client.post(URL, report_body(place, findings=[_finding(place, "a1")]), format="json")
    assert response.status_code == 201
    assert Case.objects.get().party_id is None and not VendorCaseLink.objects.exists()


@pytest.mark.parametrize("vendor", [999999, 0, "x", True])
def test_unknown_or_bad_vendor_is_400_and_stores_nothing(place, leader_client, frozen_now, vendor):
    response = leader_client.post(URL, report_body(place, findings=[_finding(place, "a1", vendor)]), format="json")
    assert response.status_code == 400
    assert "findings" in response.json() or "vendor" in str(response.json())
    assert not PatrolReport.objects.exists() and not Case.objects.exists()


def test_vendor_without_a_party_gets_one(place, leader_client, frozen_now, bureau_user):
    vendor = vendor_register(acting_user=bureau_user, name="老摊贩", phone="13911113333")
    Vendor.objects.filter(pk=vendor.pk).update(party=None)
    response = leader_client.post(URL, report_body(place, findings=[_finding(place, "a1", vendor.pk)]), format="json")
    assert response.status_code == 201
    vendor.refresh_from_db()
    assert vendor.party_id is not None and Case.objects.get().party_id == vendor.party_id


def test_patrol_form_carries_the_zone_check(place):
    client = Client()
    client.force_login(place["leader_a"])
    html = client.get("/inspections/patrol/new/").content.decode()
    assert 'id="fd-zone-check"' in html and 'id="fd-vendor"' in html
    assert "/api/v1/vendor-zones/check/" in html and "09006" in html
