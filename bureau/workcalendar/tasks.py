import logging

from celery import shared_task

from .services import calendar_missing_years

logger = logging.getLogger(__name__)


@shared_task(name="workcalendar.check_coverage", soft_time_limit=60, time_limit=90)
def check_coverage():
    missing = calendar_missing_years()
    if missing:
        logger.warning("Work calendar has no data for %s: deadlines fall back to Monday-Friday.", missing)
    return missing
