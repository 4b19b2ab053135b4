"""Append-only history: rows are inserted, never updated or deleted.

Every history model (case events, patrol report revisions, the audit log) is guarded the same way, twice:

- in the ORM: `AppendOnlyQuerySet` (or `AppendOnlyQuerySetMixin` over an app's own QuerySet) refuses
  update(), delete(), bulk_update() and an upserting bulk_create(); `AppendOnlyModel` refuses save() of a
  row that exists and delete() of an instance;
- on PostgreSQL, in the database itself, so raw SQL and code that sidesteps the manager cannot get round
  it: `append_only_trigger(table)` makes the migration operation for triggers refusing UPDATE, DELETE and
  TRUNCATE.

TRUNCATE is let through only in a session that sets `bureau.allow_truncate` to `on`: the test suite does
(its flush between transactional tests empties every table with TRUNCATE), as does the benchmark dataset
generator when it starts afresh. No code of the product sets it.
"""
from django.db import migrations, models

ALLOW_TRUNCATE_SETTING = "bureau.allow_truncate"


class AppendOnlyError(Exception):
    """A write that would change or remove history."""


def _refuse(model, what: str):
    raise AppendOnlyError(f"{model._meta.label} is append-only: {what} refused")


class AppendOnlyQuerySetMixin:
    """Put first in the bases of an app's QuerySet: its reads stay, its mass writes to rows that exist go."""

    def update(self, **kwargs):
        _refuse(self.model, "update()")

    def delete(self):
        _refuse(self.model, "delete()")

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse(self.model, "bulk_update()")

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("update_conflicts"):
            _refuse(self.model, "bulk_create(update_conflicts=True)")
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnlyQuerySet(AppendOnlyQuerySetMixin, models.QuerySet):
    pass


class AppendOnlyModel(models.Model):
    """A history row: saved once, as an INSERT, and never again; never deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("update_fields") is not None:
            _refuse(type(self), "save() of a row that exists")
        # An INSERT even when the primary key is given: never an UPDATE that happens to match a row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self), "delete()")


class PostgreSQLOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing elsewhere (SQLite has only the ORM's guard).

    Not a RunPython on purpose: the test suite re-runs the project's RunPython operations (its seeds)
    after every flush, and DDL does not need that.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def append_only_trigger_sql(table: str, *, refuse=("UPDATE", "DELETE", "TRUNCATE")) -> tuple[list[str], list[str]]:
    """(forward statements, backward statements) for triggers on `table` refusing the operations named.

    UPDATE and DELETE are refused row by row, TRUNCATE once per statement (a TRUNCATE fires no row
    trigger), unless the session has set bureau.allow_truncate to on.
    """
    refuse = {op.upper() for op in refuse}
    unknown = refuse - {"UPDATE", "DELETE", "TRUNCATE"}
    if unknown or not refuse:
        raise ValueError(f"append_only_trigger: cannot refuse {sorted(unknown) or 'nothing'}")
    function = f"{table}_append_only"
    forwards = [
        f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND current_setting('{ALLOW_TRUNCATE_SETTING}', true) = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
""",
    ]
    backwards = []
    row_ops = [op for op in ("UPDATE", "DELETE") if op in refuse]
    if row_ops:
        forwards += [
            f"DROP TRIGGER IF EXISTS {table}_append_only_rows ON {table}",
            f"CREATE TRIGGER {table}_append_only_rows BEFORE {' OR '.join(row_ops)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
        backwards.append(f"DROP TRIGGER IF EXISTS {table}_append_only_rows ON {table}")
    if "TRUNCATE" in refuse:
        forwards += [
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
        backwards.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    backwards.append(f"DROP FUNCTION IF EXISTS {function}()")
    return forwards, backwards


def append_only_trigger(table: str, *, refuse=("UPDATE", "DELETE", "TRUNCATE")) -> migrations.RunSQL:
    """The migration operation that installs `append_only_trigger_sql(table)` on PostgreSQL."""
    forwards, backwards = append_only_trigger_sql(table, refuse=refuse)
    # A list: each statement is executed alone and without parameters (the function body holds % signs).
    return PostgreSQLOnlySQL(forwards, backwards)
