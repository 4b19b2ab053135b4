"""Seed the calendar table from chinesecalendar (2004-2026). Staff edit it afterwards."""
from datetime import date, timedelta

from django.db import migrations


def seed(apps, schema_editor):
    from bureau.workcalendar.services import package_days

    CalendarDay = apps.get_model("workcalendar", "CalendarDay")
    WorkPeriod = apps.get_model("workcalendar", "WorkPeriod")
    db = schema_editor.connection.alias
    existing = set(CalendarDay.objects.using(db).values_list("date", flat=True))
    CalendarDay.objects.using(db).bulk_create(
        [CalendarDay(date=d, is_workday=w, holiday_name=n, source="package") for d, w, n in package_days()
         if d not in existing],
        batch_size=2000,
    )
    if not WorkPeriod.objects.using(db).exists():
        from datetime import time

        WorkPeriod.objects.using(db).bulk_create(
            [WorkPeriod(start=time(8), end=time(12)), WorkPeriod(start=time(14), end=time(18))]
        )


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
