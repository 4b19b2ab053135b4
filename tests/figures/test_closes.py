"""The statistics' reading of closes (enforcement.history.closes_between) agrees with the rankings' reading
(facts_as_of) on the assessment's worked example: 8 closed in 2026-W47, 6 of them on time."""
import pytest

from enforcement.history import closes_between, facts_as_of
from tests.inspections.reports_support import at, build_worked_example

pytestmark = pytest.mark.django_db


def test_closes_between_reads_the_history_as_the_rankings_do(walker):
    # given the worked example (reworked, extended, late and overdue cases among them)
    build_worked_example(walker)
    start, end = at(2026, 11, 16), at(2026, 11, 23)
    # when
    closes = closes_between(start, end)
    (facts,) = facts_as_of([(start, end)])
    # then
    ranked = {(f.case_id, f.street_id, f.handled_by_deadline) for f in facts if f.closed_in_period and f.counted}
    assert set(closes) == ranked
    assert (len(closes), sum(on_time for _c, _s, on_time in closes)) == (8, 6)
