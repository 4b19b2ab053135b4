"""The demo's last step: every finished week and month of the history compiled; a rerun writes nothing."""
import pytest

from bureau import clock
from inspections.demo import seed_reports
from inspections.models import Bulletin, Ranking
from inspections.services.reports import report_compile_history
from tests.inspections import reports_support
from tests.inspections.reports_support import at, build_worked_example

place, walker = reports_support.place, reports_support.walker  # fixtures

pytestmark = pytest.mark.django_db


def test_history_compiles_every_finished_week_and_month_once(walker, place):
    # given: events from Mon 16 Nov 2026; today is Wed 9 Dec
    build_worked_example(walker)

    # when
    with clock.frozen(at(2026, 12, 9, 10)):
        first = report_compile_history()
        again = seed_reports()

    # then: W47, W48, W49 and November
    assert first == {"published": 4, "unchanged": 0, "changed": 0}
    assert again == {"published": 0, "unchanged": 4, "changed": 0}
    assert sorted(Ranking.objects.values_list("period", flat=True)) == ["2026-11", "2026-W47", "2026-W48",
                                                                        "2026-W49"]
    assert Bulletin.objects.count() == 3


def test_history_with_no_case_does_nothing(place):
    assert report_compile_history() == {"published": 0, "unchanged": 0, "changed": 0}
