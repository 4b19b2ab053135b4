"""Demo data for the platform: the demo accounts (README) that are not tied to a place."""
from django.conf import settings

from bureau.accounts.choices import Role
from bureau.accounts.models import User
from bureau.accounts.second_factor import has_second_factor, totp_enrol

ORDER = 0


def ensure_user(username, role, *, superuser=False, first_name="", password=None):
    """Create a demo account once; a second run changes nothing (the password is set only at creation)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    # The administrators open the admin site: the system administrator to set up, the security administrator
    # for accounts and roles, the audit administrator for the read-only audit log.
    user = User(username=username, role=role, is_superuser=superuser,
                is_staff=superuser or role in (Role.AUDITOR, Role.SECURITY), first_name=first_name)
    user.set_password(password or settings.DEMO_PASSWORD)
    user.save()
    return user, True


def seed(*, stdout=None, **kwargs):
    for username, role, name in (("admin", Role.ADMIN, "系统管理员"), ("security", Role.SECURITY, "安全管理员"),
                                 ("auditor", Role.AUDITOR, "审计管理员")):
        user, _created = ensure_user(username, role, superuser=role == Role.ADMIN, first_name=name)
        # The administrators confirm a TOTP code at login: the demo's known secret (none in production).
        if settings.DEMO_TOTP_SECRET and not has_second_factor(user):
            totp_enrol(acting_user=None, user=user, secret_base32=settings.DEMO_TOTP_SECRET)
    ensure_user("bureau", Role.BUREAU, first_name="区局督查科")
    ensure_user("api", Role.API, first_name="城市运管服平台")
