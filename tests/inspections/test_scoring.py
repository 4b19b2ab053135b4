"""Each indicator of the default scheme against hand-computed fixtures, walked through the case services."""
from decimal import Decimal

import pytest

from inspections import scoring
from inspections.models import ScoringScheme
from inspections.periods import parse_period
from inspections.services.reports import compute_ranking
from tests.inspections import reports_support
from tests.inspections.reports_support import at, build_worked_example

place, walker = reports_support.place, reports_support.walker  # fixtures

pytestmark = pytest.mark.django_db

W47, W48 = parse_period("week", "2026-W47"), parse_period("week", "2026-W48")


def indicators(period, street):
    return scoring.period_indicators(period, [street.pk])[street.pk]


def row_of(period, street):
    rows, _ = compute_ranking(period, ScoringScheme.objects.current("default"))
    return next(r for r in rows if r["street"]["code"] == street.code)


def test_the_worked_example_scores_71_grade_c(walker, place):
    # given
    build_worked_example(walker)

    # when
    ind = indicators(W47, place["a"])
    row = row_of(W47, place["a"])

    # then
    assert (ind.due_count, ind.closed_count, ind.closed_on_time_count, ind.overdue_count) == (10, 8, 6, 2)
    assert (ind.reworked_count, ind.extended_count, ind.bulletin_items) == (1, 1, 4)
    assert (ind.close_rate, ind.on_time_close_rate) == (Decimal("0.8"), Decimal("0.6"))
    assert (ind.rework_rate, ind.extension_rate) == (Decimal("0.1"), Decimal("0.1"))
    assert row["score"] == "71.00"
    assert row["grade"] == "C"
    assert row["indicators"]["close_rate"] == 0.8


def test_a_street_with_no_due_case_counts_rates_as_one_and_zero(walker, place):
    # given: street b has nothing
    build_worked_example(walker)

    # when
    row = row_of(W47, place["b"])

    # then
    assert row["indicators"]["due_count"] == 0
    assert row["indicators"]["close_rate"] == 1 and row["indicators"]["on_time_close_rate"] == 1
    assert row["indicators"]["rework_rate"] == 0 and row["indicators"]["extension_rate"] == 0
    assert row["score"] == "100.00" and row["grade"] == "A" and row["rank"] == 1


def test_a_deadline_in_one_week_and_the_close_in_the_next(walker, place):
    # given: dispatched Fri 20 Nov 10:00 (deadline 14:00), handled and closed Mon 23 Nov (W48)
    case = walker.dispatched(at(2026, 11, 20, 10))
    walker.act(case, "handle", at(2026, 11, 23, 9))
    walker.act(case, "close", at(2026, 11, 23, 10))

    # when
    w47, w48 = indicators(W47, place["a"]), indicators(W48, place["a"])

    # then: overdue in W47, closed late in W48
    assert (w47.due_count, w47.overdue_count, w47.closed_count, w47.bulletin_items) == (1, 1, 0, 1)
    assert (w48.due_count, w48.closed_count, w48.closed_on_time_count, w48.overdue_count) == (1, 1, 0, 0)


def test_handled_on_time_but_verified_late_is_closed_on_time(walker, place):
    # given: handled Fri within the limit, verified and closed the next week
    case = walker.dispatched(at(2026, 11, 20, 10))
    walker.act(case, "handle", at(2026, 11, 20, 11))
    walker.act(case, "close", at(2026, 11, 25, 10))

    # when
    w47, w48 = indicators(W47, place["a"]), indicators(W48, place["a"])

    # then: nothing due in W47 (a standing handle, not closed yet); closed on time in W48
    assert (w47.due_count, w47.overdue_count, w47.bulletin_items) == (0, 0, 0)
    assert (w48.closed_count, w48.closed_on_time_count) == (1, 1)


def test_an_extended_case_is_judged_against_the_extended_deadline(walker, place):
    # given: deadline 13:00 extended to 17:00, handled 16:00
    case = walker.dispatched(at(2026, 11, 18, 9))
    walker.act(case, "request_extension", at(2026, 11, 18, 10))
    walker.act(case, "approve_extension", at(2026, 11, 18, 11))
    walker.act(case, "handle", at(2026, 11, 18, 16))
    walker.act(case, "close", at(2026, 11, 18, 17))

    # when
    ind = indicators(W47, place["a"])

    # then
    assert (ind.closed_count, ind.closed_on_time_count, ind.extended_count, ind.bulletin_items) == (1, 1, 1, 0)
    assert ind.extension_rate == 1


