"""Writes to the calendar (staff edits, seeding) and the questions other apps ask of it."""
from datetime import date, timedelta

from django.db import transaction

from bureau import clock
from bureau.audit.services import audit_record

from . import calendar
from .calendar import add_time_limit, add_working_seconds, is_workday, limit_seconds, working_seconds_between
from .choices import DaySource
from .models import CalendarDay, WorkPeriod

__all__ = [
    "add_time_limit", "add_working_seconds", "is_workday", "limit_seconds", "working_seconds_between",
    "calendar_day_set", "calendar_seed_from_package", "calendar_missing_years", "work_periods_set",
    "calendar_exceptions",
]

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_days(first_year=2004, last_year=2026):
    """Every day of the years chinesecalendar covers, as (date, is_workday, holiday name)."""
    import chinese_calendar

    day, end = date(first_year, 1, 1), date(last_year, 12, 31)
    while day <= end:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        workday = not on_holiday
        label = HOLIDAY_NAMES_ZH.get(name, name or "") if on_holiday and name else ""
        if not workday and not label and day.weekday() >= 5:
            label = ""
        yield day, workday, label
        day += timedelta(days=1)


def calendar_seed_from_package(*, using="default") -> int:
    """Insert the package's days that the table lacks; staff edits are never overwritten."""
    existing = set(CalendarDay.objects.using(using).values_list("date", flat=True))
    rows = [
        CalendarDay(date=d, is_workday=w, holiday_name=n, source=DaySource.PACKAGE)
        for d, w, n in package_days()
        if d not in existing
    ]
    CalendarDay.objects.using(using).bulk_create(rows, batch_size=2000)
    calendar.invalidate()
    return len(rows)


@transaction.atomic
def calendar_day_set(*, acting_user, day: date, is_workday: bool, holiday_name: str = "") -> CalendarDay:
    """Staff set one day (for example, next year's calendar once the State Council publishes it)."""
    obj, _ = CalendarDay.objects.select_for_update().get_or_create(
        date=day, defaults={"is_workday": is_workday, "holiday_name": holiday_name, "source": DaySource.MANUAL}
    )
    obj.is_workday = is_workday
    obj.holiday_name = holiday_name
    obj.source = DaySource.MANUAL
    obj.full_clean()
    obj.save()
    audit_record(actor=acting_user, action="calendar.day_set", obj=obj,
                 detail={"is_workday": is_workday, "holiday_name": holiday_name})
    transaction.on_commit(calendar.invalidate)
    return obj


def calendar_missing_years(*, at=None) -> list[int]:
    """This year and next, if the table has no data for them: staff are warned, deadlines fall back."""
    today = (at or clock.now()).date()
    years = [today.year]
    if today.month >= 10:
        years.append(today.year + 1)
    return [y for y in years if not calendar.year_has_data(y)]


@transaction.atomic
def work_periods_set(*, acting_user, periods) -> list[WorkPeriod]:
    """Replace the office hours (a list of (start, end) times); they must not overlap."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    spans = sorted(periods)
    if not spans:
        raise ValidationError({"periods": [_("至少需要一个办公时段")]})
    for (_a, end), (start, _b) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise ValidationError({"periods": [_("办公时段不能重叠")]})
    WorkPeriod.objects.select_for_update().all().delete()
    saved = []
    for start, end in spans:
        period = WorkPeriod(start=start, end=end)
        period.full_clean()
        period.save()
        saved.append(period)
    audit_record(actor=acting_user, action="calendar.work_periods_set",
                 detail={"periods": [f"{a:%H:%M}-{b:%H:%M}" for a, b in spans]})
    transaction.on_commit(calendar.invalidate)
    return saved


def calendar_exceptions(year: int):
    """The days of `year` that differ from a plain Monday-Friday week or carry a name: what staff check
    against the State Council's notice (holidays on weekdays, 调休 weekend workdays)."""
    rows = CalendarDay.objects.filter(date__year=year).order_by("date")
    return [d for d in rows if d.holiday_name or d.is_workday != (d.date.weekday() < 5)]
