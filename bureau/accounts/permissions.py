"""DRF permissions per audience, method to right, in one place (parkkihubi's enforcement permissions).

Each class names who may call an endpoint and with which HTTP methods. Scope (which street, which cells)
is not decided here but by `Model.objects.visible_to(user)` in the view's queryset, so an object out of
scope is a 404, the same as a missing one; a role that may never do the action gets 403 from here.
Anonymous callers get 401: token authentication comes first and answers with a WWW-Authenticate header.
"""
from rest_framework.permissions import SAFE_METHODS, BasePermission

READ = frozenset(SAFE_METHODS)
ALL = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})


def _bureau(user):
    return user.is_bureau_staff  # superusers count as bureau staff (User.is_bureau_staff)


def _leader(user):
    return user.is_street_leader


def _officer(user):
    return user.is_grid_officer


def _api_client(user):
    return user.is_api_client


def _auditor(user):
    return user.is_audit_admin


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

    rights = ((_bureau, ALL),)


class IsStreetLeader(AudiencePermission):
    """Street brigade leaders, within their street (the queryset scopes it)."""

    rights = ((_leader, ALL),)


class IsGridOfficer(AudiencePermission):
    """Grid officers, within their own cells (the queryset scopes it)."""

    rights = ((_officer, ALL),)


class IsFieldStaff(AudiencePermission):
    """Bureau staff, street leaders and grid officers: the people who work cases and patrols."""

    rights = ((_bureau, ALL), (_leader, ALL), (_officer, ALL))


class IsFieldStaffReader(AudiencePermission):
    """Field staff may read (reference data such as categories and places); only bureau staff write."""

    rights = ((_bureau, ALL), (_leader, READ), (_officer, READ))


class IsApiClientOrStaffReader(AudiencePermission):
    """Rankings and bulletins: the API client, bureau staff and street leaders read them; nobody writes
    over the API (they are compiled by the scheduler and `compile_reports`)."""

    rights = ((_api_client, READ), (_bureau, READ), (_leader, READ))


class IsAuditAdmin(AudiencePermission):
    """The audit administrator reads the audit log, and does nothing else (MLPS 2.0)."""

    rights = ((_auditor, READ),)
