"""Real concurrent connections on PostgreSQL: one close wins, numbers stay gapless."""
import threading

import pytest
from django.db import connection

from bureau.accounts.choices import Role
from enforcement.models import Case, CaseEvent
from enforcement.services import case_report, case_transition
from tests.conftest import client_for, make_user
from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, centre_of, make_leader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(n, fn):
    """Run fn(i) in n threads released at once; each thread has (and closes) its own connection."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def worker(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


@pytest.fixture
def district(transactional_db):
    street = StreetFactory(code="001")
    cell = GridCellFactory(community=CommunityFactory(street=street, code="001"))
    return {"street": street, "cell": cell, "leader": make_leader(street),
            "bureau": make_user("c-bureau", Role.BUREAU)}


def test_sixteen_concurrent_closes_one_success(district):
    # given a handled case
    lat, lng = centre_of(district["cell"])
    case = case_report(acting_user=district["bureau"], category="06010", lat=lat, lng=lng, description="x",
                       source="supervision")
    case_transition(acting_user=district["bureau"], case=case, action="register")
    case_transition(acting_user=district["bureau"], case=case, action="dispatch")
    case_transition(acting_user=district["leader"], case=case, action="handle", note="done")
    # when 16 clients close it at the same moment
    url = f"/api/v1/cases/{case.pk}/transitions/"
    responses = run_together(16, lambda i: client_for(district["bureau"]).post(
        url, {"action": "close", "note": f"核查 {i}"}, format="json"))
    # then exactly one succeeds, fifteen conflict with the current status, and one close event exists
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 15
    assert all(r.json()["current_status"] == "closed" for r in responses if r.status_code == 409)
    assert CaseEvent.objects.filter(case=case, action="close").count() == 1
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_eight_concurrent_reports_get_consecutive_numbers(district):
    # given one case already numbered this year
    lat, lng = centre_of(district["cell"])
    first = case_report(acting_user=district["bureau"], category="06010", lat=lat, lng=lng, description="x",
                        source="supervision")
    # when eight are reported at once
    cases = run_together(8, lambda i: case_report(
        acting_user=district["bureau"], category="06010", lat=lat, lng=lng, description=f"并发 {i}",
        source="supervision"))
    # then their numbers are distinct and follow the first without a gap
    year, n = first.number.split("-")
    numbers = sorted(int(c.number.split("-")[1]) for c in cases)
    assert numbers == list(range(int(n) + 1, int(n) + 9))
    assert all(c.number.startswith(year) for c in cases)
