"""The three kinds of assignment (street leader, grid officer, street chief) share one abstract model and
one assign service: the same keep / end / insert / audit rules, each with its own rule of who may be
assigned."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from bureau import clock
from bureau.accounts.choices import Role
from bureau.audit.models import AuditEntry
from grids import services
from grids.models import Assignment, OfficerAssignment, StreetChiefAssignment, StreetLeaderAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def segment(two_streets, bureau_user):
    return services.road_segment_create(acting_user=bureau_user, street=two_streets["a"], name="鹭洲路", code="001-01")


@pytest.fixture
def kinds(two_streets, segment):
    """For each kind: (model, the service call, its place, a first and a second person)."""
    officer2 = UserFactory(username="officer-2", role=Role.OFFICER)
    leader3 = UserFactory(username="leader-3", role=Role.LEADER)
    return {
        "officer": (OfficerAssignment, lambda **kw: services.officer_assign(cell=two_streets["a1"], officer=kw.pop("p"),
                                                                            **kw),
                    two_streets["a1"], two_streets["officer_a1"], officer2),
        "leader": (StreetLeaderAssignment, lambda **kw: services.street_leader_assign(street=two_streets["a"],
                                                                                      user=kw.pop("p"), **kw),
                   two_streets["a"], two_streets["leader_a"], leader3),
        "chief": (StreetChiefAssignment, lambda **kw: services.street_chief_assign(segment=segment, chief=kw.pop("p"),
                                                                                   **kw),
                  segment, two_streets["leader_a"], leader3),
    }


def test_the_three_share_one_abstract_model():
    for model in (OfficerAssignment, StreetLeaderAssignment, StreetChiefAssignment):
        assert issubclass(model, Assignment) and not model._meta.abstract
        names = {f.name for f in model._meta.fields}
        assert {"start", "end", "assigned_by", model.place_field, model.person_field} <= names


@pytest.mark.parametrize("kind", ["officer", "leader", "chief"])
def test_assigning_a_new_person_ends_the_previous_row_and_is_audited(kinds, kind, bureau_user):
    # given: the first person holds the place
    model, call, place, first, second = kinds[kind]
    before = call(acting_user=bureau_user, p=first)
    later = clock.now() + timedelta(hours=1)

    # when
    new = call(acting_user=bureau_user, p=second, start=later)

    # then
    before.refresh_from_db()
    assert before.end == later
    current = model.objects.filter(**{model.place_field: place}, end__isnull=True)
    assert list(current) == [new] and getattr(new, f"{model.person_field}_id") == second.pk
    assert new.assigned_by == bureau_user and str(new) == f"{place} · {second}"
    assert AuditEntry.objects.filter(action=f"grids.{'street_' if kind != 'officer' else ''}{kind}_assign",
                                     object_id=str(new.pk)).exists()


@pytest.mark.parametrize("kind", ["officer", "leader", "chief"])
def test_assigning_the_current_holder_again_changes_nothing(kinds, kind, bureau_user):
    # given
    model, call, _place, first, _second = kinds[kind]
    row = call(acting_user=bureau_user, p=first)
    count, audits = model.objects.count(), AuditEntry.objects.count()

    # when
    again = call(acting_user=bureau_user, p=first)

    # then
    assert again.pk == row.pk
    assert (model.objects.count(), AuditEntry.objects.count()) == (count, audits)


def test_a_leader_moving_street_leaves_the_old_one(two_streets, bureau_user):
    # when: street 001's leader is made street 002's
    services.street_leader_assign(acting_user=bureau_user, street=two_streets["b"], user=two_streets["leader_a"])

    # then: one current street for the leader, and 002's previous leader no longer current
    current = StreetLeaderAssignment.objects.current(clock.now())
    assert list(current.filter(user=two_streets["leader_a"]).values_list("street__code", flat=True)) == ["002"]
    assert not current.filter(user=two_streets["leader_b"]).exists()


def test_each_kind_keeps_its_own_rule_of_who_may_be_assigned(two_streets, segment, bureau_user):
    api = UserFactory(username="api-1", role=Role.API)
    with pytest.raises(ValidationError):
        services.officer_assign(acting_user=bureau_user, cell=two_streets["a1"], officer=two_streets["leader_a"])
    with pytest.raises(ValidationError):
        services.street_leader_assign(acting_user=bureau_user, street=two_streets["a"], user=two_streets["officer_a1"])
    with pytest.raises(ValidationError):
        services.street_chief_assign(acting_user=bureau_user, segment=segment, chief=api)
