"""On PostgreSQL the database itself keeps patrol report revisions append-only: UPDATE, DELETE and
TRUNCATE of inspections_patrolreportrevision are refused by triggers (bureau/appendonly.py). Nothing on
SQLite (the ORM's guard only)."""
from django.db import migrations

from bureau.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_caseevent_deadline_index")]

    operations = [append_only_trigger("inspections_patrolreportrevision")]
