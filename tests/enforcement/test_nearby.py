"""Duplicates found where they are made: the standing cases of a category within 50 m and 7 days of a point, in
the caller's scope (GET /api/v1/cases/nearby/), and the workbench's proposal of mark_duplicate at registration."""
import re
from datetime import timedelta

import pytest

from bureau import clock
from tests.conftest import client_for
from tests.enforcement.offenders_support import NOW, Y0, boundary, east, north

pytestmark = pytest.mark.django_db

LAT = Y0 + 0.002
LNG = east(boundary(0), LAT, -20)  # R: 20 m west of the A|B edge, in street A


@pytest.fixture
def around(three_streets, file_case, bureau_user):
    """Cases around R (category 06010 unless said), hand-placed; NOW = 2026-11-20 10:00:

      n1  49 m north, A, 1 day ago                     -> offered
      n2  51 m south, A, 1 day ago                     -> not: over 50 m
      n3  30 m east (10 m into B), 2 days ago          -> offered to bureau staff and B's leader, not to A's
      n4  10 m west, 7 days less an hour ago           -> offered
      n5  10 m west, 7 days and an hour ago            -> not: older than 7 days
      n6   5 m west, category 09006                    -> not: another category
      n7   5 m west, closed (handled on the spot)      -> not: closed
      n8   5 m west, rejected                          -> not: rejected
      n9  20 m south, dispatched                       -> offered (still standing)
    """
    from enforcement.services import case_transition

    w = three_streets
    c = {
        "n1": file_case(north(LAT, 49), LNG, days_ago=1),
        "n2": file_case(north(LAT, -51), LNG, days_ago=1),
        "n3": file_case(LAT, east(LNG, LAT, 30), days_ago=2),
        "n4": file_case(LAT, east(LNG, LAT, -10), days_ago=7, hours=-1),
        "n5": file_case(LAT, east(LNG, LAT, -10), days_ago=7, hours=1),
        "n6": file_case(LAT, east(LNG, LAT, -5), days_ago=1, category="09006"),
        "n7": file_case(LAT, east(LNG, LAT, -5), days_ago=1, self_handled=True),
        "n8": file_case(LAT, east(LNG, LAT, -5), days_ago=1),
        "n9": file_case(north(LAT, -20), LNG, days_ago=3),
    }
    with clock.frozen(NOW - timedelta(hours=5)):
        case_transition(acting_user=bureau_user, case=c["n8"], action="reject", note="不属实")
        case_transition(acting_user=bureau_user, case=c["n9"], action="register")
        case_transition(acting_user=bureau_user, case=c["n9"], action="dispatch")
    assert c["n3"].street == w["B"] and c["n1"].street == w["A"]
    return {**w, **c}


def _nearby(user, **params):
    query = {"lat": LAT, "lng": LNG, "category": "06010", **params}
    with clock.frozen(NOW):
        return client_for(user).get("/api/v1/cases/nearby/", query)


def test_nearby_offers_exactly_the_hand_counted_cases(around, bureau_user, django_assert_num_queries):
    # when bureau staff ask around R: the category, the candidates' points, the nearest read whole (three queries)
    with django_assert_num_queries(3):
        response = _nearby(bureau_user)

    # then n4, n9, n3, n1, nearest first, with their distances
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["results"]] == [around[k].pk for k in ("n4", "n9", "n3", "n1")]
    assert [r["distance_m"] for r in body["results"]] == [10.0, 20.0, 30.0, 49.0]
    assert body["count"] == 4 and body["distance_m"] == 50 and body["days"] == 7
    first = body["results"][0]
    assert first["number"] == around["n4"].number and first["url"] == f"/cases/{around['n4'].pk}/"
    assert first["street"] == {"code": "011", "name": "东街街道"}


def test_nearby_is_scoped_to_the_caller(around):
    # A's leader and A's grid officer do not see B's case; B's leader sees only it
    a_only = [around[k].pk for k in ("n4", "n9", "n1")]
    assert [r["id"] for r in _nearby(around["leader_A"]).json()["results"]] == a_only
    assert [r["id"] for r in _nearby(around["officer_A"]).json()["results"]] == a_only
    assert [r["id"] for r in _nearby(around["leader_B"]).json()["results"]] == [around["n3"].pk]


def test_nearby_leaves_out_the_case_asked_about(around, bureau_user):
    ids = [r["id"] for r in _nearby(bureau_user, exclude=around["n4"].pk).json()["results"]]
    assert around["n4"].pk not in ids and len(ids) == 3


def test_nearby_of_another_category(around, bureau_user):
    assert [r["id"] for r in _nearby(bureau_user, category="09006").json()["results"]] == [around["n6"].pk]


def test_the_query_count_is_the_same_for_more_cases(around, file_case, bureau_user, django_assert_num_queries):
    for i in range(20):
        file_case(north(LAT, i), LNG, days_ago=1)
    with django_assert_num_queries(3):
        response = _nearby(bureau_user)
    assert response.json()["count"] == 24


