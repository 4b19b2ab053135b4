from celery import shared_task

from bureau import clock


@shared_task(name="jobs.ping", soft_time_limit=30, time_limit=60)
def ping(token: str):
    """A job that proves a worker took it from the broker: the job log row is written by the worker."""
    return {"token": token, "at": clock.now().isoformat()}


@shared_task(name="jobs.purge_expired", soft_time_limit=600, time_limit=660)
def purge_expired():
    from .services import job_run_purge_expired

    return job_run_purge_expired()


@shared_task(name="sessions.clear_expired", soft_time_limit=600, time_limit=660)
def clear_expired_sessions():
    """Expired sessions stay in the table until removed (Django's clearsessions, as a scheduled job)."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
