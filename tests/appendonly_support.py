"""Checks every append-only history model must pass (bureau/appendonly.py), shared by the apps' tests."""
import pytest
from django.db import DatabaseError, connection, transaction

from bureau.appendonly import AppendOnlyError


def assert_orm_refuses(row, **change):
    """update(), delete(), bulk_update(), save() of the existing row and delete() of it: all refused, and
    the row is as it was."""
    model = type(row)
    field, value = next(iter(change.items()))
    before = getattr(row, field)
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(**change)
    with pytest.raises(AppendOnlyError):
        model.objects.update(**change)
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    setattr(row, field, value)
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update([row], [field])
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.save(update_fields=[field])
    with pytest.raises(AppendOnlyError):
        row.delete()
    fresh = model.objects.get(pk=row.pk)
    assert getattr(fresh, field) == before


def assert_postgres_refuses(table: str, pk: int, set_sql: str):
    """Raw UPDATE, DELETE and TRUNCATE of the table are refused by the database (TRUNCATE once the session
    no longer allows it, as the product's sessions never do)."""
    statements = [f"UPDATE {table} SET {set_sql} WHERE id = %s",  # noqa: S608 - our own table names
                  f"DELETE FROM {table} WHERE id = %s"]  # noqa: S608
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses to run with deferred checks pending
        cursor.execute("SET LOCAL bureau.allow_truncate = off")
        cursor.execute(f"TRUNCATE {table} CASCADE")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [pk])  # noqa: S608 - our own table name
        assert cursor.fetchone()[0] == 1
