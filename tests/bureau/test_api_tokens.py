"""API tokens are django-rest-knox's: only a digest is stored, and each expires API_TOKEN_HOURS after it was
issued, also when it is answered from the cache; the token endpoint keeps its shape."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from bureau.accounts import authentication
from bureau.accounts.services import tokens_purge_expired

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def _obtain(username="t-bureau", password="pw-t-bureau"):  # noqa: S107 - a test account's password
    response = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_the_database_keeps_only_a_digest_of_the_token(bureau_user):
    # when
    token = _obtain()

    # then
    stored = AuthToken.objects.get(user=bureau_user)
    assert token not in (stored.digest, stored.token_key) and stored.digest == authentication.token_digest(token)
    assert not any(token in str(value) for value in AuthToken.objects.values_list(flat=True))


def _hours_pass(monkeypatch, until):
    """The wall clock of the token check moves past `until` (a token kept in the cache holds its expiry)."""
    class Later:
        @staticmethod
        def now():
            return until + timedelta(seconds=1)

    monkeypatch.setattr(authentication, "timezone", Later)


def test_tokens_expire_after_the_configured_hours(bureau_user, monkeypatch):
    # given
    token = _obtain()
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    issued = AuthToken.objects.get(user=bureau_user)
    assert settings.REST_KNOX["TOKEN_TTL"] == timedelta(hours=10)
    assert timedelta(hours=9, minutes=59) < issued.expiry - issued.created <= timedelta(hours=10)
    assert client.get("/api/v1/auth/me/").status_code == 200  # now kept in the cache

    # when: its hours have passed
    _hours_pass(monkeypatch, issued.expiry)
    late = client.get("/api/v1/auth/me/", HTTP_ACCEPT_LANGUAGE="en")

    # then: refused although kept, and gone
    assert late.status_code == 401 and late["Content-Type"].startswith("application/json")
    assert not AuthToken.objects.filter(user=bureau_user).exists()


def test_the_point_lookup_refuses_an_expired_token_too(two_streets, monkeypatch):
    # given
    from bureau.accounts.services import token_issue

    leader = two_streets["leader_a"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token_issue(user=leader)}")
    url = "/api/v1/grid-cells/locate/?lat=27.1&lng=114.9"
    assert client.get(url).status_code in (200, 404)

    # when
    _hours_pass(monkeypatch, AuthToken.objects.get(user=leader).expiry)
    late = client.get(url)

    # then
    assert late.status_code == 401


def test_each_login_gets_its_own_token_and_revoking_one_leaves_the_other(bureau_user):
    # given: a phone and a desktop client
    phone, desk = _obtain(), _obtain()

    # when
    AuthToken.objects.get(digest=authentication.token_digest(phone)).delete()

    # then
    assert phone != desk
    assert APIClient(HTTP_AUTHORIZATION=f"Token {phone}").get("/api/v1/auth/me/").status_code == 401
    assert APIClient(HTTP_AUTHORIZATION=f"Token {desk}").get("/api/v1/auth/me/").status_code == 200


def test_the_cache_is_keyed_by_the_digest_never_the_token(bureau_user):
    # given
    token = _obtain()

    # when
    APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/auth/me/")

    # then
    key = authentication._entry_key(token)
    assert token not in key and cache.get(key) is not None


def test_expired_tokens_are_purged(bureau_user):
    _obtain()
    later = AuthToken.objects.get(user=bureau_user).expiry + timedelta(minutes=1)
    assert tokens_purge_expired(now=later) == 1
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("header", ["Token ", "Token a b", "Token \u00e9\u00e9", "Token " + "x" * 5000])
def test_malformed_tokens_are_401_not_500(header, bureau_user):
    response = APIClient(HTTP_AUTHORIZATION=header).get("/api/v1/auth/me/")
    assert response.status_code == 401
