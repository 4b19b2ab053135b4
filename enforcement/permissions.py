"""Who may do what with cases, in one place: the API permission classes, the pages and the services ask here.

The audiences are bureau/accounts/permissions.py's. Which cases a user sees is the work scope
(`Case.objects.visible_to`); which workflow actions their role may ever take, and whether they are a
case's handling side, is decided below, from the role and the assignments alone, before a case's state.
"""
from bureau.accounts.permissions import (
    ALL,
    AudiencePermission,
    IsBureauStaff,
    IsFieldStaff,
    bureau_staff,
    department_staff,
    field_staff,
    grid_officer,
    street_leader,
)

from .workflow import TRANSITIONS, Actor


def is_department_account(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.is_department_staff)


def can_read_cases(user) -> bool:
    """Field staff (bureau, leaders, officers) read cases in their scope, a department's account the cases
    referred to it; the API client and auditor none."""
    return field_staff(user) or is_department_account(user)


def can_report_cases(user) -> bool:
    return field_staff(user)


def can_read_categories(user) -> bool:
    return field_staff(user)


# ---------------------------------------------------------------------------------------------- may-do


def may_report(user) -> bool:
    """Field staff report cases; the API client and the auditor do not."""
    return field_staff(user)


def may_report_at(user, cell) -> bool:
    """Bureau staff anywhere; a leader in the street they lead; a grid officer in the cells they hold:
    the cell is in their work scope."""
    from grids.models import GridCell

    if user.is_bureau_staff:
        return True
    return GridCell.objects.visible_to(user).filter(pk=cell.pk).exists()


def leads_street(user, street_id) -> bool:
    from grids.models import Street

    return Street.objects.led_by(user).filter(pk=street_id).exists()


def role_may(user, who) -> bool:
    """Decided from the role alone, before the case's state (403 whatever the state)."""
    if who == Actor.BUREAU:
        return user.is_bureau_staff
    if who == Actor.HANDLING_UNIT:
        # Street leaders for their brigade; a department's account for its referrals, and bureau staff act
        # for a department that has none.
        return user.is_bureau_staff or user.is_street_leader or user.is_department_staff
    if who == Actor.DEPARTMENT:
        # A referral's answers: the department's account, or bureau staff acting for the department.
        return user.is_bureau_staff or user.is_department_staff
    return False


def role_may_take(user, action) -> bool:
    """Whether the user's role may ever take `action` (the API answers 403 before looking at the case)."""
    return bool(user and user.is_authenticated and action in TRANSITIONS
                and role_may(user, TRANSITIONS[action]["who"]))


def answers_for(user, department_id) -> bool:
    """Whether `user` is an account of that department."""
    from .models import DepartmentAccount

    return (department_id is not None and user.is_department_staff
            and DepartmentAccount.objects.filter(user=user, department_id=department_id).exists())


def is_handling_side(user, case) -> bool:
    """For a case referred to a department: its accounts, or bureau staff acting for it; otherwise the leader
    of the case's street."""
    if case.handling_department_id is not None:
        return user.is_bureau_staff or answers_for(user, case.handling_department_id)
    if user.is_department_staff:
        return False
    if not user.is_street_leader:
        return False
    known = getattr(case, "viewer_leads_street", None)  # CaseQuerySet.with_viewer_leads_street, for this user
    return known if known is not None else leads_street(user, case.street_id)


def may_name_party(user, case) -> bool:
    """Who says whom a case is against: bureau staff, or the leader of the case's street (its handler)."""
    if not (user and user.is_authenticated):
        return False
    return user.is_bureau_staff or (user.is_street_leader and leads_street(user, case.street_id))


def can_register_parties(user) -> bool:
    """Bureau staff and street leaders enter parties (the register is district-wide)."""
    return bool(user and user.is_authenticated and (user.is_bureau_staff or user.is_street_leader))


def role_may_enforce(user) -> bool:
    """Orders and penalties are the enforcement units' (bureau staff, street brigade leaders), decided from
    the role alone (the API answers 403 before it looks at the object)."""
    return bool(user and user.is_authenticated and (user.is_bureau_staff or user.is_street_leader))


def may_enforce_on(user, case) -> bool:
    """Issue, follow up and escalate an order, draft a penalty: bureau staff, or the leader of the case's street."""
    return may_name_party(user, case)


def may_escalate(user, case, kind) -> bool:
    """A forced demolition is decided by the bureau; a penalty or a ban by the case's street brigade too."""
    from .choices import Escalation

    if kind == Escalation.DEMOLITION:
        return bool(user and user.is_authenticated and user.is_bureau_staff)
    return may_enforce_on(user, case)


def can_read_repeat_offenders(user) -> bool:
    """The district view of repeat offenders crosses every street: bureau staff only."""
    return bool(user and getattr(user, "is_authenticated", False) and user.is_bureau_staff)
def may_read_operations(user) -> bool:
    """Joint operations: bureau staff, and street leaders (those their street takes part in)."""
    return bool(user and getattr(user, "is_authenticated", False) and (user.is_bureau_staff or user.is_street_leader))


# ---------------------------------------------------------------------------------------------- API


class CasePermission(AudiencePermission):
    """Field staff, and departments' accounts (their referrals); which case and which action is decided by
    `visible_to` and the workflow service (a department's account reports none: 403 there)."""

    rights = ((bureau_staff, ALL), (street_leader, ALL), (grid_officer, ALL), (department_staff, ALL))


class CategoryPermission(IsFieldStaff):
    """Field staff read the categories (the view is read-only); departments' accounts do not."""


class NearbyPermission(IsFieldStaff):
    """Field staff, who report cases, are offered the standing cases near a point; departments' accounts report
    none and are not."""


class PartyPermission(IsFieldStaff):
    """Field staff read the parties in their scope; `can_register_parties` decides who adds one."""


class EnforcementDocumentPermission(IsFieldStaff):
    """Field staff read the orders and penalties in their scope; writes are decided by the may-do predicates."""


class RepeatOffenderPermission(IsBureauStaff):
    """The district view of parties and spots met in several streets: bureau staff only (403 for the rest)."""
