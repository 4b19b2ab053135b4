"""Login with lockout after repeated failures (MLPS 2.0)."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from bureau import clock

from .models import User


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
        now = clock.now()
        if user.locked_until and user.locked_until > now:
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        failures = user.failed_login_count + 1
        locked_until = None
        if failures >= settings.LOGIN_FAILURE_LIMIT:
            locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            failures = 0
        User.objects.filter(pk=user.pk).update(failed_login_count=failures, locked_until=locked_until)
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
