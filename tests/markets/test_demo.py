"""The demo: quick mode on streets 001-003, through the services, and a second run changes nothing."""
import pytest
from django.core.management import call_command

from markets.choices import ZoneKind
from markets.models import FrontageAgreement, OutdoorAd, Shop, StallPermit, Vendor, VendorCaseLink, VendorZone

pytestmark = pytest.mark.django_db

MODELS = [VendorZone, Vendor, StallPermit, VendorCaseLink, Shop, FrontageAgreement, OutdoorAd]


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_demo_quick_is_idempotent(bureau_user):
    # given
    from grids.demo import seed as grids_seed

    grids_seed(quick=True)
    from markets.demo import seed

    # when
    seed(quick=True)
    first = _counts()
    seed(quick=True)
    # then
    assert _counts() == first
    assert VendorZone.objects.filter(kind=ZoneKind.FIXED_STALL).count() == 2 * 3
    assert VendorZone.objects.filter(kind=ZoneKind.NIGHT_SNACK).count() == 3
    # 20 vendors, and two applicants in each of the three streets
    assert Vendor.objects.count() == 20 + 2 * 3
    # a leader has an application to review, the bureau one to approve, in each street
    assert StallPermit.objects.filter(status="applied").count() == 3
    assert StallPermit.objects.filter(status="reviewed").count() == 3
    assert OutdoorAd.objects.problem().exists()
    from django.utils import timezone

    from bureau import clock

    assert StallPermit.objects.due_for_renewal(timezone.localdate(clock.now())).exists()
    assert Shop.objects.count() > Shop.objects.covered().count() > 0
    # shops and ads as the registers show them: versions, letters, the flag, expiring ads, targets
    from markets.models import AdTarget, ShopCommitment

    assert FrontageAgreement.objects.filter(version=2).exists() and FrontageAgreement.objects.filter(kind="three").exists()
    assert ShopCommitment.objects.exists() and Shop.objects.exclude(licence_number="").exists()
    assert Shop.objects.flagged().count() == 1
    assert OutdoorAd.objects.filter(status="expiring").exists()
    assert OutdoorAd.objects.filter(kind="public_service").exists()
    assert AdTarget.objects.count() == 3
    # every demo ad stands at a point inside the district (the map's ads layer)
    from grids.geometry import locate

    assert not OutdoorAd.objects.filter(lat__isnull=True).exists()
    assert all(locate(lat, lng) is not None for lat, lng in OutdoorAd.objects.values_list("lat", "lng"))


def test_whole_seed_demo_quick_links_vendor_cases_and_reruns_unchanged():
    # given / when
    call_command("seed_demo", quick=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("seed_demo", quick=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    # then
    assert _counts() == first
    assert StallPermit.objects.filter(status="applied", zone__street__code="001").exists()
    if VendorCaseLink.objects.exists():
        assert Vendor.objects.repeat_offenders().filter(street_count__gte=2).exists()
