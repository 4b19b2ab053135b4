"""Working-time arithmetic on the Chinese holiday calendar (office hours 08-12, 14-18)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bureau.workcalendar.choices import TimeUnit
from bureau.workcalendar.models import CalendarDay
from bureau.workcalendar.services import (
    add_time_limit,
    calendar_day_set,
    calendar_missing_years,
    is_workday,
    working_seconds_between,
)

SH = ZoneInfo("Asia/Shanghai")


def at(s):
    return datetime.fromisoformat(s).replace(tzinfo=SH)


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        ("2026-09-24 17:00", 4, TimeUnit.WORK_HOURS, "2026-09-28 11:00"),  # Mid-autumn holiday in between
        ("2026-09-30 16:00", 1, TimeUnit.WORK_DAYS, "2026-10-08 16:00"),  # National Day
        ("2026-10-09 17:00", 4, TimeUnit.WORK_HOURS, "2026-10-10 11:00"),  # 调休 Saturday workday
        ("2026-02-13 17:00", 4, TimeUnit.WORK_HOURS, "2026-02-14 11:00"),  # Spring Festival 调休
        ("2026-09-30 16:00", 4, TimeUnit.URGENT_HOURS, "2026-09-30 20:00"),  # continuous hours
        ("2026-12-31 17:00", 4, TimeUnit.WORK_HOURS, "2027-01-01 11:00"),  # 2027: Monday-Friday fallback
        ("2026-11-26 11:00", 2, TimeUnit.WORK_HOURS, "2026-11-26 15:00"),  # lunch break skipped
        ("2026-11-26 10:00", 2, TimeUnit.WORK_HOURS, "2026-11-26 12:00"),  # ends exactly at a period's end
        ("2026-11-28 09:00", 1, TimeUnit.WORK_HOURS, "2026-11-30 09:00"),  # Saturday start waits for Monday
        ("2026-11-26 19:00", 7, TimeUnit.WORK_DAYS, "2026-12-07 18:00"),  # 7 工作日 from after hours
    ],
)
def test_add_time_limit(start, amount, unit, due):
    assert add_time_limit(at(start), amount, unit) == at(due)


def test_working_seconds_between_inverts_add():
    start = at("2026-09-24 17:00")
    due = add_time_limit(start, 4, TimeUnit.WORK_HOURS)
    assert working_seconds_between(start, due, TimeUnit.WORK_HOURS) == 4 * 3600
    assert working_seconds_between(due, start, TimeUnit.WORK_HOURS) == 0


def test_calendar_seeded_from_package_with_holiday_names():
    day = CalendarDay.objects.get(date=date(2026, 10, 1))
    assert not day.is_workday and day.holiday_name == "国庆节"
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).is_workday  # 调休
    assert CalendarDay.objects.filter(date__year=2004).count() == 366


def test_year_without_data_warns_and_falls_back(bureau_user):
    assert calendar_missing_years(at=at("2026-11-26 09:00")) == [2027]
    assert is_workday(date(2027, 1, 1))  # a Friday: fallback says workday, never raises
    assert not is_workday(date(2027, 1, 2))


def test_staff_edit_changes_deadlines(bureau_user):
    # given 2027-01-01 entered as 元旦 by staff
    calendar_day_set(acting_user=bureau_user, day=date(2027, 1, 1), is_workday=False, holiday_name="元旦")
    # then the 4 工作时 limit from 2026-12-31 17:00 runs on to Monday
    assert add_time_limit(at("2026-12-31 17:00"), 4, TimeUnit.WORK_HOURS) == at("2027-01-04 11:00")


def test_staff_see_the_calendar_warning(client, bureau_user):
    client.force_login(bureau_user)
    response = client.get("/")
    assert response.status_code == 200
    assert "2027" in response.content.decode() and 'id="calendar-warning"' in response.content.decode()
