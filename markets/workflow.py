"""A stall permit's life as data: each action, the statuses it may start from, where it leads, who may
take it, and why the edge exists. The services read it; the pages read it for their buttons."""
from dataclasses import dataclass

from .choices import PermitStatus as S

STREET = "street"  # the street's leader (for their street) or bureau staff
BUREAU = "bureau"  # bureau staff only
SYSTEM = "system"  # the daily job


@dataclass(frozen=True)
class Edge:
    sources: tuple
    target: str | None  # None: decided by the service (active today, or scheduled for a later day)
    who: str


TRANSITIONS = {
    # the street takes the application, from the vendor at its office or on the vendor's behalf
    "apply": Edge((), S.APPLIED, STREET),
    # the street checks the vendor, the stall and the papers before the bureau sees the application
    "review": Edge((S.APPLIED,), S.REVIEWED, STREET),
    # the street or the bureau turns an application down, with a reason
    "reject": Edge((S.APPLIED, S.REVIEWED), S.REJECTED, STREET),
    # stall zones are a district-wide decision: only the bureau grants the permit
    "approve": Edge((S.REVIEWED,), None, BUREAU),
    # the bureau issues directly (migrated paper permits, the admin)
    "issue": Edge((), None, BUREAU),
    # a new period for the same vendor and stall, starting the day after this one ends
    "renew": Edge((S.ACTIVE,), None, BUREAU),
    # a renewal's first day has come
    "start": Edge((S.SCHEDULED,), S.ACTIVE, SYSTEM),
    # the day after valid_to, the daily job ends the permit
    "expire": Edge((S.ACTIVE, S.SCHEDULED), S.EXPIRED, SYSTEM),
    # a permit in force (or approved to be) withdrawn for a breach, with a reason
    "revoke": Edge((S.ACTIVE, S.SCHEDULED), S.REVOKED, BUREAU),
}


def may(user, action: str) -> bool:
    """May `user` (None: the system) take `action` at all (scope is the caller's queryset's business)?"""
    who = TRANSITIONS[action].who
    if user is None or not getattr(user, "is_authenticated", False):
        return who == SYSTEM or user is None
    if user.is_bureau_staff:
        return who in (STREET, BUREAU)
    return who == STREET and user.is_street_leader


def actions_for(user, permit) -> list[str]:
    """The actions `user` may take on `permit` now (for a page's buttons)."""
    return [name for name, edge in TRANSITIONS.items()
            if edge.sources and permit.status in edge.sources and edge.who != SYSTEM and may(user, name)]
