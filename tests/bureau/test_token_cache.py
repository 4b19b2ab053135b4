"""API tokens are answered from the shared cache, without a database query, yet a deactivated account, a
changed user or a deleted token is refused on the very next call, and no password hash goes into the cache."""
import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from bureau.accounts import authentication
from bureau.accounts.choices import Role
from bureau.accounts.services import user_deactivate

pytestmark = pytest.mark.django_db


def _token_client(user):
    token, key = AuthToken.objects.create(user)
    token.key = key  # what the client holds; the database keeps only its digest
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, token


def _token_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/auth/me/")
    return response, [q["sql"] for q in queries.captured_queries if "knox_authtoken" in q["sql"]]


def test_a_kept_token_is_answered_without_asking_the_database(bureau_user):
    # given
    client, _token = _token_client(bureau_user)

    # when
    first, first_queries = _token_queries(client)
    second, second_queries = _token_queries(client)

    # then
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert len(first_queries) == 1
    assert second_queries == []


def test_a_kept_token_of_a_user_deactivated_by_a_save_is_refused_at_once(bureau_user):
    # given: a token that has been answered from the cache (its row stays: no service deletes it)
    client, token = _token_client(bureau_user)
    assert client.get("/api/v1/auth/me/").status_code == 200
    assert _token_queries(client)[1] == []

    # when: an administrator unticks "active" in the user form
    bureau_user.is_active = False
    bureau_user.save()

    # then
    assert AuthToken.objects.filter(pk=token.pk).exists()
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_a_kept_token_is_refused_after_the_deactivation_service_commits(bureau_user, admin_user,
                                                                        django_capture_on_commit_callbacks):
    client, _token = _token_client(bureau_user)
    assert client.get("/api/v1/auth/me/").status_code == 200
    assert client.get("/api/v1/auth/me/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(acting_user=admin_user, user=bureau_user)

    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_a_kept_token_sees_a_role_change_on_the_next_call(bureau_user):
    client, _token = _token_client(bureau_user)
    assert client.get("/api/v1/auth/me/").json()["role"] == Role.BUREAU

    bureau_user.role = Role.API
    bureau_user.save(update_fields=["role"])

    assert client.get("/api/v1/auth/me/").json()["role"] == Role.API


def test_a_deleted_kept_token_is_refused(bureau_user):
    client, token = _token_client(bureau_user)
    assert client.get("/api/v1/auth/me/").status_code == 200

    token.delete()

    assert client.get("/api/v1/auth/me/").status_code == 401


def test_a_deactivation_committing_during_the_lookup_is_not_kept(bureau_user, monkeypatch):
    # given: the database answers "active", then the account is deactivated before the answer is kept
    client, token = _token_client(bureau_user)
    real = authentication.ActiveTokenAuthentication._from_database

    def racing(self, key):
        answer = real(self, key)
        stale = type(bureau_user).objects.get(pk=bureau_user.pk)
        stale.is_active = False
        stale.save()
        return answer

    monkeypatch.setattr(authentication.ActiveTokenAuthentication, "_from_database", racing)
    assert client.get("/api/v1/auth/me/").status_code == 200  # the request already under way
    monkeypatch.setattr(authentication.ActiveTokenAuthentication, "_from_database", real)

    # then: what it kept was kept under the old generation, so the next call asks the database
    assert client.get("/api/v1/auth/me/").status_code == 401
    assert AuthToken.objects.filter(pk=token.pk).exists()


def test_a_login_does_not_drop_every_kept_token(bureau_user):
    client, _token = _token_client(bureau_user)
    client.get("/api/v1/auth/me/")
    generation = cache.get(authentication.GENERATION_KEY)

    update_last_login(None, bureau_user)

    assert cache.get(authentication.GENERATION_KEY) == generation
    assert _token_queries(client)[1] == []


def test_no_password_hash_goes_into_the_cache(bureau_user):
    # given
    client, token = _token_client(bureau_user)

    # when
    client.get("/api/v1/auth/me/")

    # then
    _generation, kept = cache.get(authentication._entry_key(token.key))
    assert "password" not in kept.user.__dict__
    assert token.key not in authentication._entry_key(token.key)
    assert kept.user.password == bureau_user.password  # still there for whoever needs it, read on first use


def test_without_a_working_cache_the_database_answers(bureau_user, monkeypatch):
    client, _token = _token_client(bureau_user)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)

    response, queries = _token_queries(client)
    assert response.status_code == 200 and len(queries) == 1
    bureau_user.is_active = False
    bureau_user.save()
    assert client.get("/api/v1/auth/me/").status_code == 401
