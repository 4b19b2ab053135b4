"""Patrol coverage in the rankings: the bulk computations agree with the patrol engineer's `patrol_coverage`."""
from datetime import date, timedelta

import pytest

from inspections.models import PatrolReport, PatrolReportRevision
from inspections.periods import parse_period
from inspections.services.patrols import patrol_coverage
from inspections.services.reports import _patrol_coverage, _patrol_coverage_many
from tests.inspections import reports_support
from tests.inspections.reports_support import at

place = reports_support.place  # fixture

pytestmark = pytest.mark.django_db


def _report(place, street, day, cells, *, recorded_at=None, source="patrol"):
    started = at(day.year, day.month, day.day, 7)
    report = PatrolReport.objects.create(
        source=source, street=place[street], leader=place[f"leader_{street}"], date=day, shift="early",
        started_at=started, ended_at=started + timedelta(hours=2),
        recorded_at=recorded_at or started + timedelta(hours=3), updated_at=started + timedelta(hours=3))
    report.grid_cells.set([place[c] for c in cells])
    return report


def test_bulk_coverage_agrees_with_patrol_coverage(place):
    # given: W47 reports in both streets; one synced after the week; one amended after the week (a2 added
    # later: as of the end it covered a1 only); a supervision patrol (not the street's coverage)
    _report(place, "a", date(2026, 11, 17), ["a1"])
    amended = _report(place, "a", date(2026, 11, 18), ["a1", "a2"])
    PatrolReportRevision.objects.create(report=amended, number=1, body={"grid_cells": [place["a1"].code]},
                                        amended_by=place["leader_a"], amended_at=at(2026, 11, 24, 9))
    _report(place, "b", date(2026, 11, 22), ["b1"], recorded_at=at(2026, 11, 23, 1))
    _report(place, "b", date(2026, 11, 19), ["b2"], source="supervision")
    _report(place, "b", date(2026, 11, 25), ["b1", "b2"])
    periods = [parse_period("week", "2026-W47"), parse_period("week", "2026-W48"), parse_period("month", "2026-11")]
    streets = [place["a"], place["b"]]

    # when
    many = _patrol_coverage_many(streets, periods)

    # then
    for period in periods:
        single = _patrol_coverage(streets, period)
        for street in streets:
            covered, total = patrol_coverage(street, period.start, period.end, as_of=period.end)
            assert many[period.code][street.pk] == single[street.pk] == covered / total, (period.code, street.code)
    assert many["2026-W47"][place["a"].pk] == 0.5 and many["2026-W47"][place["b"].pk] == 0
    assert many["2026-11"][place["b"].pk] == 1
