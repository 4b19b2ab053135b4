"""Reads over places. Who works where is a fact about places: these are what every app's scope reads."""
from django.db import models
from django.db.models import Prefetch, Q

from bureau import clock


def _current(prefix: str = "", at=None):
    """Assignments in force at `at` (default now): started, and not yet ended."""
    at = at or clock.now()
    return Q(**{f"{prefix}start__lte": at}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": at}))


def _staff_sees_places(user) -> bool:
    # Places are reference data: every member of field staff sees every street (the map is for all).
    return bool(user.is_authenticated and (user.is_field_staff or user.is_superuser))


class StreetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if _staff_sees_places(user) else self.none()

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


class CommunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if _staff_sees_places(user) else self.none()

    def by_full_code(self, full_code: str):
        """A community by its 6-digit street + community code (how the API names it)."""
        if not (isinstance(full_code, str) and len(full_code) == 6 and full_code.isdigit()):
            return self.none()
        return self.filter(street__code=full_code[:3], code=full_code[3:])


class GridCellQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if _staff_sees_places(user) else self.none()

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


class RoadSegmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if _staff_sees_places(user) else self.none()

    def with_current_chief(self):
        from .models import StreetChiefAssignment

        return self.select_related("street").prefetch_related(
            Prefetch(
                "chief_assignments",
                queryset=StreetChiefAssignment.objects.current().select_related("chief"),
                to_attr="current_chiefs",
            )
        )


class AssignmentQuerySet(models.QuerySet):
    def current(self, at=None):
        return self.filter(_current("", at))

    def visible_to(self, user):
        return self if _staff_sees_places(user) else self.none()


class NamedPlaceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if _staff_sees_places(user) else self.none()
