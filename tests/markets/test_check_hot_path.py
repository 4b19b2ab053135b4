"""The vendor check's hot path (markets/api/fast.py, bench/markets_check.py): with the zone index warm and the
token kept, a check asks the database nothing, with a vendor or without; a permit written is seen at once."""
from datetime import date

import pytest
from django.test import Client

from bureau.accounts.services import token_issue
from grids.authentication import forget
from markets import zoneindex

from .test_check import FRI_EVENING, IN_SQUARE, NOWHERE, SAT_NIGHT, _ask, fixture  # noqa: F401

# committed rows: the zone index is only kept clean once the zones' writes have committed
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token_client(bureau_user):
    forget()
    zoneindex.reset()
    return Client(HTTP_AUTHORIZATION=f"Token {token_issue(user=bureau_user)}")


def test_queries_with_a_warm_index_and_a_kept_token(token_client, fixture, django_assert_num_queries):  # noqa: F811
    _ask(token_client, IN_SQUARE, FRI_EVENING, fixture["night_vendor"])  # builds the index, keeps the token
    with django_assert_num_queries(0):
        body = _ask(token_client, IN_SQUARE, FRI_EVENING).json()
    assert (body["zone"]["id"], body["open"], body["permitted"]) == (fixture["night"].pk, True, None)
    with django_assert_num_queries(0):
        assert _ask(token_client, NOWHERE, FRI_EVENING).json()["zone"] is None
    with django_assert_num_queries(0):  # the vendor and their permits from the permit index
        assert _ask(token_client, IN_SQUARE, SAT_NIGHT, fixture["night_vendor"]).json()["permitted"] is True
    with django_assert_num_queries(0):
        assert _ask(token_client, IN_SQUARE, FRI_EVENING, fixture["nobody"]).json()["permitted"] is False
    with django_assert_num_queries(0):
        assert _ask(token_client, NOWHERE, FRI_EVENING, fixture["nobody"]).json()["permitted"] is False


def test_a_permit_or_vendor_written_is_seen_at_once(token_client, fixture, bureau_user, make_vendor):  # noqa: F811
    from markets import services

    nobody = fixture["nobody"]
    assert _ask(token_client, IN_SQUARE, FRI_EVENING, nobody).json()["permitted"] is False  # index warm
    slot = fixture["night"].slots.exclude(permits__status="active").first()
    services.stall_permit_issue(acting_user=bureau_user, vendor=nobody, slot=slot,
                                valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31))
    assert _ask(token_client, IN_SQUARE, FRI_EVENING, nobody).json()["permitted"] is True
    newcomer = make_vendor()
    assert _ask(token_client, IN_SQUARE, FRI_EVENING, newcomer).json()["permitted"] is False  # known at once


def test_what_the_hot_path_cannot_answer_is_the_actions(token_client, anon_client, fixture):  # noqa: F811
    unknown = token_client.get("/api/v1/vendor-zones/check/", {"lat": 27.001, "lng": 115.001, "vendor": 999999})
    assert unknown.status_code == 400 and "vendor" in unknown.json()
    assert anon_client.get("/api/v1/vendor-zones/check/", {"lat": 27, "lng": 115}).status_code == 401
    bad_token = Client(HTTP_AUTHORIZATION="Token nonsense").get("/api/v1/vendor-zones/check/", {"lat": 27, "lng": 115})
    assert bad_token.status_code == 401
    assert token_client.post("/api/v1/vendor-zones/check/", {"lat": 27, "lng": 115}).status_code == 405


def test_the_hot_path_answers_the_fixture_as_the_action(token_client, bureau_client, bureau_user, fixture):  # noqa: F811
    from django.test import RequestFactory
    from django.utils import translation

    from markets.api.fast import _answer

    from .test_check import CASES, URL

    token = token_client.defaults["HTTP_AUTHORIZATION"]
    for point, moment, vendor_key, _expected in CASES:
        params = {"lat": point[0], "lng": point[1], "at": moment.isoformat()}
        if vendor_key:
            params["vendor"] = fixture[vendor_key].pk
        request = RequestFactory().get(URL, params, HTTP_AUTHORIZATION=token)
        with translation.override("zh-hans"):  # as the locale middleware would for this request
            fast = _answer(request)
        assert fast is not None, params  # served by the hot path, from the warm indexes
        assert fast == bureau_client.get(URL, params).json(), params  # force-authenticated: the DRF action
        for language in ("zh-hans", "en"):
            assert (token_client.get(URL, params, HTTP_ACCEPT_LANGUAGE=language).content
                    == bureau_client.get(URL, params, HTTP_ACCEPT_LANGUAGE=language).content), (params, language)