def test_a_reworked_case_is_judged_by_its_standing_handle(walker, place):
    # given: handled on time, reworked (new deadline 15:00), handled again late at 16:00
    case = walker.dispatched(at(2026, 11, 18, 9))
    walker.act(case, "handle", at(2026, 11, 18, 10))
    walker.act(case, "rework", at(2026, 11, 18, 11))
    walker.act(case, "handle", at(2026, 11, 18, 16))
    walker.act(case, "close", at(2026, 11, 18, 17))

    # when
    ind = indicators(W47, place["a"])

    # then: the first handle no longer stands
    assert (ind.closed_count, ind.closed_on_time_count, ind.reworked_count) == (1, 0, 1)
    assert ind.rework_rate == 1
    assert ind.bulletin_items == 1  # supervision, no standing handle by the 15:00 deadline


def test_a_case_suspended_at_the_period_end_is_not_overdue(walker, place):
    # given: one suspended before its deadline, one suspended after its deadline passed
    first = walker.dispatched(at(2026, 11, 18, 9))
    walker.act(first, "suspend", at(2026, 11, 18, 10))
    second = walker.dispatched(at(2026, 11, 19, 9))
    walker.act(second, "suspend", at(2026, 11, 20, 9))

    # when
    ind = indicators(W47, place["a"])

    # then
    assert (ind.due_count, ind.overdue_count) == (0, 0)


def test_a_case_resumed_before_the_end_runs_against_its_new_deadline(walker, place):
    # given: suspended with 3 h left, resumed Sat 09:00 -> deadline Sat 12:00, never handled
    case = walker.dispatched(at(2026, 11, 18, 9))
    walker.act(case, "suspend", at(2026, 11, 18, 10))
    walker.act(case, "resume", at(2026, 11, 21, 9))

    # when
    ind = indicators(W47, place["a"])

    # then
    assert (ind.due_count, ind.overdue_count) == (1, 1)


def test_a_self_handled_case_is_left_out(walker, place):
    # given
    walker.report(at(2026, 11, 18, 9), source="patrol", self_handled=True)

    # when
    ind = indicators(W47, place["a"])

    # then
    assert (ind.due_count, ind.closed_count) == (0, 0)


def test_a_rejected_case_is_left_out(walker, place):
    # given
    case = walker.report(at(2026, 11, 18, 9))
    walker.act(case, "reject", at(2026, 11, 18, 10))

    # then
    assert indicators(W47, place["a"]).due_count == 0


def test_a_record_synced_after_the_period_end_does_not_count(walker, place):
    # given: dispatched Fri 10:00 (deadline 14:00); the handle and close reached the server only on Monday
    case = walker.dispatched(at(2026, 11, 20, 10))
    walker.act(case, "handle", at(2026, 11, 23, 0, 5))
    walker.act(case, "close", at(2026, 11, 23, 0, 10))
    # ... and a whole case recorded after the end
    walker.closed(at(2026, 11, 23, 1), at(2026, 11, 23, 2), at(2026, 11, 23, 3))

    # when
    ind = indicators(W47, place["a"])

    # then: as of Sunday midnight the case was overdue, and nothing was closed
    assert (ind.due_count, ind.closed_count, ind.overdue_count) == (1, 0, 1)


def test_bulletin_items_are_supervision_cases_not_handled_by_their_deadline(walker, place):
    # given: a patrol case overdue (no item), a supervision case handled late (item)
    walker.dispatched(at(2026, 11, 18, 9), source="patrol")
    walker.closed(at(2026, 11, 18, 9), at(2026, 11, 18, 14), at(2026, 11, 18, 15))

    # when
    ind = indicators(W47, place["a"])

    # then
    assert ind.bulletin_items == 1
    assert ind.overdue_count == 1


def test_a_month_counts_the_bulletin_items_of_the_weeks_ending_in_it(walker, place):
    # given: items on Sat 31 Oct (W44 ends Sun 1 Nov: November's) and on Wed 18 Nov (W47)
    walker.dispatched(at(2026, 10, 31, 9))
    walker.dispatched(at(2026, 11, 18, 9))
    # ... and one on Mon 30 Nov (W49 ends in December)
    walker.dispatched(at(2026, 11, 30, 9))

    # when
    november = indicators(parse_period("month", "2026-11"), place["a"])

    # then
    assert november.bulletin_items == 2
    assert november.overdue_count == 2  # deadlines on 18 and 30 Nov fell in November


