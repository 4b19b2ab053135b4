"""Login with lockout after repeated failures (MLPS 2.0), per (user, address)."""
from django.contrib.auth.backends import ModelBackend

from bureau import clock
from bureau.audit.context import client_ip

from .models import User
from .services import login_attempt_begin, login_attempt_succeeded


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check, so timing does not reveal names
            return None
        address = client_ip(request) or ""
        locked_until = login_attempt_begin(user=user, address=address, now=clock.now())
        if locked_until is not None:
            if request is not None:
                request.login_locked_until = locked_until  # the token endpoint answers 429 with Retry-After
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            login_attempt_succeeded(user=user, address=address)
            return user
        return None


class RolePermissionBackend:
    """Django permissions that follow from a role, in one place, so the admin shows each role its part.

    The audit administrator's only permission is to read the audit log; the system administrator
    (a superuser) is kept out of it by the audit admin itself (MLPS 2.0 separation of duties).
    """

    ROLE_PERMISSIONS = {
        "auditor": frozenset({"audit.view_auditentry"}),
    }

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or obj is not None:
            return set()
        return set(self.ROLE_PERMISSIONS.get(getattr(user_obj, "role", ""), ()))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))
