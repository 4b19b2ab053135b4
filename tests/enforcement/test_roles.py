"""Who reaches the case and patrol endpoints at all: no credentials 401; the API client and the
audit administrator 403 on every one of them, whatever the object; grid officers have no patrol reports."""
import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CASE_ENDPOINTS = [
    ("get", "/api/v1/cases/"), ("post", "/api/v1/cases/"), ("get", "/api/v1/cases/{pk}/"),
    ("post", "/api/v1/cases/{pk}/transitions/"), ("get", "/api/v1/cases/counts-by-cell/"),
    ("get", "/api/v1/cases/{pk}/photos/1/"), ("get", "/api/v1/categories/"), ("get", "/api/v1/categories/06010/"),
]
PATROL_ENDPOINTS = [
    ("get", "/api/v1/patrol-reports/"), ("post", "/api/v1/patrol-reports/"), ("get", "/api/v1/patrol-reports/1/"),
    ("put", "/api/v1/patrol-reports/1/"), ("get", "/api/v1/patrol-reports/1/revisions/"),
    ("get", "/api/v1/patrol-coverage/?street=001"), ("get", "/api/v1/patrol-count-fields/"),
]


def _call(client, method, url, pk):
    return getattr(client, method)(url.format(pk=pk), {"action": "register", "note": "x"}, format="json").status_code


def test_no_credentials_is_401_everywhere(anon_client, report):
    case = report()
    statuses = {url: _call(anon_client, m, url, case.pk) for m, url in CASE_ENDPOINTS + PATROL_ENDPOINTS}
    assert set(statuses.values()) == {401}, statuses


@pytest.mark.parametrize("who", ["api", "auditor"])
def test_api_client_and_auditor_get_403_everywhere(api_user, auditor_user, report, who):
    case = report()
    client = client_for(api_user if who == "api" else auditor_user)
    statuses = {url: _call(client, m, url, case.pk) for m, url in CASE_ENDPOINTS + PATROL_ENDPOINTS}
    assert set(statuses.values()) == {403}, statuses


def test_grid_officer_gets_403_on_patrol_reports(place):
    client = client_for(place["officer_a1"])
    statuses = {url: _call(client, m, url, 0) for m, url in PATROL_ENDPOINTS}
    assert set(statuses.values()) == {403}, statuses


@pytest.mark.parametrize("body", [
    {"action": "relocate", "lat": "abc", "lng": 1}, {"action": "dispatch", "unit": "x" * 40},
    {"action": "mark_duplicate", "duplicate_of": "x"}, {"action": "register", "note": ["not", "text"]},
])
def test_role_that_may_never_take_the_action_gets_403_even_with_a_bad_body(place, report, body):
    # given a case in the leader's own street
    case = report(cell="a1")

    # when the leader tries a bureau action with an invalid body
    response = client_for(place["leader_a"]).post(f"/api/v1/cases/{case.pk}/transitions/", body, format="json")

    # then the role decides first
    assert response.status_code == 403
