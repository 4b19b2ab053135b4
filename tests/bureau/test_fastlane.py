"""The API's fast lane (bureau/fastlane.py): the point lookup answered as the ordinary path answers it, and what
it leaves to the middleware chain."""
import pytest
from rest_framework.test import APIClient

from bureau.accounts.services import token_issue
from tests.factories import centre_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_lane")]


def _answer(response):
    return response.status_code, response.content, sorted((k, v) for k, v in response.headers.items() if k != "Date")


def test_a_lookup_in_the_lane_is_the_ordinary_answer(settings, two_streets):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=two_streets['leader_a'])}")
    lat, lng = centre_of(two_streets["b2"])
    for url in (f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}", "/api/v1/grid-cells/locate/?lat=1&lng=1",
                "/api/v1/grid-cells/locate/?lat=x&lng=2"):
        for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "en"}):
            client.get(url, **headers)
            fast = _answer(client.get(url, **headers))
            settings.API_FAST_LANE = False
            slow = _answer(client.get(url, **headers))
            settings.API_FAST_LANE = True
            assert fast == slow, (url, headers)


def test_the_lane_leaves_a_session_and_a_host_not_allowed_to_the_chain(settings, two_streets, client):
    settings.ALLOWED_HOSTS = ["testserver"]
    lat, lng = centre_of(two_streets["a1"])
    url = f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}"
    token = token_issue(user=two_streets["leader_a"])
    # a host not in ALLOWED_HOSTS is refused with 400, as for every other request
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="evil.example").status_code == 400
    # a browser's session with a token header too: the chain decides (here: the token's user)
    client.force_login(two_streets["officer_a1"])
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_the_lane_answers_before_the_middleware_chain(two_streets, monkeypatch):
    from django.contrib.auth.middleware import AuthenticationMiddleware

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=two_streets['leader_a'])}")
    lat, lng = centre_of(two_streets["b2"])
    url = f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}"
    client.get(url)  # the token kept

    def no_chain(self, request):
        raise AssertionError("the middleware chain ran")

    monkeypatch.setattr(AuthenticationMiddleware, "process_request", no_chain)
    response = client.get(url)
    assert response.status_code == 200 and response.json()["code"] == two_streets["b2"].code


@pytest.mark.redis
def test_a_lost_connection_to_redis_costs_one_ordinary_answer(two_streets, monkeypatch):
    from bureau import cache as bureau_cache

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=two_streets['leader_a'])}")
    lat, lng = centre_of(two_streets["b2"])
    url = f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}"
    client.get(url)
    assert client.get(url).status_code == 200
    lost = bureau_cache._lane.kept[2]
    lost._sock.close()  # the server went away under the lane's own connection

    # the lane gives the request to the ordinary path, which answers it
    assert client.get(url).status_code == 200
    assert bureau_cache._lane.kept is None
    # and the next request is the lane's again, on a new connection
    assert client.get(url).json()["code"] == two_streets["b2"].code
    assert bureau_cache._lane.kept is not None and bureau_cache._lane.kept[2] is not lost
