"""Periodic work for cases. The sweep runs on the beat schedule (every 5 minutes), never as a broker ETA."""
from celery import shared_task

from .services import case_sweep_deadlines


@shared_task(name="enforcement.sweep_deadlines", soft_time_limit=240, time_limit=280)
def sweep_deadlines():
    return case_sweep_deadlines()
