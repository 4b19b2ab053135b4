"""Real concurrent connections on PostgreSQL: two approvals of one slot at the same moment, one wins; and the
daily job run by a real Celery worker lapses a permit on its day."""
from datetime import date, time, timedelta

import pytest

from bureau.accounts.choices import Role
from markets import services, tasks
from markets.choices import PermitStatus
from markets.models import StallPermit
from tests.conftest import make_user
from tests.enforcement.test_concurrency import run_together
from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, make_leader


@pytest.fixture
def district(transactional_db):
    street = StreetFactory(code="001")
    GridCellFactory(community=CommunityFactory(street=street, code="001"))
    bureau = make_user("k-bureau", Role.BUREAU)
    zone = services.vendor_zone_create(acting_user=bureau, street=street, kind="fixed_stall", name="固定摊点区",
                                       opens_at=time(7), closes_at=time(21), slots=2)
    return {"street": street, "leader": make_leader(street), "bureau": bureau, "zone": zone,
            "slot": zone.slots.get(number="01")}


@pytest.mark.postgres
@pytest.mark.parametrize("n", [2, 8])
def test_concurrent_approvals_of_one_slot_one_wins(district, n):
    # given: n reviewed applications for the same slot
    leader, bureau, slot = district["leader"], district["bureau"], district["slot"]
    applications = []
    for i in range(n):
        vendor = services.vendor_register(acting_user=leader, name=f"摊贩{i}", phone=f"1380000{i:04d}")
        permit = services.stall_permit_apply(acting_user=leader, vendor=vendor, slot=slot)
        applications.append(services.stall_permit_review(acting_user=leader, permit=permit))

    # when: the bureau approves all of them at the same moment, each on its own connection
    def approve(i):
        try:
            services.stall_permit_approve(acting_user=bureau, permit=applications[i])
            return "won"
        except services.SlotTaken:
            return "taken"

    outcomes = run_together(n, approve)

    # then: exactly one is in force; the others stay reviewed
    assert sorted(outcomes) == ["taken"] * (n - 1) + ["won"]
    assert StallPermit.objects.filter(slot=slot, status=PermitStatus.ACTIVE).count() == 1
    assert StallPermit.objects.filter(slot=slot, status=PermitStatus.REVIEWED).count() == n - 1


@pytest.mark.postgres
def test_the_database_refuses_a_second_active_permit_on_a_slot(district):
    from django.db import IntegrityError, transaction

    first = services.stall_permit_issue(acting_user=district["bureau"], vendor=services.vendor_register(
        acting_user=district["bureau"], name="甲", phone="13800000001"), slot=district["slot"])
    clone = StallPermit(vendor=first.vendor, zone=first.zone, slot=first.slot, valid_from=first.valid_to
                        + timedelta(days=1), valid_to=first.valid_to + timedelta(days=30), status=PermitStatus.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


@pytest.mark.worker
@pytest.mark.timeout(180)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_real_worker_lapses_a_permit_on_its_day(district, celery_worker):
    # given: a permit whose last day was 30 November
    permit = services.stall_permit_issue(acting_user=district["bureau"], vendor=services.vendor_register(
        acting_user=district["bureau"], name="乙", phone="13800000002"), slot=district["slot"],
        valid_from=date(2026, 1, 1), valid_to=date(2026, 11, 30))
    # when: the worker runs the daily job for 30 November, then for 1 December
    tasks.permits_daily.apply_async(kwargs={"day": "2026-11-30"}, queue=celery_worker.queue)
    celery_worker.wait_for(lambda: "succeeded" in celery_worker.log_text(), 60, "the job on the last day")
    assert StallPermit.objects.get(pk=permit.pk).status == PermitStatus.ACTIVE
    tasks.permits_daily.apply_async(kwargs={"day": "2026-12-01"}, queue=celery_worker.queue)
    # then
    celery_worker.wait_for(lambda: StallPermit.objects.get(pk=permit.pk).status == PermitStatus.EXPIRED, 60,
                           "the permit to lapse")
