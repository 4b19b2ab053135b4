"""The project's one fixed-window throttle (bureau/api/throttling.py), used by the cell lookup and the
published rankings and bulletins."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework.test import APIRequestFactory

from bureau.api.throttling import FixedWindowThrottle, parse_rate


class _A(FixedWindowThrottle):
    bucket = "test.a"


class _B(FixedWindowThrottle):
    bucket = "test.b"


class _User:
    is_authenticated = True

    def __init__(self, pk):
        self.pk = pk


def _request(user):
    request = APIRequestFactory().get("/x/", REMOTE_ADDR="10.0.0.9")
    request.user = user
    return request


@pytest.fixture
def rates(settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "3/day", "anon": "1/day"}}
    yield
    cache.clear()


def test_parse_rate_reads_drf_syntax():
    assert parse_rate("6000/min") == (6000, 60)
    assert parse_rate("2/day") == (2, 86400)
    assert parse_rate("10/s") == (10, 1)


def test_a_signed_in_client_gets_the_user_rate_then_a_wait(rates):
    # given
    throttle = _A()
    request = _request(_User(7))

    # when
    allowed = [throttle.allow_request(request, None) for _ in range(4)]

    # then
    assert allowed == [True, True, True, False]
    assert 0 < throttle.wait() <= 86400


def test_an_anonymous_client_gets_the_anon_rate(rates):
    # given
    throttle = _A()
    request = _request(AnonymousUser())

    # then
    assert [throttle.allow_request(request, None) for _ in range(2)] == [True, False]


def test_buckets_and_clients_count_apart(rates):
    # given: one client has spent its budget in bucket A
    for _ in range(3):
        _A().allow_request(_request(_User(7)), None)

    # then: bucket B and another client still have theirs
    assert _A().allow_request(_request(_User(7)), None) is False
    assert _B().allow_request(_request(_User(7)), None) is True
    assert _A().allow_request(_request(_User(8)), None) is True


def test_no_rate_configured_means_no_limit(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    assert all(_A().allow_request(_request(_User(7)), None) for _ in range(5))


def test_the_lookup_and_the_reports_use_it():
    from grids.api.views import LocateThrottle
    from inspections.api.views.reports import ReportsThrottle

    assert issubclass(LocateThrottle, FixedWindowThrottle) and issubclass(ReportsThrottle, FixedWindowThrottle)
    assert LocateThrottle.bucket != ReportsThrottle.bucket
