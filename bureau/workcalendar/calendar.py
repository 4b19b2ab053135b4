"""Working-time arithmetic over the calendar table (working hours and days on the Chinese holiday calendar).

The table is read into a per-process snapshot (days by year, office hours) and refreshed when its
version in the shared cache changes, so an edit made in one process reaches web workers and Celery
workers alike without a database query per deadline.
"""
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .choices import TimeUnit

VERSION_KEY = "workcalendar:version"
HOURS_PER_WORKDAY = 8
_CHECK_EVERY = 5.0  # seconds between looks at the shared version


@dataclass
class Snapshot:
    version: str
    days: dict[date, bool] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)
    periods: list[tuple[dtime, dtime]] = field(default_factory=list)


_lock = threading.Lock()
_snapshot: Snapshot | None = None
_checked_at = 0.0


def _load(version: str) -> Snapshot:
    from .models import CalendarDay, WorkPeriod

    snap = Snapshot(version=version)
    for d, workday in CalendarDay.objects.values_list("date", "is_workday").iterator(chunk_size=5000):
        snap.days[d] = workday
        snap.years.add(d.year)
    snap.periods = list(WorkPeriod.objects.order_by("start").values_list("start", "end"))
    if not snap.periods:
        snap.periods = [
            (dtime.fromisoformat(a), dtime.fromisoformat(b)) for a, b in settings.WORK_PERIODS_DEFAULT
        ]
    return snap


def invalidate():
    """Called after any edit of days or office hours: every process reloads at its next look."""
    global _snapshot
    cache.set(VERSION_KEY, str(time.time_ns()), None)
    with _lock:
        _snapshot = None


def snapshot() -> Snapshot:
    global _snapshot, _checked_at
    now = time.monotonic()
    snap = _snapshot
    if snap is not None and now - _checked_at < _CHECK_EVERY:
        return snap
    version = cache.get(VERSION_KEY) or "0"
    with _lock:
        if _snapshot is None or _snapshot.version != version:
            _snapshot = _load(version)
        _checked_at = now
        return _snapshot


def year_has_data(year: int) -> bool:
    return year in snapshot().years


def is_workday(day: date) -> bool:
    """A day in the table says; a year with no data falls back to Monday-Friday (and staff are warned)."""
    snap = snapshot()
    if day in snap.days:
        return snap.days[day]
    return day.weekday() < 5


def _tz():
    return ZoneInfo(settings.TIME_ZONE)


def _periods_on(day: date):
    tz = _tz()
    for a, b in snapshot().periods:
        yield datetime.combine(day, a, tzinfo=tz), datetime.combine(day, b, tzinfo=tz)


def _work_seconds_per_day() -> float:
    return sum(
        (datetime.combine(date.min, b) - datetime.combine(date.min, a)).total_seconds() for a, b in snapshot().periods
    )


def _to_seconds(amount, unit: str) -> float:
    amount = Decimal(str(amount))
    if amount < 0:
        raise ValueError("a time limit cannot be negative")
    hours = amount * HOURS_PER_WORKDAY if unit == TimeUnit.WORK_DAYS else amount
    return float(hours * 3600)


def add_working_seconds(start: datetime, seconds: float, unit: str) -> datetime:
    """The moment `seconds` of working time (in `unit`'s sense) after `start`."""
    if timezone.is_naive(start):
        raise ValueError("start must be timezone-aware")
    if unit == TimeUnit.URGENT_HOURS:
        return start + timedelta(seconds=seconds)
    if unit not in (TimeUnit.WORK_HOURS, TimeUnit.WORK_DAYS):
        raise ValueError(f"unknown time unit {unit!r}")
    local = timezone.localtime(start, _tz())
    remaining = seconds
    day = local.date()
    if remaining <= 0:
        return local
    for _ in range(3660):  # ten years of days: a limit never runs further
        if is_workday(day):
            for a, b in _periods_on(day):
                begin = max(a, local)
                if begin >= b:
                    continue
                span = (b - begin).total_seconds()
                if remaining <= span:
                    return begin + timedelta(seconds=remaining)
                remaining -= span
        day += timedelta(days=1)
    raise ValueError("time limit runs past ten years")


def add_time_limit(start: datetime, amount, unit: str) -> datetime:
    """The deadline for a limit of `amount` `unit`s counted from `start` in working time."""
    return add_working_seconds(start, _to_seconds(amount, unit), unit)


def working_seconds_between(start: datetime, end: datetime, unit: str) -> float:
    """Working time from `start` to `end` in `unit`'s sense (0 if end <= start)."""
    if end <= start:
        return 0.0
    if unit == TimeUnit.URGENT_HOURS:
        return (end - start).total_seconds()
    start_l = timezone.localtime(start, _tz())
    end_l = timezone.localtime(end, _tz())
    total = 0.0
    day = start_l.date()
    full_day = _work_seconds_per_day()
    while day <= end_l.date():
        if is_workday(day):
            if start_l.date() < day < end_l.date():
                total += full_day
            else:
                for a, b in _periods_on(day):
                    lo, hi = max(a, start_l), min(b, end_l)
                    if hi > lo:
                        total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def limit_seconds(amount, unit: str) -> float:
    return _to_seconds(amount, unit)
