"""Services and reads of street commerce: validation, hours across midnight, renewal, repeat offenders,
masking, coverage, problem ads."""
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from bureau.audit.models import AuditEntry
from markets import services
from markets.choices import AdKind, AdStatus, PermitStatus
from markets.models import FrontageAgreement, OutdoorAd, StallPermit, Vendor, VendorZone
from markets.querysets import frontage_coverage

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db


# --- vendor zones ---

def test_zone_with_equal_open_and_close_is_invalid(make_zone):
    # given / when / then
    with pytest.raises(ValidationError) as err:
        make_zone(opens=time(18), closes=time(18))
    assert "windows" in err.value.message_dict
    assert not VendorZone.objects.exists()


def test_zone_create_is_audited_and_keeps_the_public_phone(make_zone):
    # when
    zone = make_zone(complaint_phone="13812345678")
    # then: the complaint phone is printed on the zone's public sign, so it is not personal data
    assert zone.complaint_phone == "13812345678"
    assert AuditEntry.objects.filter(action="vendor_zone.create", object_id=str(zone.pk)).exists()


@pytest.mark.parametrize(("moment", "expected"), [
    (at(2026, 11, 26, 17, 59), False),
    (at(2026, 11, 26, 18, 0), True),
    (at(2026, 11, 26, 23, 59), True),
    (at(2026, 11, 27, 0, 0), True),
    (at(2026, 11, 27, 1, 59), True),
    (at(2026, 11, 27, 2, 0), False),
    (at(2026, 11, 27, 12, 0), False),
])
def test_night_snack_hours_cross_midnight(make_zone, moment, expected):
    # given
    zone = make_zone(kind="night_snack", opens=time(18), closes=time(2))
    # when / then: the instance method and the database filter agree
    assert all(w.crosses_midnight for w in zone.windows.all())
    assert zone.is_open_at(moment) is expected
    assert VendorZone.objects.open_at(moment).filter(pk=zone.pk).exists() is expected


@pytest.mark.parametrize(("moment", "expected"), [
    (at(2026, 11, 26, 6, 59), False), (at(2026, 11, 26, 7, 0), True), (at(2026, 11, 26, 20, 59), True),
    (at(2026, 11, 26, 21, 0), False), (at(2026, 11, 26, 23, 30), False),
])
def test_day_zone_hours(make_zone, moment, expected):
    zone = make_zone(opens=time(7), closes=time(21))
    assert zone.is_open_at(moment) is expected
    assert VendorZone.objects.open_at(moment).filter(pk=zone.pk).exists() is expected


def test_open_at_uses_local_time_for_a_utc_moment(make_zone):
    # given: 11:00 UTC is 19:00 in Shanghai
    from datetime import UTC, datetime

    zone = make_zone(kind="night_snack", opens=time(18), closes=time(2))
    moment = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
    # then
    assert zone.is_open_at(moment)
    assert VendorZone.objects.open_at(moment).filter(pk=zone.pk).exists()


# --- vendors and PII ---

def test_vendor_register_stores_only_mask_and_hash(make_vendor):
    # when
    vendor = make_vendor(phone="138 1234 5678", id_number="360802199001011234")
    # then
    row = str(Vendor.objects.filter(pk=vendor.pk).values().get())
    assert vendor.phone_masked == "138****5678"
    assert vendor.id_number_masked == "360802********1234"
    assert "13812345678" not in row and "360802199001011234" not in row
    assert len(vendor.phone_hash) == 64 and len(vendor.id_number_hash) == 64


def test_vendor_register_finds_the_same_person_again(make_vendor):
    # given
    first = make_vendor(name="王建国", phone="13812345678")
    # when: the same phone again, now with an ID number
    again = make_vendor(name="王建国", phone="138-1234-5678", id_number="360802199001011234")
    # then
    assert again.pk == first.pk
    assert Vendor.objects.count() == 1
    assert Vendor.objects.get().id_number_masked == "360802********1234"


# --- permits ---

def test_permit_valid_to_must_follow_valid_from(make_permit):
    with pytest.raises(ValidationError) as err:
        make_permit(valid_from=date(2027, 1, 1), valid_to=date(2027, 1, 1))
    assert "valid_to" in err.value.message_dict


def test_permit_defaults_to_a_year(make_zone, make_vendor, bureau_user, frozen_today):
    permit = services.stall_permit_issue(acting_user=bureau_user, vendor=make_vendor(), zone=make_zone(),
                                         stall_number="01")
    assert permit.valid_from == TODAY
    assert permit.valid_to == TODAY + timedelta(days=364)


