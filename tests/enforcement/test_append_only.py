"""Case events are append-only (bureau/appendonly.py): the ORM refuses to change or remove one, and on
PostgreSQL so does the database, raw SQL included."""
import pytest

from enforcement.models import CaseEvent
from tests.appendonly_support import assert_orm_refuses, assert_postgres_refuses

pytestmark = pytest.mark.django_db


def test_the_orm_refuses_to_change_or_remove_a_case_event(report):
    # given
    event = report().events.get()

    # then
    assert_orm_refuses(event, note="改写")


def test_a_new_event_is_still_inserted(report, act):
    # given
    case = report()

    # when
    act(case, "register")

    # then
    assert CaseEvent.objects.filter(case=case).count() == 2


@pytest.mark.postgres
def test_postgres_refuses_raw_update_delete_and_truncate_of_case_events(report):
    # given
    event = report().events.get()

    # then
    assert_postgres_refuses("enforcement_caseevent", event.pk, "note = 'tampered'")
