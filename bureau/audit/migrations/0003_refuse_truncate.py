"""On PostgreSQL the audit log refuses TRUNCATE too: a TRUNCATE fires no row trigger, so the guard of
0002 (UPDATE refused, DELETE refused inside the retention period) did not see it. UPDATE and DELETE stay
with that guard, which knows the retention rule."""
from django.db import migrations

from bureau.appendonly import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [append_only_trigger("audit_auditentry", refuse=("TRUNCATE",))]
