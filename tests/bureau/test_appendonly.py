"""The append-only guard every history model uses (bureau/appendonly.py)."""
import pytest
from django.db import DatabaseError, connection, transaction

from bureau.appendonly import (
    AppendOnlyError,
    AppendOnlyModel,
    AppendOnlyQuerySetMixin,
    PostgreSQLOnlySQL,
    append_only_trigger,
    append_only_trigger_sql,
)
from bureau.audit.models import AuditEntry
from enforcement.models import CaseEvent
from inspections.models import PatrolReportRevision


@pytest.mark.parametrize("model", [CaseEvent, PatrolReportRevision, AuditEntry])
def test_every_history_model_uses_the_one_guard(model):
    assert issubclass(model, AppendOnlyModel)
    assert isinstance(model.objects.all(), AppendOnlyQuerySetMixin)
    assert isinstance(model._default_manager.all(), AppendOnlyQuerySetMixin)


def test_the_trigger_sql_refuses_what_it_is_told():
    # when
    full, full_back = append_only_trigger_sql("t")
    truncate_only, _ = append_only_trigger_sql("t", refuse=("TRUNCATE",))

    # then
    text = "\n".join(full)
    assert "BEFORE UPDATE OR DELETE ON t FOR EACH ROW" in text
    assert "BEFORE TRUNCATE ON t FOR EACH STATEMENT" in text
    assert "current_setting('bureau.allow_truncate', true) = 'on'" in text
    assert "FOR EACH ROW" not in "\n".join(truncate_only)
    assert full_back[-1] == "DROP FUNCTION IF EXISTS t_append_only()"
    with pytest.raises(ValueError, match="cannot refuse"):
        append_only_trigger_sql("t", refuse=("INSERT",))


def test_the_operation_runs_on_postgresql_only():
    assert isinstance(append_only_trigger("t"), PostgreSQLOnlySQL)


@pytest.mark.django_db
def test_an_upserting_bulk_create_is_refused():
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([], update_conflicts=True, update_fields=["action"], unique_fields=["id"])


@pytest.mark.django_db
def test_a_new_row_with_a_primary_key_is_inserted_never_updated():
    # given: an existing row, and a new instance carrying its primary key
    from bureau import clock

    row = AuditEntry.objects.create(at=clock.now(), action="first")
    twin = AuditEntry(pk=row.pk, at=clock.now(), action="second")

    # then: the save is an INSERT, which the primary key refuses; the row is untouched
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017,PT011 - IntegrityError on every database
        twin.save()
    assert AuditEntry.objects.get(pk=row.pk).action == "first"


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_test_sessions_may_truncate_and_others_may_not():
    # given: the test settings allow TRUNCATE for the suite's flush
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('bureau.allow_truncate', true)")
        assert cursor.fetchone()[0] == "on"

    # then: with the setting on, TRUNCATE passes (rolled back here); off, it is refused
    with pytest.raises(RuntimeError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE enforcement_caseevent CASCADE")
        raise RuntimeError("roll back")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL bureau.allow_truncate = off")
        cursor.execute("TRUNCATE enforcement_caseevent CASCADE")
