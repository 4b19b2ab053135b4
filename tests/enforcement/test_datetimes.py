"""Datetimes are ISO 8601 with the Asia/Shanghai offset, everywhere in the case and patrol JSON,
the event data of the history included."""
import re

import pytest

from bureau import clock
from tests.conftest import client_for
from tests.inspections.patrol_support import NOW, report_body

from .conftest import at

pytestmark = pytest.mark.django_db
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def datetimes(value, path=""):
    """(path, text) of every datetime-looking string in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from datetimes(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from datetimes(item, f"{path}[{i}]")
    elif isinstance(value, str) and DATETIME.match(value):
        yield path, value


def test_case_detail_and_list_datetimes_carry_plus_0800(place, report, act, bureau_client):
    # given a case through an approved extension and a suspension (their event data hold datetimes too)
    case = report(when=at(2026, 11, 23, 9, 0))
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    act(case, "dispatch", when=at(2026, 11, 23, 9, 20))
    act(case, "request_extension", when=at(2026, 11, 23, 9, 30), user=place["leader_a"])
    act(case, "approve_extension", when=at(2026, 11, 23, 9, 40))
    act(case, "suspend", when=at(2026, 11, 23, 9, 50))
    act(case, "resume", when=at(2026, 11, 23, 10, 0))

    # when
    detail = bureau_client.get(f"/api/v1/cases/{case.pk}/").json()
    listing = bureau_client.get("/api/v1/cases/").json()

    # then
    found = list(datetimes(detail)) + list(datetimes(listing))
    assert {"history[4].data.old_due_at", "history[6].data.suspended_at"} <= {p.lstrip(".") for p, _ in found}
    assert [(p, v) for p, v in found if not v.endswith("+08:00")] == []
    assert detail["history"][4]["data"]["old_due_at"] == "2026-11-23T15:20:00+08:00"


def test_patrol_report_datetimes_carry_plus_0800(place):
    # given
    with clock.frozen(NOW):
        client = client_for(place["leader_a"])
        body = report_body(place, started_at="2026-11-23T22:30:00Z", ended_at="2026-11-24T01:00:00Z")

        # when
        created = client.post("/api/v1/patrol-reports/", body, format="json")
        listing = client.get("/api/v1/patrol-reports/").json()
        url = f"/api/v1/patrol-reports/{created.json()['id']}/"
        client.patch(url, {"summary": "补充"}, format="json")
        revisions = client.get(url + "revisions/").json()

    # then
    assert created.status_code == 201, created.json()
    found = list(datetimes(created.json())) + list(datetimes(listing)) + list(datetimes(revisions))
    assert len(found) >= 12
    assert revisions[0]["body"]["started_at"] == "2026-11-24T06:30:00+08:00"
    assert [(p, v) for p, v in found if not v.endswith("+08:00")] == []
    assert created.json()["started_at"] == "2026-11-24T06:30:00+08:00"
