"""Patrol coverage as of a period's end reads each report as it stood then: its date and its cells. A later
amendment (another day, other cells) moves no published figure; the period it now belongs to counts it once
that period ends after the amendment."""
from datetime import date, timedelta

import pytest

from bureau import clock
from inspections.models import Ranking
from inspections.periods import parse_period
from inspections.services.patrols import patrol_coverage, patrol_report_amend, patrol_report_file
from inspections.services.reports import (
    PUBLISHED,
    UNCHANGED,
    _patrol_coverage,
    _patrol_coverage_many,
    report_compile_week,
)
from tests.inspections import reports_support
from tests.inspections.reports_support import at

place = reports_support.place  # fixture

pytestmark = pytest.mark.django_db

W47, W48 = parse_period("week", "2026-W47"), parse_period("week", "2026-W48")


def _file(place, leader, day, cells, *, filed_at):
    started = at(day.year, day.month, day.day, 7)
    with clock.frozen(filed_at):
        return patrol_report_file(acting_user=place[leader], date=day, shift="early",
                                  grid_cells=[place[c].code for c in cells], started_at=started,
                                  ended_at=started + timedelta(hours=2))


def _published_coverage(period, street) -> float:
    ranking = Ranking.objects.of_period(period.kind, period.code).first()
    return next(r["indicators"]["patrol_coverage"] for r in ranking.payload["results"]
                if r["street"]["code"] == street.code)


def _every_reading(place, period) -> set:
    """Street a's coverage of the period as of its end, by each of the three computations."""
    streets = [place["a"], place["b"]]
    covered, total = patrol_coverage(place["a"], period.start, period.end, as_of=period.end)
    return {float(_patrol_coverage(streets, period)[place["a"].pk]),
            float(_patrol_coverage_many(streets, [period])[period.code][place["a"].pk]), covered / total}


def test_a_report_moved_to_the_next_week_after_the_end_stays_in_its_week(place, bureau_user):
    # given: a W47 report over a1 (of a1, a2), W47 compiled
    report = _file(place, "leader_a", date(2026, 11, 18), ["a1"], filed_at=at(2026, 11, 18, 10))
    with clock.frozen(at(2026, 11, 23, 9)):
        assert report_compile_week("2026-W47").status == PUBLISHED
    assert _published_coverage(W47, place["a"]) == 0.5

    # when: in W48 the bureau corrects it: it was patrolled on 11-24, over a1 and a2
    with clock.frozen(at(2026, 11, 24, 15)):
        patrol_report_amend(acting_user=bureau_user, report=report, date=date(2026, 11, 24),
                            grid_cells=[place["a1"].code, place["a2"].code], reason="日期填错")

    # then: W47 recompiled reads the same coverage and publishes nothing new
    with clock.frozen(at(2026, 11, 30, 9)):
        assert report_compile_week("2026-W47").status == UNCHANGED
        assert report_compile_week("2026-W48").status == PUBLISHED
    assert Ranking.objects.filter(kind="week", period="2026-W47").count() == 1
    assert _every_reading(place, W47) == {0.5}
    # and W48, which ended after the amendment, counts the report as amended
    assert _published_coverage(W48, place["a"]) == 1.0
    assert _every_reading(place, W48) == {1.0}


def test_a_report_moved_into_a_week_after_its_end_does_not_count_in_it(place, bureau_user):
    # given: on Monday of W47 the leader files Sunday's (W46) patrol over a2; W47 has a report over a1
    report = _file(place, "leader_a", date(2026, 11, 15), ["a2"], filed_at=at(2026, 11, 16, 8))
    _file(place, "leader_a", date(2026, 11, 18), ["a1"], filed_at=at(2026, 11, 18, 10))
    with clock.frozen(at(2026, 11, 23, 9)):
        report_compile_week("2026-W47")

    # when: after W47 the bureau moves the W46 report into W47
    with clock.frozen(at(2026, 11, 24, 15)):
        patrol_report_amend(acting_user=bureau_user, report=report, date=date(2026, 11, 19))

    # then: as of W47's end it was a W46 report: W47 stays at a1 only
    with clock.frozen(at(2026, 11, 30, 9)):
        assert report_compile_week("2026-W47").status == UNCHANGED
    assert _every_reading(place, W47) == {0.5}
    # read as of now (no `as_of`), the report is where it is now
    assert patrol_coverage(place["a"], W47.start, W47.end) == (2, 2)


def test_changed_cells_after_the_end_move_nothing(place, bureau_user):
    # given
    report = _file(place, "leader_a", date(2026, 11, 20), ["a1", "a2"], filed_at=at(2026, 11, 20, 12))
    with clock.frozen(at(2026, 11, 23, 9)):
        report_compile_week("2026-W47")

    # when: a2 is taken off the report afterwards
    with clock.frozen(at(2026, 11, 25, 9)):
        patrol_report_amend(acting_user=bureau_user, report=report, grid_cells=[place["a1"].code])

    # then
    with clock.frozen(at(2026, 11, 30, 9)):
        assert report_compile_week("2026-W47").status == UNCHANGED
    assert _every_reading(place, W47) == {1.0}
