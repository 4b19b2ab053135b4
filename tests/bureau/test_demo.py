"""seed_demo makes the documented demo accounts (README), idempotently; each can get an API token."""
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from bureau.accounts.choices import Role
from bureau.accounts.models import User
from tests.otp_support import totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", quick=True, stdout=io.StringIO())


def _snapshot():
    from django.apps import apps

    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.app_label not in ("sessions", "admin", "audit", "jobs", "knox")}


def test_demo_accounts_exist_with_their_roles_and_get_tokens(seeded):
    # then
    expected = {"admin": Role.ADMIN, "security": Role.SECURITY, "auditor": Role.AUDITOR, "bureau": Role.BUREAU,
                "api": Role.API}
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.role == role and user.is_active
    assert User.objects.get(username="admin").is_superuser
    auditor = User.objects.get(username="auditor")
    assert auditor.is_staff and not auditor.is_superuser
    security = User.objects.get(username="security")
    assert security.is_staff and not security.is_superuser and security.is_security_admin
    assert not User.objects.get(username="bureau").is_staff
    leaders = User.objects.filter(username__regex=r"^leader-\d{3}$")
    officers = User.objects.filter(username__regex=r"^officer-\d{15}$")
    assert leaders.exists() and all(u.role == Role.LEADER for u in leaders)
    assert officers.exists() and all(u.role == Role.OFFICER for u in officers)
    departments = User.objects.filter(username__regex=r"^dept-[A-Z]+$")
    assert departments.count() >= 5 and all(u.role == Role.DEPARTMENT and u.department_account.department.code
                                            == u.username[5:] for u in departments)

    # and every kind of demo account gets a token with the demo password
    usernames = ["admin", "security", "auditor", "bureau", "api"]
    usernames += list(User.objects.filter(username__startswith="leader-").values_list("username", flat=True)[:2])
    usernames += list(User.objects.filter(username__startswith="officer-").values_list("username", flat=True)[:2])
    usernames += ["dept-HW", "dept-SC"]

    for username in usernames:
        body = {"username": username, "password": settings.DEMO_PASSWORD}
        if User.objects.get(username=username).requires_second_factor:
            body["otp"] = totp_code(username)  # the administrators confirm the demo's TOTP secret
        response = APIClient().post("/api/v1/auth/token/", body, format="json")
        assert response.status_code == 200, username
        assert response.json()["token"]


def test_seed_demo_twice_changes_nothing(seeded):
    # given
    before = _snapshot()
    passwords = dict(User.objects.values_list("username", "password"))

    # when
    call_command("seed_demo", quick=True, stdout=io.StringIO())

    # then
    assert _snapshot() == before
    assert dict(User.objects.values_list("username", "password")) == passwords
