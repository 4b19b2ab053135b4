from celery import shared_task

from .services import audit_purge_expired


@shared_task(name="audit.purge_expired", soft_time_limit=600, time_limit=660)
def purge_expired():
    return audit_purge_expired()
