"""The locate endpoint keeps verified tokens, but a deactivated account or a deleted token is refused at once;
its throttle still limits (a fixed window at the configured user rate)."""
import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from bureau.accounts.services import token_issue, user_deactivate
from grids import authentication
from tests.factories import centre_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget():
    authentication.forget()
    yield
    authentication.forget()


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
    return client


def test_deactivated_accounts_token_stops_working_on_the_next_lookup(two_streets, bureau_user,
                                                                     django_capture_on_commit_callbacks):
    # given: a token that has been used (and kept)
    officer = two_streets["officer_a1"]
    client = _token_client(officer)
    lat, lng = centre_of(two_streets["a1"])
    url = f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200

    # when
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(acting_user=bureau_user, user=officer)

    # then
    assert client.get(url).status_code == 401


def test_deleted_token_is_refused(two_streets):
    client = _token_client(two_streets["leader_a"])
    lat, lng = centre_of(two_streets["b1"])
    url = f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}"
    assert client.get(url).json()["code"] == two_streets["b1"].code
    AuthToken.objects.filter(user=two_streets["leader_a"]).delete()
    assert client.get(url).status_code == 401


def test_wrong_token_is_401(two_streets):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get("/api/v1/grid-cells/locate/?lat=27.1&lng=115").status_code == 401


def test_locate_is_throttled_at_the_user_rate(two_streets, settings):
    # given: a user rate of 3 a minute, and no earlier counts (user ids repeat across tests)
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "user": "3/min"}}
    client = _token_client(two_streets["leader_b"])
    lat, lng = centre_of(two_streets["b1"])

    # when
    statuses = [client.get(f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}").status_code for _ in range(4)]

    # then
    assert statuses == [200, 200, 200, 429]


def test_fast_path_answers_exactly_as_the_drf_action(two_streets, rf):
    from grids.api import fast

    # given
    user = two_streets["leader_a"]
    token = token_issue(user=user)
    lat, lng = centre_of(two_streets["a2"])
    url = f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}"

    # when: the same request through the fast path and straight to the DRF action
    fast_response = fast.locate(rf.get(url, HTTP_AUTHORIZATION=f"Token {token}"))
    drf_response = fast._drf_locate(rf.get(url, HTTP_AUTHORIZATION=f"Token {token}"))
    drf_response.render()

    # then
    assert fast_response.status_code == drf_response.status_code == 200
    assert fast_response["Content-Type"] == drf_response["Content-Type"]
    assert fast_response.content == drf_response.content


def test_session_and_other_methods(two_streets, client):
    client.force_login(two_streets["officer_a1"])
    lat, lng = centre_of(two_streets["b2"])
    assert client.get(f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}").json()["code"] == two_streets["b2"].code
    response = client.post(f"/api/v1/grid-cells/locate/?lat={lat}&lng={lng}")
    assert response.status_code in (403, 405) and response["Content-Type"].startswith("application/json")


def test_api_client_403_is_audited(api_user):
    from bureau.audit.models import AuditEntry

    response = _token_client(api_user).get("/api/v1/grid-cells/locate/?lat=27.1&lng=115")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="permission.denied", actor=api_user).exists()
