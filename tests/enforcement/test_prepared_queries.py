"""Prepared statements (bureau/prepared.py): compiled once, run with the caller's values and the time of the
call, and refused when the SQL depends on a value in any other way."""
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from bureau import clock
from bureau.prepared import Prepared

pytestmark = pytest.mark.django_db


def _scoped(shape, *, user, pk):
    from bureau.accounts.models import User
    from enforcement.models import Case

    viewer = User(pk=user, role=shape[1], is_active=True)
    return Case.objects.visible_to(viewer).filter(pk=pk).values("pk", "street__code")


def test_a_prepared_query_puts_the_callers_values_and_the_time_where_they_stand(place_cases):
    place, case = place_cases
    prepared = Prepared(_scoped, ("user", "pk"))
    shape = ("scoped", "leader")
    # the leader of A sees A's case, the leader of B does not: the user's id is a parameter of the one statement
    assert prepared.rows(shape, user=place["leader_a"].pk, pk=case.pk) == [{"pk": case.pk, "street__code": "001"}]
    assert prepared.rows(shape, user=place["leader_b"].pk, pk=case.pk) == []
    # the assignments in force are read at the time of the call, not the time of compiling
    with clock.frozen(clock.now() - timedelta(days=3650)):
        assert prepared.rows(shape, user=place["leader_a"].pk, pk=case.pk) == []
    assert prepared.count(shape, user=place["leader_a"].pk, pk=case.pk) == 1
    assert len(prepared._shapes) == 1  # compiled once


def test_a_query_depending_on_a_value_it_was_not_told_of_is_refused(place_cases):
    from enforcement.models import Case

    def derived(shape, *, pk):  # a date computed from now: it would be served stale
        return Case.objects.filter(pk=pk, reported_at__gte=clock.now() - timedelta(days=1)).values("pk")

    def read_while_building(shape, *, pk):  # a value looked up while building: it would be kept forever
        return Case.objects.filter(number__gte=str(pk)).values("pk")

    for build in (derived, read_while_building):
        with pytest.raises(ImproperlyConfigured):
            Prepared(build, ("pk",)).rows(("x",), pk=place_cases[1].pk)


@pytest.fixture
def place_cases(place, report):
    return place, report(cell="a1")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_statement_is_prepared_once_per_connection_and_survives_losing_it(place_cases):
    from django.db import connection

    place, case = place_cases
    prepared = Prepared(_scoped, ("user", "pk"))
    shape = ("scoped", "leader")
    expected = [{"pk": case.pk, "street__code": "001"}]

    def statements():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'bureau_prepared_%%'")
            return [row[0] for row in cursor.fetchall()]

    # outside a transaction, with a kept connection: prepared on the server once, then executed
    assert not connection.in_atomic_block
    assert prepared.rows(shape, user=place["leader_a"].pk, pk=case.pk) == expected
    assert prepared.rows(shape, user=place["leader_b"].pk, pk=case.pk) == []
    assert len(statements()) == 1
    # a statement gone behind its back (a pooler, a schema change): the rows come all the same
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert prepared.rows(shape, user=place["leader_a"].pk, pk=case.pk) == expected
    assert prepared.rows(shape, user=place["leader_a"].pk, pk=case.pk) == expected
    assert len(statements()) == 1
    # a new connection prepares it again
    connection.close()
    assert prepared.rows(shape, user=place["leader_a"].pk, pk=case.pk) == expected
    assert len(statements()) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_behind_a_pooler_nothing_is_prepared_on_the_server(place_cases, settings):
    from django.db import connection

    place, case = place_cases
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        prepared = Prepared(_scoped, ("user", "pk"))
        assert prepared.rows(("scoped", "leader"), user=place["leader_a"].pk, pk=case.pk)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] == 0
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False


def test_shapes_beyond_the_limit_are_compiled_for_their_call_only(place_cases):
    place, case = place_cases

    def page(shape, *, pk):
        from enforcement.models import Case

        return Case.objects.filter(pk__gte=pk).order_by("pk").values("pk")[shape[1]:shape[1] + 1]

    prepared = Prepared(page, ("pk",), max_shapes=2)
    assert [prepared.rows(("page", offset), pk=case.pk) for offset in range(4)] == [[{"pk": case.pk}], [], [], []]
    assert len(prepared._shapes) == 2  # a client walking every page does not grow the process
