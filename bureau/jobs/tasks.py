from celery import shared_task

from bureau import clock


@shared_task(name="jobs.ping", soft_time_limit=30, time_limit=60)
def ping(token: str):
    """A job that proves a worker took it from the broker: the job log row is written by the worker."""
    return {"token": token, "at": clock.now().isoformat()}
