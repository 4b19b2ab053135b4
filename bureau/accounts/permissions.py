"""DRF permissions per audience, method to right, in one place (parkkihubi's enforcement permissions).

Each class names who may call an endpoint and with which HTTP methods. Every app's permissions.py uses
these (or composes its own from `AudiencePermission` and the role predicates below), so who an audience
is is written once. Scope (which street, which cells) is not decided here but by
`Model.objects.visible_to(user)` in the view's queryset, so an object out of scope is a 404, the same as
a missing one; a role that may never do the action gets 403 from here. Anonymous callers get 401: token
authentication comes first and answers with a WWW-Authenticate header.
"""
from rest_framework.permissions import SAFE_METHODS, BasePermission

READ = frozenset(SAFE_METHODS)
ALL = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})


# The audiences, as predicates over an authenticated, active user (the role predicates of `User`).
def bureau_staff(user):
    return user.is_bureau_staff  # superusers count as bureau staff (User.is_bureau_staff)


def street_leader(user):
    return user.is_street_leader


def grid_officer(user):
    return user.is_grid_officer


def api_client(user):
    return user.is_api_client


def department_staff(user):
    return user.is_department_staff


def audit_admin(user):
    return user.is_audit_admin


def field_staff(user) -> bool:
    """A signed-in member of field staff (bureau, leaders, officers): for pages and services, which have
    no request method to match."""
    return bool(user and getattr(user, "is_authenticated", False) and user.is_field_staff)


class AudiencePermission(BasePermission):
    """Allow the request when one of `rights`' (predicate, methods) pairs admits the user and the method."""

    rights: tuple = ()

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return any(method_set and request.method in method_set and allowed(user) for allowed, method_set in self.rights)


class IsBureauStaff(AudiencePermission):
    """District bureau supervision staff (and superusers): everything."""

    rights = ((bureau_staff, ALL),)


class IsStreetLeader(AudiencePermission):
    """Street brigade leaders, within their street (the queryset scopes it)."""

    rights = ((street_leader, ALL),)


class IsGridOfficer(AudiencePermission):
    """Grid officers, within their own cells (the queryset scopes it)."""

    rights = ((grid_officer, ALL),)


class IsFieldStaff(AudiencePermission):
    """Bureau staff, street leaders and grid officers: the people who work cases and patrols."""

    rights = ((bureau_staff, ALL), (street_leader, ALL), (grid_officer, ALL))


class IsBureauStaffOrStreetLeader(AudiencePermission):
    """Bureau staff and street leaders (patrol reports: the brigade's and the bureau's own patrols)."""

    rights = ((bureau_staff, ALL), (street_leader, ALL))


class IsFieldStaffReader(AudiencePermission):
    """Field staff may read (reference data such as categories and places); only bureau staff write."""

    rights = ((bureau_staff, ALL), (street_leader, READ), (grid_officer, READ))


class IsApiClientOrFieldStaffReader(AudiencePermission):
    """Rankings and bulletins: the API client and field staff (grid officers included) read them; nobody
    writes over the API (they are compiled by the scheduler and `compile_reports`)."""

    rights = ((api_client, READ), (bureau_staff, READ), (street_leader, READ), (grid_officer, READ))


class IsAuditAdmin(AudiencePermission):
    """The audit administrator reads the audit log, and does nothing else (MLPS 2.0)."""

    rights = ((audit_admin, READ),)
