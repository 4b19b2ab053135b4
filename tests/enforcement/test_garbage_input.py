"""Bad input is never a 500: garbage of every type in every field of case reports, transitions
and patrol reports; raw bodies that are not JSON, or JSON with NaN/Infinity, or the wrong content type; odd
query strings. Each test sweeps one field through every garbage value (one fixture setup per field)."""
import json

import pytest
from django.db import transaction

from bureau import clock
from enforcement.models import Case
from inspections.models import PatrolReport
from tests.conftest import client_for
from tests.factories import centre_of
from tests.inspections.patrol_support import NOW, report_body

pytestmark = pytest.mark.django_db

GARBAGE = [
    None, True, 0, -1, 10**30, 10**400, 1e308, "", "abc", "NaN", "Infinity", "-Infinity", "1e999", "a\x00b",
    "x" * 5000, [], [1, "a"], [[1, 2]], {}, {"a": 1}, "2026-02-30", "0001-01-01T00:10:00+08:00",
    "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "2026-11-24T25:00:00",
]

CASE_FIELDS = ["category", "lat", "lng", "description", "source", "address", "reporter_name", "reporter_phone",
               "self_handled", "note", "photos"]
# Each transition field with an action that reads it.
TRANSITION_FIELDS = [("action", "register"), ("note", "reject"), ("unit", "dispatch"), ("department", "dispatch"),
                     ("duplicate_of", "mark_duplicate"), ("lat", "relocate"), ("lng", "relocate"),
                     ("photos", "register")]
PATROL_FIELDS = ["date", "shift", "grid_cells", "started_at", "ended_at", "summary", "findings", "squad", "duty_squad",
                 "team", "track", "counts"]
FINDING_FIELDS = ["category", "lat", "lng", "description", "handled_on_spot", "address", "photos"]
RAW_BODIES = [
    ("{not json", "application/json"), ('{"lat": NaN}', "application/json"), ('{"lat": Infinity}', "application/json"),
    ("[1, 2]", "application/json"), ('"text"', "application/json"), ("null", "application/json"),
    ("", "application/json"), ("\xff\xfe", "application/json"), ("a=1&b=2", "text/plain"),
    ("<xml/>", "application/xml"), ("lat=1&lng=2", "application/x-www-form-urlencoded"),
    ("report=x", "multipart/form-data; boundary=zz"),
]


def _post(client, url, body):
    # json.dumps, not DRF's renderer: it lets huge numbers and NUL characters through as a client might send them
    return client.generic("POST", url, json.dumps(body), content_type="application/json")


def _sweep(send, count):
    """Send every garbage value, each in a savepoint rolled back afterwards (so every value meets the same
    state); returns those that gave a 5xx, or changed something without a 2xx."""
    bad = []
    for value in GARBAGE:
        with transaction.atomic():
            before = count()
            status = send(value).status_code
            if status >= 500 or (status >= 300 and count() != before):
                bad.append((value if not isinstance(value, str) else value[:40], status))
            transaction.set_rollback(True)
    return bad


@pytest.fixture
def leader(place):
    with clock.frozen(NOW):
        yield client_for(place["leader_a"])


@pytest.mark.parametrize("field", CASE_FIELDS)
def test_case_report_fields(place, bureau_client, field):
    # given
    lat, lng = centre_of(place["a1"])
    body = {"category": "06010", "lat": lat, "lng": lng, "description": "垃圾", "source": "supervision"}

    # when
    bad = _sweep(lambda v: _post(bureau_client, "/api/v1/cases/", {**body, field: v}), Case.objects.count)

    # then
    assert bad == []


@pytest.mark.parametrize("field,action", TRANSITION_FIELDS)
def test_transition_fields(place, bureau_client, report, field, action):
    # given
    case = report()
    url = f"/api/v1/cases/{case.pk}/transitions/"

    # when
    bad = _sweep(lambda v: _post(bureau_client, url, {"action": action, "note": "说明", field: v}),
                 lambda: list(Case.objects.values_list("status", "lat", "duplicate_of")))

    # then
    assert bad == []


@pytest.mark.parametrize("field", PATROL_FIELDS)
def test_patrol_report_fields(place, leader, field):
    bad = _sweep(lambda v: _post(leader, "/api/v1/patrol-reports/", {**report_body(place), field: v}),
                 PatrolReport.objects.count)
    assert bad == []


