"""Job log upkeep: finished runs are forgotten after JOB_LOG_RETENTION_DAYS, so the table does not grow for ever."""
from datetime import timedelta

from django.conf import settings

from bureau import clock

from .models import JobRun


def job_run_purge_expired(*, now=None) -> int:
    """Delete finished runs older than the retention period; a run still marked started is kept (staff see it)."""
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.JOB_LOG_RETENTION_DAYS)
    deleted, _counts = JobRun.objects.exclude(status=JobRun.Status.STARTED).filter(started_at__lt=cutoff).delete()
    return deleted
