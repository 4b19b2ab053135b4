"""A stall permit's life: applied by the street, reviewed, approved by the bureau, warned of, renewed without
a gap, lapsed by the daily job on its day, revoked; the night-snack checklist; who may do what."""
from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from bureau import clock
from markets import services, tasks
from markets.choices import NightSnackRule, PermitStatus
from markets.models import MarketNotice, StallPermit, StallPermitEvent
from markets.workflow import actions_for

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db
ALL_FIVE = dict.fromkeys(NightSnackRule.values, True)


@pytest.fixture
def slot(make_zone, bureau_user):
    zone = make_zone(street="a", slots=3)
    return zone.slots.get(number="01")


def _apply(slot, vendor, leader, **kw):
    return services.stall_permit_apply(acting_user=leader, vendor=vendor, slot=slot, **kw)


def test_the_whole_life_of_a_permit(place, slot, make_vendor, bureau_user, frozen_today):
    # given
    leader = place["leader_a"]
    vendor = make_vendor()
    # when: the street applies for the vendor, reviews it, the bureau approves
    permit = _apply(slot, vendor, leader, valid_from=TODAY, valid_to=TODAY + timedelta(days=364))
    assert permit.status == PermitStatus.APPLIED
    assert actions_for(leader, permit) == ["review", "reject"]
    permit = services.stall_permit_review(acting_user=leader, permit=permit, note="材料齐全")
    assert actions_for(leader, permit) == ["reject"]
    assert actions_for(bureau_user, permit) == ["reject", "approve"]
    permit = services.stall_permit_approve(acting_user=bureau_user, permit=permit)
    # then: in force today; 30 days before its end the street is warned; renewed; lapsed the day after its end
    assert permit.status == PermitStatus.ACTIVE and permit.covers(TODAY)
    warn_day = permit.valid_to - timedelta(days=30)
    assert services.stall_permit_warn_expiring(today=warn_day - timedelta(days=1)) == 0
    assert services.stall_permit_warn_expiring(today=warn_day) == 1
    assert services.stall_permit_warn_expiring(today=warn_day) == 1  # a rerun sends nothing new
    notice = MarketNotice.objects.get(user=leader)
    assert notice.kind == "permit_expiring" and permit.valid_to.isoformat() in notice.message
    renewal = services.stall_permit_renew(acting_user=bureau_user, permit=permit)
    assert services.stall_permit_warn_expiring(today=warn_day + timedelta(days=1)) == 0  # renewed: no more
    services.stall_permit_revoke(acting_user=bureau_user, permit=renewal, reason="占道超出摊位")
    assert services.stall_permit_expire_lapsed(today=permit.valid_to) == 0
    assert services.stall_permit_expire_lapsed(today=permit.valid_to + timedelta(days=1)) == 1
    permit.refresh_from_db()
    assert permit.status == PermitStatus.EXPIRED
    history = list(StallPermitEvent.objects.filter(permit=permit).values_list("action", "from_status", "to_status"))
    assert history == [("apply", "", "applied"), ("review", "applied", "reviewed"), ("approve", "reviewed", "active"),
                       ("expire", "active", "expired")]
    assert list(renewal.events.values_list("action", flat=True)) == ["renew", "revoke"]
    assert MarketNotice.objects.filter(user=leader, kind="permit_lapsed").count() == 1


def test_renewal_leaves_no_day_uncovered(place, slot, make_vendor, bureau_user, frozen_today):
    # given: a permit ending in 20 days, renewed now
    old = services.stall_permit_issue(acting_user=bureau_user, vendor=make_vendor(), slot=slot,
                                      valid_from=TODAY - timedelta(days=345), valid_to=TODAY + timedelta(days=20))
    new = services.stall_permit_renew(acting_user=bureau_user, permit=old)
    # when: the daily job runs every day from today to the end of the renewal
    day, uncovered = TODAY, []
    while day <= new.valid_to:
        services.stall_permit_expire_lapsed(today=day)
        if not StallPermit.objects.filter(slot=slot).current(day).exists():
            uncovered.append(day)
        # the vendor is covered every day, by exactly one permit in force on the slot
        assert StallPermit.objects.filter(slot=slot, status=PermitStatus.ACTIVE).count() == 1, day
        day += timedelta(days=1)
    # then
    assert uncovered == []
    assert new.valid_from == old.valid_to + timedelta(days=1)
    old.refresh_from_db(), new.refresh_from_db()
    assert (old.status, new.status) == (PermitStatus.EXPIRED, PermitStatus.ACTIVE)


def test_renewal_is_covered_even_before_the_job_has_run(slot, make_vendor, bureau_user, frozen_today):
    old = services.stall_permit_issue(acting_user=bureau_user, vendor=make_vendor(), slot=slot,
                                      valid_from=TODAY - timedelta(days=300), valid_to=TODAY + timedelta(days=5))
    new = services.stall_permit_renew(acting_user=bureau_user, permit=old)
    first_day = old.valid_to + timedelta(days=1)
    assert list(StallPermit.objects.current(first_day)) == [new]


