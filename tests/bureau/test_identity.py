"""Identity rules of MLPS 2.0 level 3: complex passwords, none of the last five, changed every 90 days
(enforced at login, on pages and at the token endpoint); sessions end after 30 idle minutes and 12 hours
after their login; a password change ends the account's other sessions and its tokens."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from bureau import clock
from bureau.accounts.middleware import LOGIN_AT_KEY
from bureau.accounts.models import PasswordHistory
from bureau.accounts.passwords import CharacterClassesValidator
from bureau.accounts.services import token_issue, user_change_password

pytestmark = pytest.mark.django_db


def _web(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("password", [
    "Ab1-short",        # 9 characters
    "onlylowercase",    # one class
    "lowercase123",     # two classes
    "UPPER-CASE-ONLY",  # two classes
    "Password123",      # three classes, but a common password
    "1234567890",       # digits only, and common
])
def test_weak_passwords_are_refused(password, bureau_user):
    with pytest.raises(ValidationError):
        validate_password(password, bureau_user)


@pytest.mark.parametrize("password", ["Ji-an-2026-city", "xK9#mn2!pq", "街道Ab1-巡查工作"])
def test_passwords_of_ten_characters_and_three_classes_pass(password, bureau_user):
    validate_password(password, bureau_user)


def test_character_classes_are_counted_as_lower_upper_digit_other():
    validator = CharacterClassesValidator(min_classes=3)
    validator.validate("abcDEF1234")
    validator.validate("abcdef-123")
    with pytest.raises(ValidationError):
        validator.validate("abcdefghij1")


def test_none_of_the_last_five_passwords_may_come_back(bureau_user):
    # given: five changes after the first password
    passwords = [f"Hist-{n}-pass-2026" for n in range(6)]
    for password in passwords:
        user_change_password(acting_user=bureau_user, user=bureau_user, new_password=password)

    # then: the current one and the four before it are refused, older ones are not
    assert PasswordHistory.objects.filter(user=bureau_user).count() == settings.PASSWORD_HISTORY_COUNT
    for recent in passwords[-5:]:
        with pytest.raises(ValidationError):
            validate_password(recent, bureau_user)
    validate_password(passwords[0], bureau_user)


def test_the_password_page_refuses_a_recent_password(bureau_user):
    # given
    user_change_password(acting_user=bureau_user, user=bureau_user, new_password="First-pass-2026")
    user_change_password(acting_user=bureau_user, user=bureau_user, new_password="Second-pass-2026")
    web = _web(bureau_user)

    # when
    response = web.post("/accounts/password/", {"old_password": "Second-pass-2026",
                                                "new_password1": "First-pass-2026", "new_password2": "First-pass-2026"})

    # then
    assert response.status_code == 200 and response.context["form"].errors
    bureau_user.refresh_from_db()
    assert bureau_user.check_password("Second-pass-2026")


def _expire(user, days=None):
    user.password_changed_at = timezone.now() - timedelta(days=(days or settings.PASSWORD_MAX_AGE_DAYS) + 1)
    user.save(update_fields=["password_changed_at"])


def test_an_expired_password_sends_the_login_to_the_password_page_until_it_is_changed(bureau_user):
    # given
    _expire(bureau_user)
    web = Client()

    # when
    login = web.post("/accounts/login/", {"username": "t-bureau", "password": "pw-t-bureau"}, follow=True)
    elsewhere = web.get("/cases/")

    # then
    assert login.redirect_chain[-1][0] == "/accounts/password/"
    assert elsewhere.status_code == 302 and elsewhere["Location"] == "/accounts/password/"

    # when: the password is changed
    changed = web.post("/accounts/password/", {"old_password": "pw-t-bureau", "new_password1": "Renewed-pass-2026",
                                               "new_password2": "Renewed-pass-2026"})

    # then
    assert changed.status_code == 302
    assert web.get("/").status_code == 200


def test_an_expired_password_gets_no_token_and_is_told_to_change_it(bureau_user):
    # given
    _expire(bureau_user)

    # when
    response = APIClient().post("/api/v1/auth/token/", {"username": "t-bureau", "password": "pw-t-bureau"},
                                format="json", HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert response.status_code == 403
    assert "/accounts/password/" in response.json()["detail"]


def test_a_password_within_ninety_days_passes(bureau_user):
    _expire(bureau_user, days=settings.PASSWORD_MAX_AGE_DAYS - 2)
    assert not bureau_user.password_expired()
    assert _web(bureau_user).get("/").status_code == 200


def test_sessions_end_after_thirty_idle_minutes_and_each_request_moves_the_end_on(bureau_user):
    # given
    web = _web(bureau_user)
    key = web.session.session_key

    # when
    before = timezone.now()
    web.get("/")

    # then
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    expire = Session.objects.get(session_key=key).expire_date
    assert before + timedelta(minutes=29) < expire <= timezone.now() + timedelta(minutes=30)

    # when: the session has been idle past its end
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))

    # then
    assert web.get("/").status_code == 302


def test_sessions_end_twelve_hours_after_the_login_whatever_the_activity(bureau_user):
    # given: a session kept busy since its login
    web = _web(bureau_user)
    assert web.get("/").status_code == 200

    def logged_in_ago(delta):
        session = web.session
        session[LOGIN_AT_KEY] = (timezone.now() - delta).timestamp()
        session.save()

    # when
    logged_in_ago(timedelta(hours=11, minutes=59))
    still = web.get("/")
    logged_in_ago(timedelta(hours=12, minutes=1))
    ended = web.get("/")

    # then
    assert still.status_code == 200
    assert ended.status_code == 302 and ended["Location"].startswith("/accounts/login/")
    assert web.get("/").status_code == 302


def test_a_session_past_twelve_hours_gets_401_from_the_api(bureau_user):
    web = _web(bureau_user)
    session = web.session
    session[LOGIN_AT_KEY] = (timezone.now() - timedelta(hours=13)).timestamp()
    session.save()
    assert web.get("/api/v1/auth/me/").status_code in (401, 403)
    assert web.get("/").status_code == 302


def test_the_platform_clock_does_not_end_sessions(bureau_user):
    # the demo and the tests move the platform clock; sessions and passwords follow the wall clock
    web = _web(bureau_user)
    with clock.frozen(timezone.now() + timedelta(days=365)):
        assert web.get("/").status_code == 200


def test_a_password_change_ends_the_other_sessions_and_every_token(bureau_user):
    # given: signed in on two machines, with a token
    here, elsewhere = _web(bureau_user), _web(bureau_user)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token_issue(user=bureau_user)}")
    assert elsewhere.get("/").status_code == 200 and api.get("/api/v1/auth/me/").status_code == 200

    # when
    here.post("/accounts/password/", {"old_password": "pw-t-bureau", "new_password1": "Moved-on-2026",
                                      "new_password2": "Moved-on-2026"})

    # then
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert api.get("/api/v1/auth/me/").status_code == 401
