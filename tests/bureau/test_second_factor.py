"""Two factors for the administrators (MLPS 2.0): the system, security and audit administrators confirm a TOTP
code (or a single-use recovery code) after their password, on pages and at the token endpoint."""
import io

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from bureau.accounts.choices import Role
from bureau.accounts.second_factor import recovery_codes_issue, secret_to_key, totp_enrol
from bureau.audit.models import AuditEntry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def enrolled_admin(admin_user):
    totp_enrol(acting_user=None, user=admin_user, secret_base32="JBSWY3DPEHPK3PXP")
    return admin_user


def _password_step(client, username="t-admin", password=None, next_url=None):
    data = {"username": username, "password": password or f"pw-{username}"}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def _signed_in(client):
    return client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECURITY, Role.AUDITOR])
def test_every_administrator_needs_a_second_factor(role):
    user = make_user(f"x-{role}", role, is_superuser=role == Role.ADMIN, is_staff=True)
    assert user.requires_second_factor
    assert not make_user("x-bureau", Role.BUREAU).requires_second_factor


def test_the_password_alone_does_not_sign_an_administrator_in(enrolled_admin, totp_code, settings):
    # given: django-otp's pause after a wrong code left out, so the right one can follow at once
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    web = Client()

    # when
    step = _password_step(web, next_url="/admin/")

    # then: asked for the code, and not signed in meanwhile
    assert step.status_code == 302 and step["Location"] == "/accounts/login/otp/"
    assert not _signed_in(web)
    assert web.get("/accounts/login/otp/").status_code == 200

    # when: a wrong code, then the right one
    wrong = web.post("/accounts/login/otp/", {"otp": "000000"})
    right = web.post("/accounts/login/otp/", {"otp": totp_code(enrolled_admin)})

    # then
    assert wrong.status_code == 200 and wrong.context["form"].errors["otp"]
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert _signed_in(web)
    assert AuditEntry.objects.filter(action="auth.otp_failed", actor_username="t-admin").exists()
    assert AuditEntry.objects.filter(action="auth.login", actor=enrolled_admin).exists()


def test_a_code_is_accepted_once(enrolled_admin, totp_code):
    # given: a code that signed in once
    code = totp_code(enrolled_admin)
    first = Client()
    _password_step(first)
    assert first.post("/accounts/login/otp/", {"otp": code}).status_code == 302

    # when: the same code again
    second = Client()
    _password_step(second)
    again = second.post("/accounts/login/otp/", {"otp": code})

    # then
    assert again.status_code == 200 and not _signed_in(second)


def test_a_recovery_code_works_once(enrolled_admin):
    # given
    codes = recovery_codes_issue(acting_user=None, user=enrolled_admin)

    # when
    first, second = Client(), Client()
    _password_step(first)
    first.post("/accounts/login/otp/", {"otp": codes[0]})
    _password_step(second)
    second.post("/accounts/login/otp/", {"otp": codes[0]})

    # then
    assert len(set(codes)) == 10
    assert _signed_in(first) and not _signed_in(second)


def test_too_many_wrong_codes_send_back_to_the_password(enrolled_admin):
    web = Client()
    _password_step(web)
    responses = [web.post("/accounts/login/otp/", {"otp": f"{n:06d}"}) for n in range(5)]
    assert responses[-1].status_code == 302 and responses[-1]["Location"] == "/accounts/login/"
    assert web.get("/accounts/login/otp/").status_code == 302


def test_an_administrator_without_an_authenticator_cannot_sign_in(admin_user):
    web = Client()
    response = _password_step(web)
    assert response.status_code == 200 and response.context["second_factor_missing"]
    assert web.get("/accounts/login/otp/").status_code == 302 and not _signed_in(web)


def test_other_roles_sign_in_with_the_password_alone(bureau_user):
    response = _password_step(Client(), username="t-bureau")
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_admin_sites_own_login_form_is_not_a_way_around(enrolled_admin):
    # when
    web = Client()
    response = web.post("/admin/login/?next=/admin/", {"username": "t-admin", "password": "pw-t-admin",
                                                       "next": "/admin/"})

    # then
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not _signed_in(web)


def test_the_token_endpoint_asks_administrators_for_otp(enrolled_admin, totp_code, settings):
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0

    # when
    missing = APIClient().post(TOKEN, {"username": "t-admin", "password": "pw-t-admin"}, format="json")
    wrong = APIClient().post(TOKEN, {"username": "t-admin", "password": "pw-t-admin", "otp": "123456"},
                             format="json")
    right = APIClient().post(TOKEN, {"username": "t-admin", "password": "pw-t-admin",
                                     "otp": totp_code(enrolled_admin)}, format="json")

    # then
    assert missing.status_code == 400 and set(missing.json()) == {"otp"}
    assert wrong.status_code == 400 and set(wrong.json()) == {"otp"}
    assert right.status_code == 200 and right.json()["token"]


def test_the_token_endpoint_does_not_ask_other_roles_for_otp(bureau_user):
    response = APIClient().post(TOKEN, {"username": "t-bureau", "password": "pw-t-bureau"}, format="json")
    assert response.status_code == 200


def test_seed_demo_enrols_the_demo_administrators_with_the_demo_secret():
    # when
    call_command("seed_demo", quick=True, stdout=io.StringIO())

    # then
    key = secret_to_key(django_settings.DEMO_TOTP_SECRET)
    for username in ("admin", "security", "auditor"):
        assert TOTPDevice.objects.get(user__username=username, confirmed=True).key == key
    assert not TOTPDevice.objects.filter(user__username="bureau").exists()


def test_the_security_administrator_enrols_an_authenticator_audited_and_the_superuser_cannot(
        security_user, admin_user):
    # given
    security_web, admin_web = Client(), Client()
    security_web.force_login(security_user)
    admin_web.force_login(admin_user)
    action = {"action": "enrol_totp", "_selected_action": [admin_user.pk]}

    # when
    refused = admin_web.post("/admin/accounts/user/", action)
    issued = security_web.post("/admin/accounts/user/", action)

    # then
    assert refused.status_code == 403
    assert issued.status_code == 200 and b"otpauth://totp/" in issued.content
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1
    assert AuditEntry.objects.filter(action="account.totp_enrol", actor=security_user,
                                     object_id=str(admin_user.pk)).exists()


def test_the_bootstrap_command_enrols_from_the_shell(admin_user):
    out = io.StringIO()
    call_command("totp_enrol", "t-admin", "--recovery-codes", stdout=out)
    assert "otpauth://totp/" in out.getvalue() and "recovery codes" in out.getvalue()
    assert TOTPDevice.objects.filter(user=admin_user).exists()
