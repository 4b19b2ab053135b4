"""The main path through the services (report → register → dispatch → handle → close)."""
from enforcement.choices import CaseStatus

from .conftest import at


def test_main_path(place, report, act):
    # given a case reported on Monday 2026-11-23 at 09:00 (暴露垃圾: dispatch 1 工作时, handle 4 工作时)
    case = report(when=at(2026, 11, 23, 9, 0))
    assert case.number.startswith("2026-")
    assert case.due_at == at(2026, 11, 23, 10, 0)
    # when it goes through the main path
    case = act(case, "register", when=at(2026, 11, 23, 9, 10))
    case = act(case, "dispatch", when=at(2026, 11, 23, 9, 20))
    assert case.due_at == at(2026, 11, 23, 15, 20)
    case = act(case, "handle", when=at(2026, 11, 23, 15, 0), user=place["leader_a"])
    case = act(case, "close", when=at(2026, 11, 23, 16, 0))
    # then
    assert case.status == CaseStatus.CLOSED
    assert [e.action for e in case.events.all()] == ["report", "register", "dispatch", "handle", "close"]
