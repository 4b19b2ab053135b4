"""Who may read street commerce: field staff (bureau, street leaders, grid officers), each in their scope
(querysets.visible_to). The API client and the auditor may not (403)."""
from bureau.accounts.permissions import IsFieldStaff, field_staff


def can_read_markets(user) -> bool:
    return field_staff(user)


class MarketsReadPermission(IsFieldStaff):
    """Field staff, any method (the views are read-only: a write is 405, not 403)."""
