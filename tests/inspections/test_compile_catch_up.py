"""The catch-up compile: weeks and months whose compile never ran or was lost (a killed worker on the embedded
broker) are compiled by the hourly `inspections.compile_missing`; a period already published is left alone,
so a second run writes nothing (eager Celery in tests)."""
import pytest
from django.conf import settings

from bureau import clock
from bureau.audit.models import AuditEntry
from inspections import tasks
from inspections.models import Bulletin, Ranking
from inspections.services.reports import report_compile_week
from tests.inspections import reports_support
from tests.inspections.reports_support import at, build_worked_example

place, walker = reports_support.place, reports_support.walker  # fixtures

pytestmark = pytest.mark.django_db


def _published():
    return (sorted(Ranking.objects.values_list("kind", "period", "revision")),
            sorted(Bulletin.objects.values_list("period", "revision")),
            AuditEntry.objects.filter(action__startswith="report.publish_").count())


def test_the_catch_up_is_scheduled_hourly_on_the_reports_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-compile-missing"]
    assert entry["task"] == "inspections.compile_missing"
    assert entry["schedule"].minute == {35} and len(entry["schedule"].hour) == 24
    assert tasks.compile_missing.acks_late and tasks.compile_missing.reject_on_worker_lost


def test_two_missed_weeks_are_compiled_by_one_run_and_a_second_run_writes_nothing(walker, place):
    # given cases in W47 and W48, and no compile ever ran (Monday's job was lost twice)
    build_worked_example(walker)
    walker.closed(at(2026, 11, 24, 9), at(2026, 11, 24, 10), at(2026, 11, 24, 11), source="supervision")
    assert _published() == ([], [], 0)

    # when the catch-up fires on Wednesday 2 December
    with clock.frozen(at(2026, 12, 2, 9, 35)):
        first = tasks.compile_missing.delay().get()

    # then both weeks are published (bulletin and ranking), and the finished month too
    assert [(r["period"], r["status"]) for r in first] == [
        ("2026-W47", "published"), ("2026-W48", "published"), ("2026-11", "published")]
    rankings, bulletins, audited = _published()
    assert rankings == [("month", "2026-11", 1), ("week", "2026-W47", 1), ("week", "2026-W48", 1)]
    assert bulletins == [("2026-W47", 1), ("2026-W48", 1)]

    # when it fires again
    with clock.frozen(at(2026, 12, 2, 10, 35)):
        second = tasks.compile_missing.delay().get()

    # then nothing is compiled and nothing written
    assert second == []
    assert _published() == (rankings, bulletins, audited)


def test_only_the_missed_week_is_compiled(walker, place):
    # given W47 published on time, W48's compile lost
    build_worked_example(walker)
    with clock.frozen(at(2026, 11, 23, 8)):
        report_compile_week("2026-W47")
    before = Ranking.objects.get(period="2026-W47")

    # when
    with clock.frozen(at(2026, 12, 1, 9, 35)):
        results = tasks.compile_missing.delay().get()

    # then W47 is not compiled again
    assert [r["period"] for r in results] == ["2026-W48", "2026-11"]
    assert Ranking.objects.get(period="2026-W47").pk == before.pk


def test_nothing_is_compiled_before_there_is_any_data(place):
    with clock.frozen(at(2026, 12, 2, 9, 35)):
        assert tasks.compile_missing.delay().get() == []
    assert _published() == ([], [], 0)
