"""Accounts: deactivation stops tokens and sessions at once, users change their own password, lockout."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from bureau import clock
from bureau.accounts.choices import Role
from bureau.accounts.models import LoginFailure, User
from bureau.accounts.services import user_deactivate
from bureau.audit.models import AuditEntry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _token_client(user):
    token, key = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, token


def test_deactivated_users_token_gets_401_on_its_next_call(bureau_user, admin_user):
    # given
    client, _token = _token_client(bureau_user)
    assert client.get("/api/v1/auth/me/").status_code == 200

    # when
    user_deactivate(acting_user=admin_user, user=bureau_user)

    # then
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert AuditEntry.objects.filter(action="account.deactivate", object_id=str(bureau_user.pk)).exists()


def test_token_of_a_user_made_inactive_any_other_way_also_gets_401(bureau_user):
    # given: an admin unticks "active" in the user form (no service call, the token row stays)
    client, token = _token_client(bureau_user)

    # when
    User.objects.filter(pk=bureau_user.pk).update(is_active=False)

    # then
    assert AuthToken.objects.filter(pk=token.pk).exists()
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_deactivated_users_session_stops_at_once(bureau_user, admin_user):
    # given
    web = Client()
    web.force_login(bureau_user)
    assert web.get("/").status_code == 200

    # when
    user_deactivate(acting_user=admin_user, user=bureau_user)

    # then
    response = web.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deactivation_from_the_admin_ends_sessions_and_tokens(bureau_user, security_user):
    # given: the security administrator manages accounts
    web = Client()
    web.force_login(bureau_user)
    api, _ = _token_client(bureau_user)
    admin = Client()
    admin.force_login(security_user)

    # when
    response = admin.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [bureau_user.pk]})

    # then
    assert response.status_code == 302
    bureau_user.refresh_from_db()
    assert not bureau_user.is_active
    assert web.get("/").status_code == 302
    assert api.get("/api/v1/auth/me/").status_code == 401
    assert not AuthToken.objects.filter(user=bureau_user).exists()


def test_deactivated_user_cannot_get_a_token_or_log_in(bureau_user, admin_user):
    # given
    user_deactivate(acting_user=admin_user, user=bureau_user)

    # when
    token = APIClient().post("/api/v1/auth/token/", {"username": "t-bureau", "password": "pw-t-bureau"}, format="json")
    login = Client().post("/accounts/login/", {"username": "t-bureau", "password": "pw-t-bureau"})

    # then
    assert token.status_code == 400
    assert login.status_code == 200 and not login.wsgi_request.user.is_authenticated


def test_token_endpoint_returns_a_token_for_good_credentials(bureau_user):
    # when
    response = APIClient().post("/api/v1/auth/token/", {"username": "t-bureau", "password": "pw-t-bureau"},
                                format="json")

    # then
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    me = APIClient(HTTP_AUTHORIZATION=f"Token {response.json()['token']}").get("/api/v1/auth/me/")
    assert me.json()["username"] == "t-bureau" and me.json()["role"] == "bureau"


def test_user_changes_own_password_on_the_page(bureau_user):
    # given
    web = Client()
    web.force_login(bureau_user)
    _api, token = _token_client(bureau_user)

    # when
    page = web.get("/accounts/password/")
    response = web.post("/accounts/password/", {
        "old_password": "pw-t-bureau", "new_password1": "Xq7-new-secret-2026", "new_password2": "Xq7-new-secret-2026",
    })

    # then: changed, still logged in, old password and old token gone, audited
    assert page.status_code == 200 and b'name="old_password"' in page.content
    assert response.status_code == 302 and response["Location"] == "/"
    assert web.get("/").status_code == 200
    bureau_user.refresh_from_db()
    assert bureau_user.check_password("Xq7-new-secret-2026")
    assert bureau_user.password_changed_at is not None
    assert not AuthToken.objects.filter(pk=token.pk).exists()
    assert AuditEntry.objects.filter(action="account.password_change", actor=bureau_user).exists()
    assert Client().login(username="t-bureau", password="Xq7-new-secret-2026")
    assert not Client().login(username="t-bureau", password="pw-t-bureau")


def test_password_change_needs_the_old_password_and_a_strong_new_one(bureau_user):
    # given
    web = Client()
    web.force_login(bureau_user)

    # when
    wrong_old = web.post("/accounts/password/", {
        "old_password": "nope", "new_password1": "Xq7-new-secret-2026", "new_password2": "Xq7-new-secret-2026",
    })
    too_short = web.post("/accounts/password/", {
        "old_password": "pw-t-bureau", "new_password1": "short", "new_password2": "short",
    })

    # then
    assert wrong_old.status_code == 200 and too_short.status_code == 200
    bureau_user.refresh_from_db()
    assert bureau_user.check_password("pw-t-bureau")


def test_password_page_needs_a_login():
    response = Client().get("/accounts/password/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_login_locks_after_repeated_failures_and_unlocks_after_the_lockout(bureau_user):
    # given
    limit = settings.LOGIN_FAILURE_LIMIT
    for _ in range(limit):
        assert not Client().login(username="t-bureau", password="wrong")

    # when: the right password during the lockout
    during = Client().login(username="t-bureau", password="pw-t-bureau")
    later = clock.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1)
    with clock.frozen(later):
        after = Client().login(username="t-bureau", password="pw-t-bureau")

    # then
    assert during is False
    assert after is True
    assert not LoginFailure.objects.filter(user=bureau_user).exists()  # the count starts again
    assert AuditEntry.objects.filter(action="auth.login_failed", actor_username="t-bureau").count() == limit + 1


def test_lockout_applies_to_the_token_endpoint_too(bureau_user):
    # given
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        APIClient().post("/api/v1/auth/token/", {"username": "t-bureau", "password": "wrong"}, format="json")

    # when
    response = APIClient().post("/api/v1/auth/token/", {"username": "t-bureau", "password": "pw-t-bureau"},
                                format="json")

    # then: too many requests, and when to come back
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_LOCKOUT_MINUTES * 60
    assert "token" not in response.json()


def test_a_success_before_the_limit_resets_the_count(bureau_user):
    # given
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        Client().login(username="t-bureau", password="wrong")

    # when
    assert Client().login(username="t-bureau", password="pw-t-bureau")
    Client().login(username="t-bureau", password="wrong")

    # then
    failure = LoginFailure.objects.get(user=bureau_user)
    assert failure.failures == 1 and failure.locked_until is None


def test_unknown_username_fails_quietly():
    assert not Client().login(username="nobody", password="whatever")


@pytest.mark.parametrize(("role", "predicate"), [
    (Role.BUREAU, "is_bureau_staff"), (Role.LEADER, "is_street_leader"), (Role.OFFICER, "is_grid_officer"),
    (Role.API, "is_api_client"), (Role.AUDITOR, "is_audit_admin"),
])
def test_role_predicates_are_false_once_inactive(role, predicate):
    user = make_user(f"p-{role}", role)
    assert getattr(user, predicate)
    user.is_active = False
    assert not getattr(user, predicate)
