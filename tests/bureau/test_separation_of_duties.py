"""Separation of duties (MLPS 2.0): system, security and audit administrators are three roles no account
combines; accounts and roles are the security administrator's, every change to them audited; new accounts
start with no access."""
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from bureau.accounts.choices import Role
from bureau.accounts.models import User
from bureau.audit.models import AuditEntry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _web(user):
    client = Client()
    client.force_login(user)
    return client


def _form(user, **changes):
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "phone": user.phone, "role": user.role}
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SECURITY, Role.BUREAU, Role.NONE])
def test_only_the_system_administrator_can_be_a_superuser(role):
    # when / then: neither the model's checks nor the database accept a superuser of another role
    user = User(username=f"x-{role}", role=role, is_superuser=True, password="!")
    with pytest.raises(ValidationError):
        user.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_a_superuser_cannot_give_themself_the_auditor_role_nor_read_the_audit_log(admin_user):
    # given
    web = _web(admin_user)

    # when
    change = web.post(f"/admin/accounts/user/{admin_user.pk}/change/", _form(admin_user, role=Role.AUDITOR))
    log = web.get("/platform/audit/")
    admin_log = web.get("/admin/audit/auditentry/")

    # then
    admin_user.refresh_from_db()
    assert change.status_code == 403 and admin_user.role == Role.ADMIN
    assert log.status_code == 403 and admin_log.status_code == 403
    assert not admin_user.is_audit_admin


def test_the_audit_predicate_refuses_a_superuser_whatever_its_role_says(admin_user):
    admin_user.role = Role.AUDITOR  # never saved: the database refuses it
    assert not admin_user.is_audit_admin and not admin_user.is_security_admin


def test_the_system_administrator_does_not_manage_accounts(admin_user, bureau_user):
    # given
    web = _web(admin_user)

    # when
    listing = web.get("/admin/accounts/user/")
    password = web.post(f"/admin/accounts/user/{bureau_user.pk}/password/",
                        {"password1": "Zx9-reset-2026!", "password2": "Zx9-reset-2026!"})

    # then
    assert listing.status_code == 403 and password.status_code == 403
    bureau_user.refresh_from_db()
    assert bureau_user.check_password("pw-t-bureau")


def test_the_security_administrator_changes_a_role_audited_and_the_old_rights_end(security_user, bureau_user):
    # given: the account is signed in on a page and holds a token
    from bureau.accounts.services import token_issue

    page = _web(bureau_user)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token_issue(user=bureau_user)}")
    assert page.get("/").status_code == 200 and api.get("/api/v1/auth/me/").status_code == 200

    # when
    response = _web(security_user).post(f"/admin/accounts/user/{bureau_user.pk}/change/",
                                        _form(bureau_user, role=Role.LEADER))

    # then
    assert response.status_code == 302
    bureau_user.refresh_from_db()
    assert bureau_user.role == Role.LEADER
    entry = AuditEntry.objects.get(action="account.role_change", object_id=str(bureau_user.pk))
    assert entry.actor == security_user and entry.detail["role"] == [Role.BUREAU, Role.LEADER]
    assert page.get("/").status_code == 302
    assert api.get("/api/v1/auth/me/").status_code == 401


def test_superuser_status_changes_are_audited(security_user):
    # given
    target = make_user("t-sysadmin", Role.ADMIN, is_staff=True)

    # when
    _web(security_user).post(f"/admin/accounts/user/{target.pk}/change/", _form(target, is_superuser="on"))

    # then
    target.refresh_from_db()
    assert target.is_superuser
    entry = AuditEntry.objects.get(action="account.role_change", object_id=str(target.pk))
    assert entry.detail["is_superuser"] == [False, True]


def test_the_security_administrator_cannot_make_an_auditor_a_superuser(security_user, auditor_user):
    # when
    _web(security_user).post(f"/admin/accounts/user/{auditor_user.pk}/change/", _form(auditor_user, is_superuser="on"))

    # then
    auditor_user.refresh_from_db()
    assert not auditor_user.is_superuser and auditor_user.is_audit_admin


def test_the_security_administrator_cannot_change_their_own_role(security_user):
    # when
    _web(security_user).post(f"/admin/accounts/user/{security_user.pk}/change/",
                             _form(security_user, role=Role.ADMIN, is_superuser="on"))

    # then
    security_user.refresh_from_db()
    assert security_user.role == Role.SECURITY and not security_user.is_superuser


def test_an_admin_password_reset_is_audited_and_ends_the_accounts_token_and_sessions(security_user, bureau_user):
    # given
    from bureau.accounts.services import token_issue

    page = _web(bureau_user)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token_issue(user=bureau_user)}")
    assert api.get("/api/v1/auth/me/").status_code == 200

    # when
    response = _web(security_user).post(f"/admin/accounts/user/{bureau_user.pk}/password/",
                                        {"password1": "Zx9-reset-2026!", "password2": "Zx9-reset-2026!",
                                         "usable_password": "true"})

    # then
    assert response.status_code == 302
    bureau_user.refresh_from_db()
    assert bureau_user.check_password("Zx9-reset-2026!")
    assert api.get("/api/v1/auth/me/").status_code == 401
    assert page.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="account.password_reset", actor=security_user,
                                     object_id=str(bureau_user.pk)).exists()
    # and its owner must choose their own at the next login
    assert bureau_user.password_expired()


def test_an_account_made_in_the_admin_has_no_access_until_given_a_role(security_user):
    # given: the form offers no access to begin with
    web = _web(security_user)
    form = web.get("/admin/accounts/user/add/").context["adminform"].form
    assert form["role"].initial == Role.NONE

    # when
    response = web.post("/admin/accounts/user/add/", {
        "username": "newcomer", "password1": "Zx9-first-2026!", "password2": "Zx9-first-2026!",
        "usable_password": "true", "role": form["role"].initial,
    })

    # then
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.role == Role.NONE
    assert newcomer.password_expired()  # the owner replaces the password the security administrator chose
    assert not (newcomer.is_bureau_staff or newcomer.is_field_staff or newcomer.is_api_client)
    assert AuditEntry.objects.filter(action="account.create", object_id=str(newcomer.pk), actor=security_user).exists()
    api = APIClient()
    api.force_authenticate(newcomer)
    assert api.get("/api/v1/cases/").status_code == 403
    assert api.get("/api/v1/streets/").status_code == 403


def test_a_new_account_defaults_to_no_access():
    assert User().role == Role.NONE


def test_the_security_administrator_sees_accounts_and_nothing_else(security_user):
    # given
    web = _web(security_user)

    # when
    index = web.get("/admin/")

    # then
    assert index.status_code == 200
    assert b"/admin/accounts/user/" in index.content
    assert b"/admin/audit/" not in index.content and b"/admin/grids/" not in index.content
    assert web.get("/platform/audit/").status_code == 403
    assert web.get("/admin/audit/auditentry/").status_code == 403
    assert web.get("/cases/").status_code in (302, 403)


def test_createsuperuser_makes_a_system_administrator(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Zx9-root-2026!")
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    root = User.objects.get(username="root")
    assert root.is_superuser and root.role == Role.ADMIN and root.is_system_admin
