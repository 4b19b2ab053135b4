"""An index on the case events' handling deadline, for the assessment's "deadline fell in the period" lookup.

The rankings (inspections/scoring.py) find a period's candidate cases by two index range scans: closes
recorded in the period (enforcement's caseevent_action_recorded) and deadlines set inside it (this one).
Without it, every compile scans the whole event table. It is created here, by the app whose query needs
it, as plain SQL (no model state), so the enforcement app's models stay as they are.
"""
from django.db import migrations

INDEX = "inspections_caseevent_handling_due"


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_default_patrol_count_fields"),
        ("enforcement", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON enforcement_caseevent (handling_due_at)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
