"""Who may read street commerce: field staff (bureau, street leaders, grid officers), each in their scope
(querysets.visible_to). The API client and the auditor may not (403)."""
from bureau.accounts.permissions import (
    ALL,
    READ,
    AudiencePermission,
    IsFieldStaff,
    bureau_staff,
    field_staff,
    grid_officer,
    street_leader,
)


def can_read_markets(user) -> bool:
    return field_staff(user)


class MarketsReadPermission(IsFieldStaff):
    """Field staff, any method (the views are read-only: a write is 405, not 403)."""


class MarketsWritePermission(AudiencePermission):
    """Street leaders (in their street) and bureau staff write; grid officers read. The bureau-only actions
    (approve, renew, revoke, zones) are refused to leaders by the workflow table or the view."""

    rights = ((bureau_staff, ALL), (street_leader, ALL), (grid_officer, READ))


class ZoneWritePermission(AudiencePermission):
    """Zones are a district-wide decision: bureau staff write, leaders and officers read."""

    rights = ((bureau_staff, ALL), (street_leader, READ), (grid_officer, READ))


class AdTargetPermission(AudiencePermission):
    """The public-service ad targets are the bureau's to set; leaders and officers read the ratios."""

    rights = ((bureau_staff, ALL), (street_leader, READ), (grid_officer, READ))
