"""Who may do what with places, in one place: the API permission classes and the services both ask here.

The audiences are bureau/accounts/permissions.py's; this module says which of them may read and change
places. Places are reference data: every member of field staff reads all of them (`readable_by`), while
which rows are theirs to work is the scope (`visible_to`).
"""
from bureau.accounts.permissions import (
    ALL,
    READ,
    AudiencePermission,
    IsFieldStaffReader,
    bureau_staff,
    field_staff,
    grid_officer,
    street_leader,
)


def can_read_places(user) -> bool:
    # Every member of field staff reads places (the map is for all); the API client reads only rankings
    # and bulletins, the auditor only the audit log.
    return field_staff(user)


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


class PlacesPermission(IsFieldStaffReader):
    """Field staff read; bureau staff write. Everyone else gets 403 (authenticated) or 401."""


class OfficerAssignmentPermission(AudiencePermission):
    """Field staff read; bureau staff and street leaders may ask to assign (the service checks the street)."""

    rights = ((bureau_staff, ALL), (street_leader, ALL), (grid_officer, READ))