def test_one_active_permit_per_stall(make_zone, make_permit):
    zone = make_zone()
    make_permit(zone=zone)
    with pytest.raises(ValidationError) as err:
        services.stall_permit_issue(acting_user=None, vendor=Vendor.objects.get(), zone=zone,
                                    stall_number="01", valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31))
    assert "stall_number" in err.value.message_dict


def test_zone_capacity_is_enforced(make_zone, make_permit):
    zone = make_zone(capacity=1)
    make_permit(zone=zone)
    with pytest.raises(ValidationError) as err:
        make_permit(zone=zone)
    assert "zone" in err.value.message_dict


def test_revoke_then_revoke_again_is_a_conflict(make_permit, bureau_user):
    permit = make_permit()
    services.stall_permit_revoke(acting_user=bureau_user, permit=permit, reason="违规经营")
    permit.refresh_from_db()
    assert permit.status == PermitStatus.REVOKED and permit.revoked_at is not None
    with pytest.raises(services.PermitStateConflict):
        services.stall_permit_revoke(acting_user=bureau_user, permit=permit, reason="再次")


def test_revoke_needs_a_reason(make_permit, bureau_user):
    with pytest.raises(ValidationError):
        services.stall_permit_revoke(acting_user=bureau_user, permit=make_permit(), reason="  ")


def test_renewal_window(make_permit):
    # given: permits ending yesterday, today, in 30, in 60, in 61 days; one revoked inside the window
    ends = {d: make_permit(valid_to=TODAY + timedelta(days=d)) for d in (-1, 0, 30, 60, 61)}
    revoked = make_permit(valid_to=TODAY + timedelta(days=20))
    services.stall_permit_revoke(acting_user=None, permit=revoked, reason="违规")
    # when
    due = set(StallPermit.objects.due_for_renewal(TODAY).values_list("pk", flat=True))
    # then
    assert due == {ends[0].pk, ends[30].pk, ends[60].pk}


def test_renew_starts_the_day_after_and_keeps_the_old_to_its_end(make_permit, bureau_user, frozen_today):
    old = make_permit(valid_to=TODAY + timedelta(days=40))
    new = services.stall_permit_renew(acting_user=bureau_user, permit=old)
    old.refresh_from_db()
    # the old permit is valid to its last day; the renewal waits for the day after
    assert old.status == PermitStatus.ACTIVE
    assert new.status == PermitStatus.SCHEDULED and new.renewal_of_id == old.pk
    assert new.valid_from == TODAY + timedelta(days=41) and new.stall_number == old.stall_number


def test_expire_lapsed_is_idempotent(make_permit):
    lapsed = make_permit(valid_to=TODAY - timedelta(days=3))
    assert services.stall_permit_expire_lapsed(today=TODAY) == 1
    assert services.stall_permit_expire_lapsed(today=TODAY) == 0
    lapsed.refresh_from_db()
    assert lapsed.status == PermitStatus.EXPIRED


# --- repeat offenders ---

def test_repeat_offenders_across_streets(make_vendor, make_case, bureau_user):
    # given: one vendor caught in street a and street b, one caught once, one caught twice in street a
    mover, once, stayer = make_vendor(), make_vendor(), make_vendor()
    services.vendor_link_case(acting_user=bureau_user, vendor=mover, case=make_case(cell="a1"))
    services.vendor_link_case(acting_user=bureau_user, vendor=mover, case=make_case(cell="b1"))
    services.vendor_link_case(acting_user=bureau_user, vendor=once, case=make_case(cell="a2"))
    services.vendor_link_case(acting_user=bureau_user, vendor=stayer, case=make_case(cell="a1"))
    services.vendor_link_case(acting_user=bureau_user, vendor=stayer, case=make_case(cell="a2"))
    # when
    default = {v.pk: (v.street_count, v.case_count) for v in Vendor.objects.repeat_offenders()}
    strict = {v.pk for v in Vendor.objects.repeat_offenders(min_cases=3)}
    # then: two streets always count; two cases in one street count at min_cases=2
    assert default == {mover.pk: (2, 2), stayer.pk: (1, 2)}
    assert list(default)[0] == mover.pk
    assert strict == {mover.pk}


def test_repeat_offenders_since(make_vendor, make_case, bureau_user):
    vendor = make_vendor()
    services.vendor_link_case(acting_user=bureau_user, vendor=vendor, case=make_case(when=at(2026, 1, 5, 10)))
    services.vendor_link_case(acting_user=bureau_user, vendor=vendor, case=make_case(cell="b1"))
    assert Vendor.objects.repeat_offenders().count() == 1
    assert Vendor.objects.repeat_offenders(since=at(2026, 6, 1)).count() == 0


