"""The case detail's query count does not grow with its history (no N+1 over events, actors or photos)."""
import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("relocations", [0, 12])
def test_case_detail_query_count_is_the_same_for_a_short_and_a_long_history(
        place, report, act, bureau_client, django_assert_num_queries, relocations):
    # given a case with 2 or 14 events
    case = report()
    act(case, "register")
    for _ in range(relocations):
        act(case, "relocate", lat=case.lat, lng=case.lng)

    # when / then: the case, its events (with actors), their photos
    with django_assert_num_queries(3):
        response = bureau_client.get(f"/api/v1/cases/{case.pk}/")
    assert len(response.json()["history"]) == 2 + relocations


@pytest.mark.parametrize("requests", [0, 2])
def test_leaders_case_detail_query_count_is_the_same_for_a_short_and_a_long_history(
        place, report, act, django_assert_num_queries, requests):
    # given a dispatched case, with or without two approved extensions
    case = report()
    act(case, "register")
    act(case, "dispatch")
    for _ in range(requests):
        act(case, "request_extension", user=place["leader_a"])
        act(case, "approve_extension")
    client = client_for(place["leader_a"])

    # when / then: the case, events, photos, and whether the leader is its handling side (once)
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200
