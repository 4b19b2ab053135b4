"""grids' scoping vocabulary: cells in service during a period, places read as reference data."""
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

from bureau.accounts.choices import Role
from grids.models import Community, GridCell, OfficerAssignment, RoadSegment, Street, StreetLeaderAssignment
from grids.querysets import PlacedQuerySet, in_service, in_service_q, within_scope
from tests.conftest import make_user
from tests.factories import GridCellFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 11, 16), date(2026, 11, 22)


@pytest.fixture
def cells(two_streets):
    """Cells named by how their service dates sit against the week FIRST..LAST."""
    community = two_streets["a1"].community
    spans = {
        "always": (None, None),
        "starts_on_last_day": (LAST, None),
        "starts_after": (date(2026, 11, 23), None),
        "ends_on_first_day": (None, FIRST),
        "ended_before": (None, date(2026, 11, 15)),
        "inside": (date(2026, 11, 17), date(2026, 11, 18)),
        "spans": (date(2026, 1, 1), date(2027, 1, 1)),
    }
    return {name: GridCellFactory(community=community, valid_from=f, valid_to=t) for name, (f, t) in spans.items()}


def test_cells_in_service_at_some_point_of_the_period_both_days_included(cells):
    # when
    found = set(GridCell.objects.filter(pk__in=[c.pk for c in cells.values()])
                .in_service_between(FIRST, LAST).values_list("pk", flat=True))

    # then
    expected = {"always", "starts_on_last_day", "ends_on_first_day", "inside", "spans"}
    assert found == {cells[name].pk for name in expected}


def test_the_in_memory_and_the_related_readings_agree_with_the_queryset(cells, two_streets):
    # given: the same rule read from cells in memory and through a relation (a street's cells)
    by_query = set(GridCell.objects.in_service_between(FIRST, LAST).values_list("pk", flat=True))

    # when
    in_memory = {c.pk for c in GridCell.objects.all() if in_service(c.valid_from, c.valid_to, FIRST, LAST)}
    streets = set(Street.objects.filter(in_service_q(FIRST, LAST, prefix="cells__")).values_list("pk", flat=True))

    # then
    assert in_memory == by_query
    assert streets == set(GridCell.objects.filter(pk__in=by_query).values_list("street", flat=True))


@pytest.mark.parametrize("role", ["bureau", "leader", "officer", "superuser"])
def test_field_staff_read_every_place(two_streets, role):
    # given
    user = {
        "bureau": lambda: make_user("r-bureau", Role.BUREAU),
        "leader": lambda: two_streets["leader_a"],
        "officer": lambda: two_streets["officer_a1"],
        "superuser": lambda: make_user("r-admin", Role.ADMIN, is_superuser=True),
    }[role]()

    # then: places are reference data, whatever the user's work scope
    for model in (Street, Community, GridCell, RoadSegment, OfficerAssignment, StreetLeaderAssignment):
        assert model.objects.readable_by(user).count() == model.objects.count()
    assert GridCell.objects.readable_by(user).count() == 4


@pytest.mark.parametrize("role", [Role.API, Role.AUDITOR, "inactive", "anonymous"])
def test_nobody_else_reads_places(two_streets, role):
    # given
    if role == "anonymous":
        user = AnonymousUser()
    elif role == "inactive":
        user = make_user("r-gone", Role.BUREAU, is_active=False)
    else:
        user = make_user(f"r-{role}", role)

    # then
    for model in (Street, Community, GridCell, RoadSegment, OfficerAssignment, StreetLeaderAssignment):
        assert not model.objects.readable_by(user).exists()


def test_the_work_scope_is_narrower_than_what_is_read(two_streets):
    # given
    leader, officer = two_streets["leader_a"], two_streets["officer_a1"]

    # then
    assert set(Street.objects.visible_to(leader)) == {two_streets["a"]}
    assert set(GridCell.objects.visible_to(leader)) == {two_streets["a1"], two_streets["a2"]}
    assert set(GridCell.objects.visible_to(officer)) == {two_streets["a1"]}
    assert set(Street.objects.visible_to(officer)) == {two_streets["a"]}
    assert GridCell.objects.readable_by(officer).count() == 4


def test_a_placed_queryset_must_say_where_its_rows_are(two_streets):
    class Nowhere(PlacedQuerySet):
        pass

    with pytest.raises(ImproperlyConfigured):
        Nowhere(model=Street).visible_to(two_streets["leader_a"])
    with pytest.raises(ImproperlyConfigured):
        within_scope(Street.objects.all(), two_streets["leader_a"], street=None)
