"""The index on case events' handling deadline, declared in CaseEvent.Meta.indexes as `caseevent_handling_due`.

It used to be created by raw SQL in inspections' migration 0004 as `inspections_caseevent_handling_due`
(that migration is now a no-op kept for history). Here the model state gains the index, and the database:
- on PostgreSQL, renames the old index when it is there (same column, so no rebuild of a large table);
- otherwise drops the old one if present and creates the new one unless it exists already,
so a fresh database and one that ran the old inspections 0004 end up the same.
"""
from django.db import migrations, models

OLD, NEW = "inspections_caseevent_handling_due", "caseevent_handling_due"
INDEX = models.Index(fields=["handling_due_at"], name=NEW)


def _existing(schema_editor, table):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def forwards(apps, schema_editor):
    model = apps.get_model("enforcement", "CaseEvent")
    existing = _existing(schema_editor, model._meta.db_table)
    quote = schema_editor.quote_name
    if OLD in existing and NEW not in existing and schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {quote(OLD)} RENAME TO {quote(NEW)}")
        return
    if OLD in existing:
        schema_editor.execute(f"DROP INDEX {quote(OLD)}")
    if NEW not in existing:
        schema_editor.add_index(model, INDEX)


def backwards(apps, schema_editor):
    model = apps.get_model("enforcement", "CaseEvent")
    if NEW in _existing(schema_editor, model._meta.db_table):
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0002_seed_categories"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="caseevent", index=INDEX)],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
