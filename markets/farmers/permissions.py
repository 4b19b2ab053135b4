"""Who may do what with farmers markets. Registers (markets, stations, posts, slots, volunteer points) and the
decisions (handling a complaint, signing off a repair) are the street's and the bureau's; the field work
(recording a cleaning round, an inspection, a complaint received, a repair reported) is any field staff's,
grid officers included. Each in their scope (`visible_to`)."""
from bureau.accounts.permissions import ALL, AudiencePermission, bureau_staff, field_staff, grid_officer, street_leader


def may_manage(user) -> bool:
    return bool(field_staff(user) and (user.is_bureau_staff or user.is_street_leader))


def may_record(user) -> bool:
    return field_staff(user)


class FieldWorkPermission(AudiencePermission):
    """Field staff read and record (the service refuses a decision to an officer: 403)."""

    rights = ((bureau_staff, ALL), (street_leader, ALL), (grid_officer, ALL))
