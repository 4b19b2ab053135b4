"""Kept for history: this migration used to create an index on enforcement's case events by raw SQL.

The index is now declared where its table is, in CaseEvent.Meta.indexes (`caseevent_handling_due`), by
enforcement's migration 0003, which also renames the index this migration created on databases that ran it.
"""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_default_patrol_count_fields"),
        ("enforcement", "0001_initial"),
    ]

    operations = []
