"""Guessing passwords: the token endpoint is throttled per address, and failures lock (user, address), counted
atomically, so parallel guesses get exactly the limit of checks and the owner elsewhere is not locked out."""
import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from bureau.accounts.models import LoginFailure
from tests.conftest import make_user

TOKEN = "/api/v1/auth/token/"


def _guess(address, password="wrong", username="t-bureau"):  # noqa: S107 - a test guess
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json",
                            REMOTE_ADDR=address)


@pytest.mark.django_db
def test_a_lockout_holds_for_the_address_that_guessed_not_for_the_owner_elsewhere(bureau_user):
    # given: someone at 10.0.0.66 guesses until the lockout
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert _guess("10.0.0.66").status_code == 400

    # when
    guesser = _guess("10.0.0.66", password="pw-t-bureau")
    owner = _guess("10.0.0.7", password="pw-t-bureau")

    # then
    assert guesser.status_code == 429 and int(guesser["Retry-After"]) > 0
    assert owner.status_code == 200 and owner.json()["token"]
    assert LoginFailure.objects.get(user=bureau_user, address="10.0.0.66").locked_until is not None


@pytest.mark.django_db
def test_the_token_endpoint_is_throttled_per_address(monkeypatch):
    # given: a tiny rate for the endpoint's own scope (the real one is THROTTLE_AUTH)
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/day"})

    # when: unknown names, so no lockout is involved
    responses = [_guess("10.0.0.9", username=f"nobody-{n}") for n in range(4)]
    other_address = _guess("10.0.0.10", username="nobody")

    # then
    assert [r.status_code for r in responses] == [400, 400, 400, 429]
    assert int(responses[3]["Retry-After"]) > 0
    assert other_address.status_code == 400
    cache.clear()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_guesses_get_exactly_the_limit_of_checks():
    # given
    make_user("t-target", "bureau")
    limit = settings.LOGIN_FAILURE_LIMIT
    start = threading.Barrier(50)
    codes = []

    def guess():
        try:
            start.wait(20)
            codes.append(_guess("10.0.0.99", username="t-target").status_code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=guess) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then: the limit of wrong-password answers, every other guess refused unchecked
    assert sorted(codes) == [400] * limit + [429] * (50 - limit)
    failure = LoginFailure.objects.get(user__username="t-target", address="10.0.0.99")
    assert failure.locked_until is not None
