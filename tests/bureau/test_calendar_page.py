"""Staff keep the work calendar: the page (bureau staff), the admin (through the audited services)."""
from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from bureau.accounts.choices import Role
from bureau.audit.models import AuditEntry
from bureau.workcalendar import calendar
from bureau.workcalendar.models import CalendarDay, WorkPeriod
from bureau.workcalendar.services import calendar_exceptions, work_periods_set
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _web(user):
    client = Client()
    client.force_login(user)
    return client


def test_bureau_staff_see_a_years_exceptions(bureau_user):
    # when
    response = _web(bureau_user).get("/platform/calendar/", {"year": 2026})

    # then: National Day and the 调休 Saturday workday of 2026-10-10 are listed, an ordinary Tuesday is not
    assert response.status_code == 200
    listed = {d.date for d in response.context["days"]}
    assert date(2026, 10, 1) in listed and date(2026, 10, 10) in listed
    assert date(2026, 11, 24) not in listed
    assert response.context["has_data"]


def test_staff_enter_next_years_holiday_and_the_warning_goes(bureau_user):
    # given
    client = _web(bureau_user)
    page = client.get("/platform/calendar/", {"year": 2027})
    assert not page.context["has_data"]

    # when
    response = client.post("/platform/calendar/", {"date": "2027-01-01", "is_workday": "0", "holiday_name": "元旦"})

    # then
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    day = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert not day.is_workday and day.holiday_name == "元旦" and day.source == "manual"
    assert not calendar.is_workday(date(2027, 1, 1))
    assert AuditEntry.objects.filter(action="calendar.day_set", actor=bureau_user).exists()
    assert client.get("/platform/calendar/", {"year": 2027}).context["has_data"]


def test_invalid_input_is_shown_not_saved(bureau_user):
    response = _web(bureau_user).post("/platform/calendar/", {"date": "not-a-date", "is_workday": "0"})
    assert response.status_code == 200 and response.context["form"].errors
    assert _web(bureau_user).get("/platform/calendar/", {"year": "abc"}).status_code == 200


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.API, Role.AUDITOR])
def test_other_roles_get_403(role):
    user = make_user(f"cal-{role}", role)
    assert _web(user).get("/platform/calendar/").status_code == 403
    assert _web(user).post("/platform/calendar/", {"date": "2027-01-01", "is_workday": "0"}).status_code == 403
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


def test_calendar_exceptions_lists_named_and_moved_days():
    days = {d.date: d for d in calendar_exceptions(2026)}
    assert days[date(2026, 2, 14)].is_workday  # a 调休 Saturday
    assert not days[date(2026, 10, 1)].is_workday
    assert all(d.date.year == 2026 for d in days.values())


def test_office_hours_are_replaced_through_the_service(bureau_user):
    # when
    work_periods_set(acting_user=bureau_user, periods=[(time(8, 30), time(12)), (time(13, 30), time(17, 30))])

    # then
    assert [(p.start, p.end) for p in WorkPeriod.objects.all()] == [(time(8, 30), time(12)), (time(13, 30), time(17, 30))]
    assert AuditEntry.objects.filter(action="calendar.work_periods_set").exists()


def test_overlapping_or_empty_office_hours_are_refused(bureau_user):
    with pytest.raises(ValidationError):
        work_periods_set(acting_user=bureau_user, periods=[(time(8), time(12)), (time(11), time(14))])
    with pytest.raises(ValidationError):
        work_periods_set(acting_user=bureau_user, periods=[])
    with pytest.raises(ValidationError):
        work_periods_set(acting_user=bureau_user, periods=[(time(12), time(8))])


def test_admin_edits_days_through_the_audited_service(admin_user):
    # given
    client = _web(admin_user)

    # when
    added = client.post("/admin/workcalendar/calendarday/add/",
                        {"date": "2027-02-06", "is_workday": "on", "holiday_name": "春节调休"})
    day = CalendarDay.objects.get(date=date(2027, 2, 6))
    changed = client.post(f"/admin/workcalendar/calendarday/{day.pk}/change/", {"holiday_name": "春节调休上班",
                                                                                 "is_workday": "on"})

    # then
    assert added.status_code == 302 and changed.status_code == 302
    day.refresh_from_db()
    assert day.is_workday and day.holiday_name == "春节调休上班"
    assert AuditEntry.objects.filter(action="calendar.day_set", actor=admin_user).count() == 2
    assert client.get(f"/admin/workcalendar/calendarday/{day.pk}/delete/").status_code == 403


def test_admin_edits_office_hours_through_the_service(admin_user):
    # given
    client = _web(admin_user)
    morning = WorkPeriod.objects.order_by("start").first()

    # when
    response = client.post(f"/admin/workcalendar/workperiod/{morning.pk}/change/", {"start": "08:30", "end": "12:00"})

    # then
    assert response.status_code == 302
    assert [(p.start, p.end) for p in WorkPeriod.objects.all()] == [(time(8, 30), time(12)), (time(14), time(18))]
    assert AuditEntry.objects.filter(action="calendar.work_periods_set", actor=admin_user).exists()
