"""Reads over places. Who works where is a fact about places: these are what every app's scope reads."""
from django.db import models
from django.db.models import Q
from django.utils import timezone


def _current(prefix: str = "", at=None):
    """Assignments in force at `at` (default now): started, and not yet ended."""
    at = at or timezone.now()
    return Q(**{f"{prefix}start__lte": at}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": at}))


class StreetQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Places are reference data: every member of staff sees every street (the map is for all).
        if user.is_authenticated and (user.is_field_staff or user.is_superuser):
            return self
        return self.none()

    def led_by(self, user, at=None):
        """The streets whose brigade `user` leads now."""
        return self.filter(_current("leader_assignments__", at), leader_assignments__user=user).distinct()


class CommunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and (user.is_field_staff or user.is_superuser):
            return self
        return self.none()


class GridCellQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and (user.is_field_staff or user.is_superuser):
            return self
        return self.none()

    def in_street(self, street):
        return self.filter(street=street)

    def held_by(self, user, at=None):
        """The cells `user` holds as grid officer now."""
        return self.filter(_current("officer_assignments__", at), officer_assignments__officer=user).distinct()

    def led_by(self, user, at=None):
        """The cells of the streets `user` leads."""
        from .models import Street

        return self.filter(street__in=Street.objects.led_by(user, at))


class AssignmentQuerySet(models.QuerySet):
    def current(self, at=None):
        return self.filter(_current("", at))
