"""Assessment periods: the ISO week (`2026-W47`, Monday 00:00 to the next Monday 00:00) and the calendar month
(`2026-10`), both in Asia/Shanghai. A period is "finished" once its end has passed; only finished periods
are compiled, so a published bulletin or ranking never describes a week that is still running.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bureau import clock

TZ = ZoneInfo("Asia/Shanghai")
WEEK, MONTH = "week", "month"
KINDS = (WEEK, MONTH)

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A half-open interval [start, end) with its code; `start`/`end` are aware datetimes in Asia/Shanghai."""

    kind: str
    code: str
    start: datetime
    end: datetime

    def __str__(self):
        return self.code

    def is_finished(self, now: datetime | None = None) -> bool:
        return self.end <= (now or clock.now())

    @property
    def first_day(self) -> date:
        return first_day_of(self.start)

    @property
    def last_day(self) -> date:
        return last_day_of(self.end)

    def previous(self) -> "Period":
        return period_containing(self.kind, self.start - timedelta(seconds=1))

    def next(self) -> "Period":
        return period_containing(self.kind, self.end)

    def weeks_ending_in(self) -> list["Period"]:
        """The ISO weeks whose Sunday lies in this month (a month's bulletin items are theirs)."""
        if self.kind != MONTH:
            return [self]
        weeks = []
        day = self.first_day
        # the first Sunday on or after the 1st
        day += timedelta(days=(6 - day.weekday()) % 7)
        while day <= self.last_day:
            weeks.append(week_of(day))
            day += timedelta(days=7)
        return weeks


def first_day_of(start: datetime) -> date:
    """The first date of a period that starts at `start` (a local midnight, in whatever zone it is given)."""
    return start.astimezone(TZ).date()


def last_day_of(end: datetime) -> date:
    """The last date of a period that ends at `end`: the period is half-open, so `end` itself is the next
    period's first midnight and its date is not the period's."""
    return (end.astimezone(TZ) - timedelta(days=1)).date()


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ)


def week_of(day: date) -> Period:
    iso_year, iso_week, _weekday = day.isocalendar()
    monday = date.fromisocalendar(iso_year, iso_week, 1)
    return Period(WEEK, f"{iso_year}-W{iso_week:02d}", _midnight(monday), _midnight(monday + timedelta(days=7)))


def month_of(day: date) -> Period:
    first = date(day.year, day.month, 1)
    following = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return Period(MONTH, f"{day.year}-{day.month:02d}", _midnight(first), _midnight(following))


def period_containing(kind: str, moment: datetime) -> Period:
    day = moment.astimezone(TZ).date()
    return week_of(day) if kind == WEEK else month_of(day)


def parse_period(kind: str, text: str) -> Period:
    """`2026-W47` for a week, `2026-10` for a month; anything else is a ValidationError naming `period`."""
    text = (text or "").strip()
    if kind == WEEK:
        match = _WEEK_RE.match(text)
        if match:
            year, week = int(match[1]), int(match[2])
            try:
                # the last representable year has no following week to end on: not a period either
                if year < 9999:
                    return week_of(date.fromisocalendar(year, week, 1))
            except (ValueError, OverflowError):
                pass
        raise ValidationError({"period": [_("周期格式应为 2026-W47（ISO 周）：%(value)s") % {"value": text[:20]}]})
    if kind == MONTH:
        match = _MONTH_RE.match(text)
        if match and 1 <= int(match[2]) <= 12 and 1 <= int(match[1]) < 9999:
            return month_of(date(int(match[1]), int(match[2]), 1))
        raise ValidationError({"period": [_("周期格式应为 2026-10（年-月）：%(value)s") % {"value": text[:20]}]})
    raise ValidationError({"kind": [_("未知的周期类型：%(value)s") % {"value": kind}]})


def last_finished(kind: str, now: datetime | None = None) -> Period:
    """The most recent period whose end has passed."""
    return period_containing(kind, now or clock.now()).previous()


def finished_between(kind: str, first_moment: datetime, now: datetime | None = None) -> list[Period]:
    """Every finished period from the one containing `first_moment` up to the last finished one, oldest first."""
    now = now or clock.now()
    periods = []
    period = period_containing(kind, first_moment)
    while period.is_finished(now):
        periods.append(period)
        period = period.next()
    return periods
