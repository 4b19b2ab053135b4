"""Helpers for the assessment tests: cases walked through the real case services with the clock frozen.

Category 10001 (道路积雪) has a 4-hour limit in continuous hours (紧急工作时), so every handling deadline
is simply dispatch + 4 h and the fixtures can be computed by hand.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bureau import clock
from tests.factories import centre_of

SH = ZoneInfo("Asia/Shanghai")
CATEGORY = "10001"
LIMIT = timedelta(hours=4)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


class Walker:
    """Walks cases through the workflow services at given moments."""

    def __init__(self, place, bureau_user):
        self.place, self.bureau = place, bureau_user

    def leader_for(self, case_or_cell):
        return self.place["leader_a"] if case_or_cell.street_id == self.place["a"].pk else self.place["leader_b"]

    def act(self, case, action, when, **params):
        from enforcement.services import case_transition

        user = self.leader_for(case) if action in ("handle", "request_extension", "return") else self.bureau
        with clock.frozen(when):
            return case_transition(acting_user=user, case=case, action=action, note="说明", **params)

    def report(self, when, *, cell="a1", source="supervision", self_handled=False):
        from enforcement.services import case_report

        lat, lng = centre_of(self.place[cell])
        # a patrol case is reported by the street's brigade (its leader), the other sources by the bureau
        reporter = self.leader_for(self.place[cell]) if source == "patrol" else self.bureau
        with clock.frozen(when):
            return case_report(acting_user=reporter, category=CATEGORY, lat=lat, lng=lng, description="积雪未清",
                               source=source, address="井冈山大道 1 号", self_handled=self_handled)

    def dispatched(self, when, **kwargs):
        """A case reported, registered and dispatched at `when` (handling deadline when + 4 h)."""
        case = self.report(when - timedelta(minutes=3), **kwargs)
        self.act(case, "register", when - timedelta(minutes=2))
        return self.act(case, "dispatch", when)

    def closed(self, dispatch, handle, close, **kwargs):
        case = self.dispatched(dispatch, **kwargs)
        self.act(case, "handle", handle)
        return self.act(case, "close", close)


@pytest.fixture
def place(two_streets):
    from grids.models import OfficerAssignment, StreetLeaderAssignment

    StreetLeaderAssignment.objects.update(start=at(2020, 1, 1))
    OfficerAssignment.objects.update(start=at(2020, 1, 1))
    return two_streets


@pytest.fixture
def walker(place, bureau_user):
    return Walker(place, bureau_user)


@pytest.fixture
def after_w48():
    """A moment after 2026-W47 and W48 ended, for compiling them."""
    return at(2026, 12, 2, 9, 0)


def build_worked_example(w: Walker, cell="a1"):
    """The assessment's worked example in 2026-W47 (Mon 16 Nov - Sun 22 Nov): due 10, closed 8, 6 of them on time,
    2 overdue, 1 reworked, 1 extended, 4 bulletin items -> 71.00, grade C."""
    # six closed on time (patrol source: never bulletin items)
    for day in (16, 17, 18, 19):
        w.closed(at(2026, 11, day, 9), at(2026, 11, day, 11), at(2026, 11, day, 12), cell=cell, source="patrol")
    # ... one of them reworked once, handled again within the fresh limit
    case = w.dispatched(at(2026, 11, 17, 14), cell=cell, source="patrol")
    w.act(case, "handle", at(2026, 11, 17, 15))
    w.act(case, "rework", at(2026, 11, 17, 16))  # new deadline 20:00
    w.act(case, "handle", at(2026, 11, 17, 19))
    w.act(case, "close", at(2026, 11, 18, 9))
    # ... one extended once (deadline 13:00 -> 17:00), handled at 16:00
    case = w.dispatched(at(2026, 11, 18, 9), cell=cell, source="patrol")
    w.act(case, "request_extension", at(2026, 11, 18, 10))
    w.act(case, "approve_extension", at(2026, 11, 18, 11))
    w.act(case, "handle", at(2026, 11, 18, 16))
    w.act(case, "close", at(2026, 11, 18, 17))
    # two closed late (supervision: no standing handle by the deadline -> 2 bulletin items)
    w.closed(at(2026, 11, 19, 9), at(2026, 11, 19, 15), at(2026, 11, 19, 16), cell=cell)
    w.closed(at(2026, 11, 20, 9), at(2026, 11, 20, 15), at(2026, 11, 20, 16), cell=cell)
    # two overdue, never handled (supervision -> 2 more bulletin items)
    w.dispatched(at(2026, 11, 20, 10), cell=cell)
    w.dispatched(at(2026, 11, 21, 10), cell=cell)
