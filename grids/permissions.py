"""Who may do what with places, in one place: the API permission classes and the services both ask here."""
from rest_framework.permissions import SAFE_METHODS, BasePermission


def can_read_places(user) -> bool:
    # Every member of field staff reads places (the map is for all); the API client reads only rankings
    # and bulletins, the auditor only the audit log.
    return bool(user and user.is_authenticated and (user.is_field_staff or user.is_superuser))


def can_change_places(user) -> bool:
    """Streets, communities, cells, road segments, street leaders and chiefs: bureau staff only."""
    return bool(user and user.is_authenticated and user.is_bureau_staff)


def can_assign_officers_somewhere(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_bureau_staff or user.is_street_leader))


def can_assign_officer(user, cell) -> bool:
    """Bureau staff anywhere; a street leader in the street they lead now."""
    if not (user and user.is_authenticated):
        return False
    if user.is_bureau_staff:
        return True
    if user.is_street_leader:
        from .models import Street

        return Street.objects.led_by(user).filter(pk=cell.street_id).exists()
    return False


class PlacesPermission(BasePermission):
    """Field staff read; bureau staff write. Everyone else gets 403 (authenticated) or 401."""

    def has_permission(self, request, view):
        user = request.user
        if not can_read_places(user):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_change_places(user)


class OfficerAssignmentPermission(BasePermission):
    """Field staff read; bureau staff and street leaders may ask to assign (the service checks the street)."""

    def has_permission(self, request, view):
        user = request.user
        if not can_read_places(user):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_assign_officers_somewhere(user)