def test_ties_go_to_the_higher_on_time_rate_then_fewer_overdue_then_street_code():
    # given
    a = scoring.StreetIndicators(due_count=10, closed_count=10, closed_on_time_count=8)
    b = scoring.StreetIndicators(due_count=10, closed_count=10, closed_on_time_count=9)
    c = scoring.StreetIndicators(due_count=10, closed_count=9, closed_on_time_count=9, overdue_count=1)
    score = Decimal("80.00")

    # when
    ordered = sorted([("001", a), ("002", b), ("003", c), ("004", b)],
                     key=lambda item: scoring.rank_key(score, item[1], item[0]))

    # then
    assert [code for code, _ in ordered] == ["002", "004", "003", "001"]


@pytest.mark.parametrize(("value", "grade"), [("90.00", "A"), ("89.99", "B"), ("75", "B"), ("60", "C"),
                                              ("59.99", "D"), ("40", "D"), ("39.99", "E"), ("0", "E")])
def test_grade_bands(value, grade):
    scheme = ScoringScheme.objects.current("default")
    assert scoring.grade(Decimal(value), scheme) == grade


def test_the_month_query_agrees_with_the_weekly_definition(walker, place):
    # given: the worked example plus a returned case, a late extension, a case reworked over a week's end
    build_worked_example(walker)
    returned = walker.dispatched(at(2026, 11, 25, 9))
    walker.act(returned, "return", at(2026, 11, 25, 10))
    extended = walker.dispatched(at(2026, 11, 26, 9))
    walker.act(extended, "request_extension", at(2026, 11, 26, 10))
    walker.act(extended, "approve_extension", at(2026, 11, 26, 14))  # 13:00 -> 17:00, still never handled
    reworked = walker.dispatched(at(2026, 11, 29, 9))  # Sunday, deadline 13:00
    walker.act(reworked, "handle", at(2026, 11, 29, 10))
    walker.act(reworked, "rework", at(2026, 11, 30, 9))
    november = parse_period("month", "2026-11")

    # when
    monthly = scoring.bulletin_item_counts(november.weeks_ending_in())
    weekly = {}
    for week in november.weeks_ending_in():
        for street_id, items in scoring.week_bulletin_cases(week).items():
            weekly[street_id] = weekly.get(street_id, 0) + len(items)

    # then
    assert dict(monthly) == weekly
    assert weekly[place["a"].pk] == 5  # the example's 4 and the extended case


def test_the_one_pass_history_agrees_with_the_per_period_statement(walker, place):
    # given: every edge case of this file in one history
    build_worked_example(walker)
    late = walker.dispatched(at(2026, 11, 20, 10))
    walker.act(late, "handle", at(2026, 11, 23, 9))
    walker.act(late, "close", at(2026, 11, 23, 10))
    verified_late = walker.dispatched(at(2026, 11, 20, 10), cell="b1")
    walker.act(verified_late, "handle", at(2026, 11, 20, 11))
    walker.act(verified_late, "close", at(2026, 11, 25, 10))
    suspended = walker.dispatched(at(2026, 11, 18, 9), cell="b1")
    walker.act(suspended, "suspend", at(2026, 11, 18, 10))
    resumed = walker.dispatched(at(2026, 11, 18, 9), cell="b2")
    walker.act(resumed, "suspend", at(2026, 11, 18, 10))
    walker.act(resumed, "resume", at(2026, 11, 21, 9))
    returned = walker.dispatched(at(2026, 11, 25, 9))
    walker.act(returned, "return", at(2026, 11, 25, 10))
    rejected = walker.report(at(2026, 11, 18, 9))
    walker.act(rejected, "reject", at(2026, 11, 18, 10))
    walker.report(at(2026, 11, 18, 9), source="patrol", self_handled=True)
    reworked = walker.dispatched(at(2026, 11, 29, 9), cell="b2")
    walker.act(reworked, "handle", at(2026, 11, 29, 10))
    walker.act(reworked, "rework", at(2026, 11, 30, 9))
    weeks = [parse_period("week", c) for c in ("2026-W46", "2026-W47", "2026-W48", "2026-W49")]
    months = [parse_period("month", "2026-11")]
    streets = [place["a"].pk, place["b"].pk]

    # when
    week_ind, month_ind = scoring.history_indicators(weeks, months, streets)

    # then
    def plain(ind):
        return {**ind.as_json(), "reworked": ind.reworked_count, "extended": ind.extended_count,
                "items": sorted((f.case_id, f.deadline, f.handle_at) for f in ind.bulletin_cases)}

    for period, table in [(w, week_ind) for w in weeks] + [(m, month_ind) for m in months]:
        expected = scoring.period_indicators(period, streets)
        for street_id in streets:
            got = plain(table[period.code][street_id])
            want = plain(expected[street_id])
            if period.kind == "month":
                got["items"] = want["items"] = []
            assert got == want, (period.code, street_id)
    assert week_ind["2026-W47"][place["a"].pk].due_count == 11
