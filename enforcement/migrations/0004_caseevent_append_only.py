"""On PostgreSQL the database itself keeps case events append-only: UPDATE, DELETE and TRUNCATE of
enforcement_caseevent are refused by triggers (bureau/appendonly.py), so raw SQL and code that sidesteps
the manager cannot rewrite a case's history. Nothing on SQLite (the ORM's guard only)."""
from django.db import migrations

from bureau.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_caseevent_handling_due_index")]

    operations = [append_only_trigger("enforcement_caseevent")]
