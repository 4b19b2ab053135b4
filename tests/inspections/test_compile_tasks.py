"""The scheduled jobs: names, schedule (Mondays / the 1st at 08:00 Asia/Shanghai), retries, and that the task
runs the same service as the command (eager in tests)."""
import pytest
from django.conf import settings
from django.db import OperationalError

from bureau import clock
from bureau.jobs.models import JobRun
from inspections import tasks
from inspections.models import Ranking
from tests.inspections import reports_support
from tests.inspections.reports_support import at, build_worked_example

place, walker = reports_support.place, reports_support.walker  # fixtures


def test_beat_schedule_compiles_last_week_on_mondays_and_last_month_on_the_first():
    week = settings.CELERY_BEAT_SCHEDULE["reports-compile-week"]
    month = settings.CELERY_BEAT_SCHEDULE["reports-compile-month"]
    assert week["task"] == "inspections.compile_week" and month["task"] == "inspections.compile_month"
    assert week["schedule"].day_of_week == {1} and week["schedule"].hour == {8} and week["schedule"].minute == {0}
    assert month["schedule"].day_of_month == {1} and month["schedule"].hour == {8}
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_tasks_are_named_late_acked_and_retry_transient_database_errors():
    for task, name in ((tasks.compile_week, "inspections.compile_week"), (tasks.compile_month, "inspections.compile_month")):
        assert task.name == name
        assert task.acks_late and task.reject_on_worker_lost
        assert OperationalError in task.autoretry_for
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit


@pytest.mark.django_db
def test_the_weekly_task_compiles_the_week_before_and_logs_the_job(walker, place):
    # given: Monday 30 Nov 2026 08:00, the beat fires
    build_worked_example(walker)

    # when
    with clock.frozen(at(2026, 11, 30, 8)):
        result = tasks.compile_week.delay().get()

    # then: W48 was compiled (the week before); W47 is compiled by name
    assert result["period"] == "2026-W48" and result["status"] == "published"
    with clock.frozen(at(2026, 11, 30, 8)):
        tasks.compile_week.delay("2026-W47").get()
        month = tasks.compile_month.delay().get()
    assert month["period"] == "2026-10"
    assert set(Ranking.objects.values_list("period", flat=True)) == {"2026-W47", "2026-W48", "2026-10"}
    assert JobRun.objects.filter(task_name="inspections.compile_week", status=JobRun.Status.SUCCEEDED).count() == 2
