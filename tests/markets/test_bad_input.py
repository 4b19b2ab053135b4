"""Repeat offenders: a `since` at the edge of the calendar is a 400, not a 500."""
import pytest

pytestmark = pytest.mark.django_db

OFFENDERS = "/api/v1/vendors/repeat-offenders/"


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00", "0001-01-01T07:59:59", "9999-12-31T23:59:59"])
def test_a_since_at_the_edge_of_the_calendar_is_not_a_500(bureau_client, since):
    response = bureau_client.get(OFFENDERS, {"since": since})
    assert response.status_code in (200, 400)
    assert response.status_code != 500


def test_year_one_is_a_400_with_a_field_error(bureau_client):
    response = bureau_client.get(OFFENDERS, {"since": "0001-01-01T00:00:00"})
    assert response.status_code == 400
    assert "since" in response.json()


def test_an_ordinary_since_works(bureau_client):
    assert bureau_client.get(OFFENDERS, {"since": "2026-01-01T00:00:00"}).status_code == 200
