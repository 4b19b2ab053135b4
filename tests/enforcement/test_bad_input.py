"""Bad input is never a 500."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/api/v1/cases/abc/", "/api/v1/cases/99999999/", "/api/v1/cases/?overdue=maybe",
    "/api/v1/cases/?page=abc", "/api/v1/cases/?reported_before=2026-13-45", "/api/v1/cases/?street=%00",
    "/api/v1/cases/counts-by-cell/?status=nope", "/api/v1/categories/99999/",
])
def test_bad_reads_are_4xx(bureau_client, path):
    assert 400 <= bureau_client.get(path).status_code < 500


@pytest.mark.parametrize("body", [
    {"action": "relocate"}, {"action": "relocate", "lat": "x", "lng": 1}, {"action": "mark_duplicate", "duplicate_of": "x"},
    {"action": "mark_duplicate", "duplicate_of": 99999}, {"action": "dispatch", "unit": "x" * 40}, {}, {"action": None},
])
def test_bad_transition_bodies_are_4xx(bureau_client, report, act, body):
    case = report()
    response = bureau_client.post(f"/api/v1/cases/{case.pk}/transitions/", body, format="json")
    assert 400 <= response.status_code < 500, response.content


@pytest.mark.parametrize("body", [
    {}, {"category": "06010"}, {"category": "06010", "lat": 1e308, "lng": "nan", "description": "x", "source": "other"},
    {"category": ["06010"], "lat": 27.1, "lng": 115.0, "description": "x", "source": "other"},
])
def test_bad_reports_are_400(bureau_client, place, body):
    assert bureau_client.post("/api/v1/cases/", body, format="json").status_code == 400


def test_case_page_bad_ids(client, bureau_user):
    client.force_login(bureau_user)
    assert client.get("/cases/99999/").status_code == 404
    assert client.get("/cases/photos/99999/").status_code == 404
    assert client.get("/cases/?page=abc&status=nope").status_code == 200
