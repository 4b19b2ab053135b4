"""On PostgreSQL, the database itself keeps the audit log append-only: UPDATE is always refused, DELETE
is refused for rows younger than the retention period, so raw SQL and QuerySet.update() cannot get
round it. The period lives in a one-row table the trigger reads, kept in step with the setting."""
from django.db import migrations

CREATE = """
CREATE TABLE IF NOT EXISTS audit_retention (id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
                                            days integer NOT NULL CHECK (days >= 184));
INSERT INTO audit_retention (id, days) VALUES (1, 184) ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION audit_entry_guard() RETURNS trigger AS $$
DECLARE keep_days integer;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit log is append-only: UPDATE refused';
  END IF;
  SELECT days INTO keep_days FROM audit_retention WHERE id = 1;
  IF OLD.at > now() - make_interval(days => COALESCE(keep_days, 184)) THEN
    RAISE EXCEPTION 'audit log: rows younger than % days cannot be deleted', COALESCE(keep_days, 184);
  END IF;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_guard();
DROP TABLE IF EXISTS audit_retention;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # None: the SQL has literal % signs


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
