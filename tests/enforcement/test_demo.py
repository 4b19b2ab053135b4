"""The demo history: made through the services (every case a consistent trail), idempotent."""
import pytest

from enforcement import demo
from enforcement.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def test_quick_demo_history_is_a_consistent_trail_and_idempotent():
    from bureau import demo as bureau_demo
    from grids import demo as grids_demo

    # given the platform's and the places' demo data
    bureau_demo.seed()
    grids_demo.seed(quick=True)
    # when the case history is made, twice
    made = demo.seed(quick=True)
    counts = (Case.objects.count(), CaseEvent.objects.count())
    again = demo.seed(quick=True)
    # then
    assert made == demo.QUICK_COUNT and again == 0
    assert (Case.objects.count(), CaseEvent.objects.count()) == counts
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].action == "report"
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.recorded_at >= before.recorded_at
        assert events[-1].to_status == case.status


def test_quick_demo_has_orders_and_penalties_at_every_level():
    from bureau import demo as bureau_demo
    from enforcement.models import DiscretionStandard, PenaltyDecision, RectificationOrder
    from grids import demo as grids_demo

    bureau_demo.seed()
    grids_demo.seed(quick=True)
    demo.seed(quick=True)
    counts = (RectificationOrder.objects.count(), PenaltyDecision.objects.count())
    demo.seed(quick=True)
    assert (RectificationOrder.objects.count(), PenaltyDecision.objects.count()) == counts
    assert DiscretionStandard.objects.count() == 1
    assert set(PenaltyDecision.objects.values_list("level", flat=True)) == {"slight", "general", "serious", "severe"}
    assert RectificationOrder.objects.exclude(escalation="").exists()


def test_quick_demo_has_answered_referrals_and_a_joint_operation():
    from bureau import demo as bureau_demo
    from enforcement.models import JointOperation
    from enforcement.services.operations import operation_results
    from grids import demo as grids_demo
    from inspections import demo as inspections_demo

    bureau_demo.seed()
    grids_demo.seed(quick=True)
    demo.seed(quick=True)
    inspections_demo.seed_operation_demolitions()
    answers = CaseEvent.objects.filter(action__in=("accept", "refuse"))
    handled = CaseEvent.objects.filter(action="handle", actor__username__startswith="dept-")
    assert answers.filter(action="accept").exists() and answers.filter(action="refuse").exists()
    assert handled.exists() and all(e.photos.exists() for e in handled)
    counts = (answers.count(), JointOperation.objects.count())
    demo.seed(quick=True)
    inspections_demo.seed_operation_demolitions()
    assert (CaseEvent.objects.filter(action__in=("accept", "refuse")).count(), JointOperation.objects.count()) == counts
    operation = JointOperation.objects.get()
    results = {r["indicator"]: r["total"] for r in operation_results(operation)["rows"]}
    assert results["cases"] == 6 and results["orders"] == 2 and results["demolitions"] == 2
