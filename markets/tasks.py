"""Daily jobs of street commerce (beat, shortly after midnight Asia/Shanghai): permits past their last day end
and their renewals start, the streets are warned of permits ending within 30 days; ad approvals likewise.
Thin and idempotent: a rerun changes nothing and sends no second message. `day` (ISO date) names the day
to run for; without it, today."""
from datetime import date

from celery import shared_task
from django.db import OperationalError

from . import services

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 240,
    "time_limit": 280,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


def _day(day):
    return date.fromisoformat(day) if day else None


@shared_task(name="markets.permits_daily", **RETRY)
def permits_daily(day: str | None = None):
    today = _day(day)
    expired = services.stall_permit_expire_lapsed(today=today)
    warned = services.stall_permit_warn_expiring(today=today)
    return {"expired": expired, "warned": warned}


@shared_task(name="markets.ads_daily", **RETRY)
def ads_daily(day: str | None = None):
    """Ad approvals: approved -> expiring 30 days before their end, -> expired the day after it, with inbox
    messages to the street's leaders; ads whose removal order was complied with become removed."""
    return services.outdoor_ad_expire_due(today=_day(day))