def test_renew_twice_or_after_the_end_is_a_conflict(slot, make_vendor, bureau_user, frozen_today):
    permit = services.stall_permit_issue(acting_user=bureau_user, vendor=make_vendor(), slot=slot,
                                         valid_from=TODAY - timedelta(days=300), valid_to=TODAY + timedelta(days=5))
    services.stall_permit_renew(acting_user=bureau_user, permit=permit)
    with pytest.raises(services.PermitStateConflict):
        services.stall_permit_renew(acting_user=bureau_user, permit=permit)
    late = services.stall_permit_issue(acting_user=bureau_user, vendor=make_vendor(), stall_number="02",
                                       zone=slot.zone, valid_from=TODAY - timedelta(days=300),
                                       valid_to=TODAY - timedelta(days=1))
    with pytest.raises(services.PermitStateConflict):
        services.stall_permit_renew(acting_user=bureau_user, permit=late)


def test_a_permit_lapses_on_its_day_by_the_scheduled_job(slot, make_vendor, bureau_user):
    # given: the beat runs the daily job shortly after midnight
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "markets.permits_daily")
    assert entry["schedule"].hour == {0}
    permit = services.stall_permit_issue(acting_user=bureau_user, vendor=make_vendor(), slot=slot,
                                         valid_from=date(2026, 1, 1), valid_to=date(2026, 11, 30))
    # when: the job runs on its last day, then on the day after (eager task, the beat's call)
    with clock.frozen(at(2026, 11, 30, 0, 5)):
        assert tasks.permits_daily.delay().get() == {"expired": 0, "warned": 1}
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE
    with clock.frozen(at(2026, 12, 1, 0, 5)):
        assert tasks.permits_daily.delay().get()["expired"] == 1
    # then
    permit.refresh_from_db()
    assert permit.status == PermitStatus.EXPIRED


def test_approval_refused_when_the_slot_is_taken(place, slot, make_vendor, bureau_user, frozen_today):
    leader = place["leader_a"]
    first, second = (services.stall_permit_review(acting_user=leader, permit=_apply(slot, make_vendor(), leader))
                     for _ in range(2))
    services.stall_permit_approve(acting_user=bureau_user, permit=first)
    with pytest.raises(services.SlotTaken):
        services.stall_permit_approve(acting_user=bureau_user, permit=second)
    second.refresh_from_db()
    assert second.status == PermitStatus.REVIEWED


def test_night_snack_permit_needs_the_five_rules(place, make_zone, make_vendor, bureau_user, frozen_today):
    # given
    zone = make_zone(kind="night_snack", opens=time(18), closes=time(2), slots=1)
    leader = place["leader_a"]
    permit = _apply(zone.slots.get(), make_vendor(), leader)
    permit = services.stall_permit_review(acting_user=leader, permit=permit,
                                          checklist={**ALL_FIVE, "hygiene": False})
    # when / then: one rule unchecked is refused, naming it
    with pytest.raises(ValidationError) as err:
        services.stall_permit_approve(acting_user=bureau_user, permit=permit)
    assert "统一卫生标准" in str(err.value)
    with pytest.raises(ValidationError):
        services.stall_permit_approve(acting_user=bureau_user, permit=permit, checklist={"bogus": True})
    permit = services.stall_permit_approve(acting_user=bureau_user, permit=permit, checklist=ALL_FIVE)
    assert permit.status == PermitStatus.ACTIVE and permit.checklist == ALL_FIVE


def test_leader_may_not_approve_renew_or_revoke(place, slot, make_vendor, bureau_user, frozen_today):
    leader = place["leader_a"]
    permit = services.stall_permit_review(acting_user=leader, permit=_apply(slot, make_vendor(), leader))
    for service in (services.stall_permit_approve, services.stall_permit_renew):
        with pytest.raises(PermissionDenied):
            service(acting_user=leader, permit=permit)
    with pytest.raises(PermissionDenied):
        services.stall_permit_revoke(acting_user=leader, permit=permit, reason="x")


def test_reject_needs_a_reason_and_ends_the_application(place, slot, make_vendor, frozen_today):
    leader = place["leader_a"]
    permit = _apply(slot, make_vendor(), leader)
    with pytest.raises(ValidationError):
        services.stall_permit_reject(acting_user=leader, permit=permit, reason=" ")
    permit = services.stall_permit_reject(acting_user=leader, permit=permit, reason="非本辖区居民")
    assert permit.status == PermitStatus.REJECTED
    with pytest.raises(services.PermitStateConflict):
        services.stall_permit_review(acting_user=leader, permit=permit)


def test_vendor_as_business_with_trades(make_zone, bureau_user, place, frozen_today):
    vendor = services.vendor_register(acting_user=bureau_user, name="老王烧烤店", kind="business",
                                      licence_number="92360802MA1234567X", phone="13800001111",
                                      trades=["barbecue", "night_snack"])
    assert (vendor.kind, vendor.trades) == ("business", ["barbecue", "night_snack"])
    with pytest.raises(ValidationError):
        services.vendor_register(acting_user=bureau_user, name="x", phone="13800002222", trades=["guns"])
    fruit = make_zone(allowed_trades=["fruit_veg"], slots=1)
    with pytest.raises(ValidationError) as err:
        services.stall_permit_apply(acting_user=place["leader_a"], vendor=vendor, slot=fruit.slots.get())
    assert "vendor" in err.value.message_dict


def test_permit_history_is_append_only(slot, make_vendor, bureau_user, frozen_today):
    from bureau.appendonly import AppendOnlyError

    permit = services.stall_permit_issue(acting_user=bureau_user, vendor=make_vendor(), slot=slot)
    event = permit.events.get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        StallPermitEvent.objects.filter(permit=permit).delete()