@pytest.mark.parametrize("field", FINDING_FIELDS)
def test_patrol_finding_fields(place, leader, field):
    def send(value):
        body = report_body(place)
        body["findings"][1][field] = value
        return _post(leader, "/api/v1/patrol-reports/", body)

    assert _sweep(send, lambda: (PatrolReport.objects.count(), Case.objects.count())) == []


@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/cases/{pk}/transitions/", "/api/v1/patrol-reports/"])
def test_raw_bodies_are_4xx(place, leader, report, bureau_user, url):
    # given
    url = url.format(pk=report().pk)
    client = client_for(place["leader_a"] if "patrol" in url else bureau_user)

    # when
    statuses = {raw: client.generic("POST", url, raw, content_type=ct).status_code for raw, ct in RAW_BODIES}

    # then
    assert {raw: s for raw, s in statuses.items() if not 400 <= s < 500} == {}
    assert Case.objects.count() == 1 and PatrolReport.objects.count() == 0


@pytest.mark.parametrize("pk", ["0", "-1", "99999999999999999999999", "1.5", "%00"])
def test_transition_on_odd_ids_is_404(bureau_client, pk):
    assert _post(bureau_client, f"/api/v1/cases/{pk}/transitions/", {"action": "register"}).status_code == 404


def test_duplicate_of_itself_or_a_missing_case_is_400(bureau_client, report):
    case = report()
    for value in (case.pk, 10**12, -5):
        response = _post(bureau_client, f"/api/v1/cases/{case.pk}/transitions/",
                         {"action": "mark_duplicate", "duplicate_of": value})
        assert response.status_code == 400, (value, response.content)
        assert "duplicate_of" in response.json()
    assert Case.objects.get().status == "reported"


@pytest.mark.parametrize("path", [
    "/api/v1/patrol-reports/?street=%00", "/api/v1/patrol-reports/?date=%00", "/api/v1/patrol-reports/?date=2026-02-30",
    "/api/v1/patrol-reports/?date_after=99999-01-01", "/api/v1/patrol-reports/99999999999999999999/",
    "/api/v1/patrol-coverage/?street=%00", "/api/v1/patrol-coverage/?street=001&date=%00",
    "/api/v1/patrol-coverage/?street=001&week=%00", "/api/v1/patrol-coverage/?street=001&week=2026-W99",
    "/api/v1/patrol-coverage/?street=001&date=0001-01-01", "/api/v1/patrol-coverage/?street=001&date=9999-12-31",
    "/api/v1/cases/?grid=%00", "/api/v1/cases/?status=%00", "/api/v1/cases/?reported_after=%00",
    "/api/v1/cases/?reported_after=0001-01-01T00:10:00%2B08:00", "/api/v1/cases/?reported_after=0001-01-01",
    "/api/v1/cases/?reported_before=9999-12-31T23:00:00-12:00", "/api/v1/cases/1/photos/99999999999999999999/",
])
def test_odd_query_strings_are_4xx_or_empty(place, bureau_client, path):
    assert bureau_client.get(path).status_code < 500


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_patrol_report_amendment_fields(place, leader, method):
    # given a filed report
    body = report_body(place, findings=[])
    pk = leader.post("/api/v1/patrol-reports/", body, format="json").json()["id"]
    url = f"/api/v1/patrol-reports/{pk}/"

    # when every amendable field gets every garbage value
    bad = {field: _sweep(lambda v, f=field: leader.generic(method, url, json.dumps({**body, f: v}),
                                                             content_type="application/json"),
                         lambda: list(PatrolReport.objects.values_list("revision_count", flat=True)))
           for field in PATROL_FIELDS + ["reason"]}

    # then
    assert {f: b for f, b in bad.items() if b} == {}


@pytest.mark.parametrize("path", [
    "/cases/?number=%00", "/cases/?street=%00", "/cases/?status=%00", "/cases/?reported_after=0001-01-01",
    "/cases/?page=%00", "/cases/?queue=%00", "/inspections/patrols/?date=%00", "/inspections/patrols/?page=%00",
    "/inspections/coverage/?street=%00", "/inspections/coverage/?date=%00", "/cases/inbox/?page=%00",
])
def test_odd_query_strings_on_pages_are_not_a_500(place, bureau_user, client, path):
    # NUL characters matter on PostgreSQL, which refuses them in a query
    client.force_login(bureau_user)
    assert client.get(path).status_code < 500
