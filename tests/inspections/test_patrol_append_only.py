"""Patrol report revisions are append-only (bureau/appendonly.py): the ORM refuses to change or remove
one, and on PostgreSQL so does the database, raw SQL included."""
from datetime import date, datetime

import pytest

from inspections.models import PatrolReportRevision
from inspections.services.patrols import patrol_report_file
from tests.appendonly_support import assert_orm_refuses, assert_postgres_refuses
from tests.inspections import patrol_support

place, frozen_now = patrol_support.place, patrol_support.frozen_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def revision(place, frozen_now):
    report = patrol_report_file(
        acting_user=place["leader_a"], date=date(2026, 11, 24), shift="day", grid_cells=[place["a1"].code],
        started_at=datetime.fromisoformat("2026-11-24T09:00:00+08:00"),
        ended_at=datetime.fromisoformat("2026-11-24T11:00:00+08:00"), summary="巡查", findings=[],
    )
    return PatrolReportRevision.objects.create(report=report, number=1, body={"summary": "巡查"},
                                               amended_by=place["leader_a"], amended_at=frozen_now, reason="更正")


def test_the_orm_refuses_to_change_or_remove_a_revision(revision):
    assert_orm_refuses(revision, reason="改写")


@pytest.mark.postgres
def test_postgres_refuses_raw_update_delete_and_truncate_of_revisions(revision):
    assert_postgres_refuses("inspections_patrolreportrevision", revision.pk, "reason = 'tampered'")
