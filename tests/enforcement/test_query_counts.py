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

    # when / then: the case (with whether the leader leads its street), events, photos
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200
    # and the actions are still the handling side's (read from the case's own query)
    assert "handle" in response.json()["available_actions"]


def test_a_leader_of_another_street_is_not_the_handling_side(place, report, act):
    # given a dispatched case of street A, read by a leader who leads it and one who does not
    from enforcement.models import Case
    from enforcement.permissions import is_handling_side

    case = report()
    act(case, "register")
    act(case, "dispatch")

    for leader, expected in ((place["leader_a"], True), (place["leader_b"], False)):
        read = Case.objects.with_viewer_leads_street(leader).get(pk=case.pk)
        # then the annotation answers as the query would
        assert read.viewer_leads_street is expected
        assert is_handling_side(leader, read) is expected


def test_the_case_lists_count_joins_no_other_table(place, report, bureau_client):
    # given a few cases
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        report()

    # when the list is read, filtered and not
    for url in ("/api/v1/cases/", "/api/v1/cases/?status=reported&street=" + place["a"].code):
        with CaptureQueriesContext(connection) as queries:
            response = bureau_client.get(url)

        # then the count reads the cases alone (the page's columns join categories, streets, cells ...)
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        assert len(counts) == 1 and "JOIN" not in counts[0].upper(), counts
        assert response.json()["count"] == 3