def test_a_hot_spot_reads_only_the_nearest_whole(around, file_case, bureau_user):
    """Sixty reports at one spot within the week: the answer is the nearest fifty, and only they are read whole."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(60):
        file_case(north(LAT, i % 40), LNG, days_ago=1)
    with CaptureQueriesContext(connection) as queries:
        body = _nearby(bureau_user).json()
    assert body["count"] == 50
    assert [r["distance_m"] for r in body["results"]] == sorted(r["distance_m"] for r in body["results"])
    whole = [q["sql"] for q in queries.captured_queries if '"enforcement_case"."description"' in q["sql"]]
    assert len(whole) == 1
    ids = re.search(r'"enforcement_case"\."id" IN \(([^)]*)\)', whole[0])
    assert ids is not None and len(ids.group(1).split(",")) == 50


@pytest.mark.parametrize("params", [
    {"lat": "x"}, {"lat": ""}, {"lat": "91"}, {"lng": "181"}, {"lat": "nan"}, {"lng": "inf"},
    {"category": "99999"}, {"category": ""}, {"category": "0601\x00"}, {"exclude": "abc"}, {"exclude": "0"},
])
def test_bad_input_is_a_400_with_a_message(around, bureau_user, params):
    response = _nearby(bureau_user, **params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) <= {"lat", "lng", "category", "exclude"} and body


def test_missing_parameters_are_a_400(three_streets, bureau_user):
    response = client_for(bureau_user).get("/api/v1/cases/nearby/")
    assert response.status_code == 400
    assert set(response.json()) == {"lat", "lng", "category"}


def test_nearby_is_for_field_staff(three_streets, anon_client, api_user):
    assert anon_client.get("/api/v1/cases/nearby/", {"lat": LAT, "lng": LNG, "category": "06010"}).status_code == 401
    assert client_for(api_user).get("/api/v1/cases/nearby/",
                                    {"lat": LAT, "lng": LNG, "category": "06010"}).status_code == 403


# ---------------------------------------------------------------------------------------------- at registration


def test_the_case_page_proposes_mark_duplicate_with_the_nearest(around, file_case, bureau_user, client):
    # given a new report at R
    new = file_case(LAT, LNG)

    # when the registrar opens it
    client.force_login(bureau_user)
    page = client.get(f"/cases/{new.pk}/").content.decode()

    # then the nearest standing case of its category (n4, 10 m) is proposed, and the mark_duplicate form holds it
    assert 'id="duplicate-proposal"' in page and around["n4"].number in page
    assert f'name="duplicate_of" value="{around["n4"].number}"' in page

    # and taking the proposal marks the case a duplicate of n4
    response = client.post(f"/cases/{new.pk}/act/", {"action": "mark_duplicate", "duplicate_of": around["n4"].number})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == "rejected" and new.duplicate_of_id == around["n4"].pk


def test_the_workbench_proposes_duplicates_in_one_query(around, file_case, bureau_user, client):
    import re

    from django.core.cache import cache

    # given two new reports at R and one 150 m north, far from anything
    new = [file_case(LAT, LNG), file_case(LAT, LNG)]
    alone = file_case(north(LAT, 150), LNG)
    client.force_login(bureau_user)

    # when the to-register queue is read
    cache.clear()
    page = client.get("/cases/", {"queue": "to_register"}).content.decode()

    # then each report waiting for registration proposes the nearest earlier standing case of its category
    # within 50 m and 7 days before it (hand-counted from the fixture's docstring):
    rows = dict(re.findall(r'data-case="(\d+)">(.*?)</tr>', page, flags=re.DOTALL))
    proposed = {int(pk): (int(m.group(1)) if (m := re.search(r'data-duplicate-of="(\d+)"', row)) else None)
                for pk, row in rows.items()}
    pk = {k: around[k].pk for k in ("n1", "n2", "n3", "n4", "n5", "n6")}
    assert proposed == {
        new[0].pk: pk["n4"],  # 10 m; n5 is older than 7 days
        new[1].pk: new[0].pk,  # the same point, reported just before it
        alone.pk: None,
        pk["n1"]: None,  # n4 and n5 are 50.01 m from it, n3 57 m, n9 69 m
        pk["n2"]: around["n9"].pk,  # 31 m (n9 is dispatched: still standing)
        pk["n3"]: around["n9"].pk,  # 36 m, nearer than n4 and n5 (40 m)
        pk["n4"]: pk["n5"],  # the same point, an hour earlier
        pk["n5"]: None,
        pk["n6"]: None,  # 09006: no other case of its category
    }

    # and the page's proposals take one query whatever the number of reports on it
    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            client.get("/cases/", {"queue": "to_register"})
        return len(ctx.captured_queries)

    before = queries()
    for _ in range(5):
        file_case(north(LAT, 2), LNG)
    assert queries() == before


def test_a_leader_gets_no_proposal(around, file_case, client):
    new = file_case(LAT, LNG)
    client.force_login(around["leader_A"])
    page = client.get(f"/cases/{new.pk}/").content.decode()
    assert 'id="duplicate-proposal"' not in page


def test_the_case_api_offers_nearby_cases_without_blocking(around):
    # when A's leader reports a case at R through the API
    with clock.frozen(NOW):
        response = client_for(around["leader_A"]).post(
            "/api/v1/cases/", {"category": "06010", "lat": LAT, "lng": LNG, "description": "垃圾", "source": "patrol"},
            format="json")

    # then it is filed, and the standing cases it may repeat are offered, as far as the leader sees
    assert response.status_code == 201
    body = response.json()
    assert [r["id"] for r in body["nearby"]] == [around[k].pk for k in ("n4", "n9", "n1")]
    assert body["status"] == "reported"
