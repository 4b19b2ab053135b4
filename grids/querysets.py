"""Reads over places. Who works where is a fact about places: these are what every app's scope reads.

Two readings of "which places may this user see", kept apart on purpose:

- `visible_to(user)` is the user's WORK SCOPE, read from the assignments in force now: bureau staff
  (superusers included) every street and cell; a street leader the streets they lead and those streets'
  cells; a grid officer the cells they hold and those cells' streets; anyone else (the API client, the
  auditor, an inactive or anonymous user) nothing. Every app scopes its own rows with it, through
  `within_scope` / `PlacedQuerySet`, so "whose is this row" is written once, here.
- `readable_by(user)` is places as REFERENCE DATA: every member of field staff reads every place (the
  district map, the places API and pages), nobody else any. The places API and pages use it, not
  `visible_to`: a leader sees the whole map, while the cases on it are scoped to their street.
"""
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Prefetch, Q

from bureau import clock


def _current(prefix: str = "", at=None):
    """Assignments in force at `at` (default now): started, and not yet ended."""
    at = at or clock.now()
    return Q(**{f"{prefix}start__lte": at}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": at}))


# ---------------------------------------------------------------------------------------------- scope


def _filter_in(queryset, paths, places):
    """Rows whose place (by `paths`) is among `places` (a subquery of pks)."""
    if isinstance(paths, str):
        return queryset.filter(**{f"{paths}__in": places})
    # Several paths, possibly across to-many relations: a row is in scope through any of them. Each is a
    # `pk__in` subquery, so a row never comes back twice and the caller needs no DISTINCT.
    manager = queryset.model._default_manager
    any_of = Q()
    for path in paths:
        any_of |= Q(pk__in=manager.filter(**{f"{path}__in": places}).values("pk"))
    return queryset.filter(any_of)


def within_scope(queryset, user, *, street, cell=None):
    """`queryset` narrowed to `user`'s work scope (see the module docstring).

    `street` is the lookup path from a row to its street, or a tuple of paths (the row is in scope through
    any of them); `cell`, for rows that lie in a cell, the path to it: a grid officer then sees the rows in
    the cells they hold, not every row of those cells' streets. Bureau staff get the queryset unfiltered;
    the others one subquery, so no caller's query count changes.
    """
    from .models import GridCell, Street

    if street is None:
        raise ImproperlyConfigured(f"{type(queryset).__name__} declares no scope_street")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_bureau_staff:
        return queryset
    if user.is_grid_officer and cell is not None:
        return _filter_in(queryset, cell, GridCell.objects.visible_to(user).values("pk"))
    if user.is_street_leader or user.is_grid_officer:
        return _filter_in(queryset, street, Street.objects.visible_to(user).values("pk"))
    return queryset.none()


class PlacedQuerySet(models.QuerySet):
    """Rows that belong to a place, scoped by the user's work scope.

    A subclass declares where its rows are: `scope_street`, the lookup path from a row to its street (a
    tuple of paths: in scope through any of them), and, when rows lie in a cell, `scope_cell`, the path to
    it. A single path must follow foreign keys forward (a row matches once). The scoping test walks every
    model with `visible_to` and checks it against the assignments through these same declarations.
    """

    scope_street: str | tuple[str, ...] | None = None
    scope_cell: str | None = None

    def visible_to(self, user):
        return within_scope(self, user, street=self.scope_street, cell=self.scope_cell)


def _reads_places(user) -> bool:
    from .permissions import can_read_places

    return can_read_places(user)


class PlaceQuerySet(PlacedQuerySet):
    """Places and their assignments: scoped by `visible_to`, read as reference data by `readable_by`."""

    def readable_by(self, user):
        """Every row for field staff (the map, the places API and pages), none for anyone else."""
        return self if _reads_places(user) else self.none()


# ---------------------------------------------------------------------------------------------- places


class StreetQuerySet(PlaceQuerySet):
    scope_street = "pk"

    def visible_to(self, user):
        """Bureau staff: every street; a street leader: the streets they lead now; a grid officer: the streets
        of the cells they hold now; anyone else: none. (Every street for field staff: `readable_by`.)"""
        from .models import GridCell

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_bureau_staff:
            return self
        if user.is_street_leader:
            return self.led_by(user)
        if user.is_grid_officer:
            return self.filter(pk__in=GridCell.objects.held_by(user).values("street_id"))
        return self.none()

    def led_by(self, user, at=None):
        """The streets whose brigade `user` leads now."""
        return self.filter(_current("leader_assignments__", at), leader_assignments__user=user).distinct()

    def with_current_leader(self):
        from .models import StreetLeaderAssignment

        return self.prefetch_related(
            Prefetch(
                "leader_assignments",
                queryset=StreetLeaderAssignment.objects.current().select_related("user"),
                to_attr="current_leaders",
            )
        )


class CommunityQuerySet(PlaceQuerySet):
    # A community is seen through its street (an officer: the communities of their cells' streets).
    scope_street = "street"

    def by_full_code(self, full_code: str):
        """A community by its 6-digit street + community code (how the API names it)."""
        if not (isinstance(full_code, str) and len(full_code) == 6 and full_code.isdigit()):
            return self.none()
        return self.filter(street__code=full_code[:3], code=full_code[3:])


def in_service_q(first: date, last: date, prefix: str = "") -> Q:
    """Cells in service at some point between the two days, both included: put in service (`valid_from`) on
    or before the last day or with no start date, and taken out of service (`valid_to`) on or after the first
    day or never. `prefix` reads it through a relation (`"gridcell__"` from a through table)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": last})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": first}))


def in_service(valid_from: date | None, valid_to: date | None, first: date, last: date) -> bool:
    """`in_service_q` for a cell already in memory (a loop over many periods reads the cells once)."""
    return (valid_from is None or valid_from <= last) and (valid_to is None or valid_to >= first)


class GridCellQuerySet(PlaceQuerySet):
    scope_street = "street"
    scope_cell = "pk"

    def visible_to(self, user):
        """Bureau staff: every cell; a street leader: the cells of the streets they lead now; a grid officer:
        the cells they hold now; anyone else: none. (Every cell for field staff: `readable_by`.)"""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_bureau_staff:
            return self
        if user.is_street_leader:
            return self.led_by(user)
        if user.is_grid_officer:
            return self.held_by(user)
        return self.none()

    def in_service_between(self, first: date, last: date):
        """The cells in service at some point between the two days, both included (see `in_service_q`)."""
        return self.filter(in_service_q(first, last))

    def in_street(self, street):
        return self.filter(street=street)

    def held_by(self, user, at=None):
        """The cells `user` holds as grid officer now."""
        return self.filter(_current("officer_assignments__", at), officer_assignments__officer=user).distinct()

    def led_by(self, user, at=None):
        """The cells of the streets `user` leads."""
        from .models import Street

        return self.filter(street__in=Street.objects.led_by(user, at))

    def with_current_officer(self):
        """Each cell with `current_officers` (a list of at most one assignment, its officer loaded)."""
        from .models import OfficerAssignment

        return self.select_related("street", "community").prefetch_related(
            Prefetch(
                "officer_assignments",
                queryset=OfficerAssignment.objects.current().select_related("officer"),
                to_attr="current_officers",
            )
        )


class RoadSegmentQuerySet(PlaceQuerySet):
    scope_street = "street"

    def with_current_chief(self):
        from .models import StreetChiefAssignment

        return self.select_related("street").prefetch_related(
            Prefetch(
                "chief_assignments",
                queryset=StreetChiefAssignment.objects.current().select_related("chief"),
                to_attr="current_chiefs",
            )
        )


# The assignment models share this queryset; each row's place is read from the model's own field:
# (field, path to the street, path to the cell).
_ASSIGNMENT_PLACES = (("street", "street", None), ("cell", "cell__street", "cell"), ("segment", "segment__street", None))


class AssignmentQuerySet(PlaceQuerySet):
    def _place(self):
        names = {f.name for f in self.model._meta.get_fields()}
        for field, street, cell in _ASSIGNMENT_PLACES:
            if field in names:
                return street, cell
        raise ImproperlyConfigured(f"{self.model.__name__}: an assignment to no street, cell or segment")

    @property
    def scope_street(self):
        return self._place()[0]

    @property
    def scope_cell(self):
        return self._place()[1]

    def current(self, at=None):
        return self.filter(_current("", at))


class NamedPlaceQuerySet(PlaceQuerySet):
    """Named places (markets, squares, zones) are places: scoped through their street, read by field staff."""

    scope_street = "street"
