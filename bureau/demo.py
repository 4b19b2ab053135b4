"""Demo data for the platform: the demo accounts (README) that are not tied to a place."""
from django.conf import settings

from bureau.accounts.choices import Role
from bureau.accounts.models import User

ORDER = 0


def ensure_user(username, role, *, superuser=False, first_name="", password=None):
    """Create a demo account once; a second run changes nothing (the password is set only at creation)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, role=role, is_superuser=superuser, is_staff=superuser or role == Role.AUDITOR,
                first_name=first_name)
    user.set_password(password or settings.DEMO_PASSWORD)
    user.save()
    return user, True


def seed(*, stdout=None, **kwargs):
    ensure_user("admin", Role.ADMIN, superuser=True, first_name="系统管理员")
    ensure_user("auditor", Role.AUDITOR, first_name="审计管理员")
    ensure_user("bureau", Role.BUREAU, first_name="区局督查科")
    ensure_user("api", Role.API, first_name="城市运管服平台")