def test_link_case_twice_returns_the_same_link(make_vendor, make_case, bureau_user):
    vendor, case = make_vendor(), make_case()
    first = services.vendor_link_case(acting_user=bureau_user, vendor=vendor, case=case)
    again = services.vendor_link_case(acting_user=bureau_user, vendor=vendor, case=case)
    assert first.pk == again.pk


# --- frontage agreements ---

def test_frontage_coverage_per_street(place, bureau_user, frozen_today):
    # given: street a with 3 shops, 2 signed (one twice); street b with 1 unsigned; one closed shop signed
    shops = [services.shop_register(acting_user=bureau_user, name=f"店{i}", address=f"路{i}号", street=place["a"])
             for i in range(3)]
    services.frontage_agreement_sign(acting_user=bureau_user, shop=shops[0], signed_on=date(2026, 3, 1),
                                     signer_name="张三", signer_phone="13912345678")
    services.frontage_agreement_sign(acting_user=bureau_user, shop=shops[0], signed_on=date(2026, 9, 1),
                                     signer_name="张三")
    services.frontage_agreement_sign(acting_user=bureau_user, shop=shops[1], signed_on=date(2026, 3, 1),
                                     signer_name="李四")
    services.shop_register(acting_user=bureau_user, name="店b", address="b路1号", street=place["b"])
    closed = services.shop_register(acting_user=bureau_user, name="关店", address="路9号", street=place["a"])
    services.frontage_agreement_sign(acting_user=bureau_user, shop=closed, signed_on=date(2026, 3, 1),
                                     signer_name="王五")
    closed.is_active = False
    closed.save()
    # when
    from grids.models import Street

    rows = {s.code: (s.covered_count, s.shop_count) for s in frontage_coverage(Street.objects.all())}
    # then
    assert rows == {"001": (2, 3), "002": (0, 1)}
    # the re-signed agreement is version 2; version 1 stays as history
    assert list(FrontageAgreement.objects.filter(shop=shops[0]).values_list("version", "signed_on")) == [
        (2, date(2026, 9, 1)), (1, date(2026, 3, 1))]
    assert FrontageAgreement.objects.filter(shop=shops[0]).current().get().version == 2
    assert FrontageAgreement.objects.filter(signer_phone_masked="139****5678").exists()


def test_agreement_cannot_be_signed_in_the_future(place, bureau_user, frozen_today):
    shop = services.shop_register(acting_user=bureau_user, name="店", address="路1号", street=place["a"])
    with pytest.raises(ValidationError):
        services.frontage_agreement_sign(acting_user=bureau_user, shop=shop, signed_on=TODAY + timedelta(days=1),
                                         signer_name="张三")


def test_shop_grid_must_be_in_its_street(place, bureau_user):
    with pytest.raises(ValidationError):
        services.shop_register(acting_user=bureau_user, name="店", address="路1号", street=place["a"],
                               grid=place["b1"])


# --- outdoor ads ---

def test_problem_ads(place, bureau_user, frozen_today):
    # given
    def ad(**kw):
        return services.outdoor_ad_register(acting_user=bureau_user, owner="某店", location="路1号",
                                            street=place["a"], **kw)

    ok = ad(approval_number="A1", approved_until=TODAY + timedelta(days=1))
    sign_ok = ad(kind=AdKind.SHOP_SIGN, approval_number="A2", approved_until=TODAY)
    unapproved = ad()
    expired = ad(approval_number="A3", approved_until=TODAY - timedelta(days=1))
    hazard = ad(approval_number="A4", approved_until=TODAY + timedelta(days=100), hazard=True)
    removed = services.outdoor_ad_set_status(acting_user=bureau_user, ad=ad(), status=AdStatus.REMOVED)
    # when
    problem = set(OutdoorAd.objects.problem().values_list("pk", flat=True))
    # then
    assert problem == {unapproved.pk, expired.pk, hazard.pk}
    assert not {ok.pk, sign_ok.pk, removed.pk} & problem


def test_ad_expiry_needs_an_approval_number(place, bureau_user):
    with pytest.raises(ValidationError) as err:
        services.outdoor_ad_register(acting_user=bureau_user, owner="某店", location="路1号", street=place["a"],
                                     approved_until=TODAY)
    assert "approval_number" in err.value.message_dict


def test_ad_status_change_is_refused_once_removed(place, bureau_user):
    from bureau.api.exceptions import Conflict

    ad = services.outdoor_ad_register(acting_user=bureau_user, owner="某店", location="路1号", street=place["a"])
    services.outdoor_ad_set_status(acting_user=bureau_user, ad=ad, status=AdStatus.REMOVED, reason="强制拆除")
    with pytest.raises(Conflict):
        services.outdoor_ad_set_status(acting_user=bureau_user, ad=ad, status=AdStatus.HAZARD)
