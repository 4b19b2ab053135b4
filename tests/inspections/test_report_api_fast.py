"""The rankings and bulletins answered from the cache before DRF's request handling: the same bytes and
headers as DRF's answer, no query, and every refusal still DRF's (401, 403, 400, 429)."""
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.views import APIView

from bureau import clock
from bureau.accounts.choices import Role
from bureau.accounts.services import token_issue
from inspections.api.views.reports import _PublishedDocumentView
from inspections.services.reports import report_compile_month, report_compile_week
from tests.conftest import make_user
from tests.inspections import reports_support
from tests.inspections.reports_support import build_worked_example

place, walker, after_w48 = reports_support.place, reports_support.walker, reports_support.after_w48  # fixtures

pytestmark = pytest.mark.django_db

URLS = ["/api/v1/rankings/weekly/2026-W47/", "/api/v1/rankings/monthly/2026-11/",
        "/api/v1/bulletins/weekly/2026-W47/", "/api/v1/rankings/weekly/latest/", "/api/v1/bulletins/weekly/latest/"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(walker, place, after_w48):
    build_worked_example(walker)
    with clock.frozen(after_w48):
        report_compile_week("2026-W47")
        report_compile_week("2026-W48")
        report_compile_month("2026-11")
    return place


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
    return client


@pytest.fixture
def api(api_user):
    return token_client(api_user)


@pytest.fixture
def drf_only(monkeypatch, settings):
    """Turns the cached answers off (the API's fast lane and the view's own): every request goes through DRF."""
    def off():
        settings.API_FAST_LANE = False
        monkeypatch.setattr(_PublishedDocumentView, "answer_from_cache", lambda self, request, **kwargs: None)
    return off


@pytest.fixture
def without_drf(monkeypatch):
    """Makes DRF's request handling fail: whatever still answers was answered before it."""
    def fail(self, request, *args, **kwargs):
        raise AssertionError("DRF's request handling ran")
    return lambda: monkeypatch.setattr(APIView, "initial", fail)


def _answers(client, url):
    first = client.get(url)
    validators = {"HTTP_IF_NONE_MATCH": first["ETag"]}
    rows = [first, client.get(url, **validators), client.get(url, HTTP_IF_NONE_MATCH='"other", ' + first["ETag"]),
            client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]), client.get(url)]
    return [(r.status_code, r.content, sorted((k, v) for k, v in r.headers.items() if k != "Date")) for r in rows]


@pytest.mark.parametrize("url", URLS)
def test_the_cached_answer_is_drfs_answer(published, api, drf_only, url):
    with clock.frozen(reports_support.at(2026, 12, 2, 9)):
        # given the answers as the cached path gives them (the first request fills the cache through DRF)
        fast = _answers(api, url)
        # when DRF answers every request
        cache.clear()
        drf_only()
        slow = _answers(api, url)
    # then the same statuses, bytes and headers
    assert [status for status, _body, _headers in fast] == [200, 304, 304, 304, 200]
    assert fast == slow


def test_a_304_and_a_200_cost_no_query_and_no_drf(published, api, without_drf, django_assert_num_queries):
    # given the document and the token in the cache
    url = "/api/v1/rankings/weekly/2026-W47/"
    etag = api.get(url)["ETag"]
    without_drf()

    # when / then: answered before DRF's request handling, without a query
    with django_assert_num_queries(0):
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert api.get(url).status_code == 200


def test_refusals_are_still_drfs(published, api, anon_client):
    # given every document in the cache, and its validator
    url = "/api/v1/rankings/weekly/2026-W47/"
    etag = api.get(url)["ETag"]
    auditor = token_client(make_user("t-aud", Role.AUDITOR, is_staff=True))
    gone = make_user("t-gone", Role.API)
    gone_client = token_client(gone)
    gone.is_active = False
    gone.save()
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    # then: no credentials, a wrong token or an inactive user's is 401; a role that may not read is 403,
    # even with the current validator; a malformed period is 400
    anonymous = anon_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"]
    assert wrong.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 401
    assert gone_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 401
    assert auditor.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 403
    assert api.get("/api/v1/rankings/weekly/2026-W54/", HTTP_IF_NONE_MATCH=etag).status_code == 400
    assert api.head(url).status_code == 200


def test_the_cached_answer_is_throttled(published, api, settings):
    # given a tiny rate, a day's window, and the document in the cache
    url = "/api/v1/rankings/weekly/2026-W47/"
    etag = api.get(url)["ETag"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "2/day", "anon": "2/day"}}

    # when
    responses = [api.get(url, HTTP_IF_NONE_MATCH=etag) for _ in range(3)]

    # then: the rate applies to the cached answers as to DRF's
    assert [r.status_code for r in responses] == [304, 304, 429]
    assert int(responses[-1]["Retry-After"]) > 0
