"""Scheduled compiles of the bulletins and rankings (beat: Mondays and the 1st at 08:00 Asia/Shanghai, and an
hourly catch-up of any recent period left unpublished).

Thin and idempotent: a task names a period (or none: the one just finished) and calls the same service as
`compile_reports`; a rerun or a redelivery after a killed worker compares before it writes, so it changes
nothing. Acknowledged late and given back when the pool process dies (CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST); transient database errors are retried with backoff.
"""
from celery import shared_task
from django.db import OperationalError

from . import periods
from .services.reports import report_compile_missing, report_compile_month, report_compile_week

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 900,
    "time_limit": 960,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name="inspections.compile_week", **RETRY)
def compile_week(period: str | None = None):
    """Compile and publish a finished ISO week (default: last week)."""
    code = period or periods.last_finished(periods.WEEK).code
    return report_compile_week(code).as_dict()


@shared_task(name="inspections.compile_month", **RETRY)
def compile_month(period: str | None = None):
    """Compile and publish a finished month (default: last month)."""
    code = period or periods.last_finished(periods.MONTH).code
    return report_compile_month(code).as_dict()


@shared_task(name="inspections.compile_missing", **RETRY)
def compile_missing():
    """Compile every recent finished period that has nothing published (a missed or lost compile)."""
    return [result.as_dict() for result in report_compile_missing()]
