"""Patrol coverage: which of a street's cells were patrolled in a day or week (API, page, rankings' function)."""
from datetime import date, datetime

import pytest

from bureau import clock
from inspections.services.patrols import patrol_coverage, patrol_report_amend, patrol_report_file
from tests.conftest import client_for
from tests.factories import GridCellFactory
from tests.inspections import patrol_support
from tests.inspections.patrol_support import at

place = patrol_support.place

pytestmark = pytest.mark.django_db
URL = "/api/v1/patrol-coverage/"


def file(user, cells, day, when=None):
    when = when or at(day.year, day.month, day.day, 12)
    with clock.frozen(when):
        return patrol_report_file(
            acting_user=user, date=day, shift="day", grid_cells=[c.code for c in cells],
            started_at=datetime(day.year, day.month, day.day, 9, tzinfo=at(2026, 1, 1).tzinfo),
            ended_at=datetime(day.year, day.month, day.day, 11, tzinfo=at(2026, 1, 1).tzinfo), findings=[],
        )


@pytest.fixture
def fixture_day(place):
    """Street 001 has cells a1, a2, a3; on 2026-11-23 a1 was patrolled twice and a3 once; a2 was missed.

    On 2026-11-24 a2 was patrolled, and the bureau's own supervision patrol covered a1 (it does not count).
    """
    a3 = GridCellFactory(community=place["a1"].community)
    file(place["leader_a"], [place["a1"]], date(2026, 11, 23))
    file(place["leader_a"], [place["a1"], a3], date(2026, 11, 23), when=at(2026, 11, 23, 13))
    file(place["leader_b"], [place["b1"]], date(2026, 11, 23))
    file(place["leader_a"], [place["a2"]], date(2026, 11, 24))
    from bureau.accounts.choices import Role
    from tests.conftest import make_user

    staff = make_user("t-sup", Role.BUREAU)
    file(staff, [place["a1"]], date(2026, 11, 24))
    return {**place, "a3": a3, "staff": staff}


def test_coverage_for_a_fixture_day_names_exactly_the_cells_patrolled_and_missed(fixture_day, bureau_client):
    # when
    response = bureau_client.get(f"{URL}?street=001&date=2026-11-23")

    # then
    assert response.status_code == 200
    assert response.json() == {
        "street": {"code": "001", "name": "古南街道"}, "start": "2026-11-23", "end": "2026-11-23",
        "cells_total": 3,
        "cells_patrolled": sorted([fixture_day["a1"].code, fixture_day["a3"].code]),
        "cells_missed": [fixture_day["a2"].code],
        "rate": round(2 / 3, 4),
    }


def test_supervision_patrols_do_not_count_as_the_streets_coverage(fixture_day, bureau_client):
    body = bureau_client.get(f"{URL}?street=001&date=2026-11-24").json()
    assert body["cells_patrolled"] == [fixture_day["a2"].code]


def test_weekly_coverage(fixture_day, bureau_client):
    body = bureau_client.get(f"{URL}?street=001&week=2026-W48").json()
    assert body["start"] == "2026-11-23" and body["end"] == "2026-11-29"
    assert body["cells_missed"] == [] and body["rate"] == 1.0


def test_coverage_scope_and_input(fixture_day, anon_client, api_client_role):
    leader = client_for(fixture_day["leader_a"])
    assert leader.get(f"{URL}?street=001&date=2026-11-23").status_code == 200
    assert leader.get(f"{URL}?street=002&date=2026-11-23").status_code == 404
    assert leader.get(f"{URL}?date=2026-11-23").json()["street"]["code"] == "001"  # defaults to the own street
    assert leader.get(f"{URL}?street=001&date=23.11.2026").status_code == 400
    assert leader.get(f"{URL}?street=001&week=2026-47").status_code == 400
    assert anon_client.get(f"{URL}?street=001").status_code == 401
    assert api_client_role.get(f"{URL}?street=001").status_code == 403
    assert client_for(fixture_day["officer_a1"]).get(f"{URL}?street=001").status_code == 403


def test_patrol_coverage_for_rankings_counts_only_reports_recorded_before_as_of(fixture_day):
    # given: on 11-23 the report over a1 was recorded at 12:00, the one over a1 and a3 at 13:00
    week_start, week_end = at(2026, 11, 23), at(2026, 11, 30)

    # then
    assert patrol_coverage(fixture_day["a"], week_start, week_end) == (3, 3)
    assert patrol_coverage(fixture_day["a"], at(2026, 11, 23), at(2026, 11, 24)) == (2, 3)
    assert patrol_coverage(fixture_day["a"], at(2026, 11, 23), at(2026, 11, 24), as_of=at(2026, 11, 23, 12, 30)) == (1, 3)
    assert patrol_coverage(fixture_day["a"], at(2026, 11, 23), at(2026, 11, 24), as_of=at(2026, 11, 23, 11)) == (0, 3)


def test_patrol_coverage_as_of_reads_amended_reports_as_they_were(fixture_day):
    # given: the 11-23 report over a1 is amended on the same day (after as_of) to cover a2 as well
    report = fixture_day["leader_a"].patrol_reports.filter(date=date(2026, 11, 23)).order_by("pk").first()
    with clock.frozen(at(2026, 11, 23, 20)):
        patrol_report_amend(acting_user=fixture_day["leader_a"], report=report,
                            grid_cells=[fixture_day["a1"].code, fixture_day["a2"].code])

    # then: now a2 counts; as of 18:00 it did not
    day = (at(2026, 11, 23), at(2026, 11, 24))
    assert patrol_coverage(fixture_day["a"], *day) == (3, 3)
    assert patrol_coverage(fixture_day["a"], *day, as_of=at(2026, 11, 23, 18)) == (2, 3)


def test_coverage_page_shows_patrolled_and_missed_cells(fixture_day, client):
    client.force_login(fixture_day["leader_a"])
    response = client.get("/inspections/coverage/?date=2026-11-23")
    assert response.status_code == 200
    html = response.content.decode()
    assert fixture_day["a2"].code in html and "未巡查" in html


def test_coverage_query_count_does_not_grow_with_reports(fixture_day, bureau_client, django_assert_num_queries):
    with django_assert_num_queries(3):  # street, its cells, the patrolled cells (auth is forced)
        bureau_client.get(f"{URL}?street=001&week=2026-W48")
    for _ in range(5):
        file(fixture_day["leader_a"], [fixture_day["a1"], fixture_day["a2"]], date(2026, 11, 25))
    with django_assert_num_queries(3):
        bureau_client.get(f"{URL}?street=001&week=2026-W48")


@pytest.mark.parametrize("query", ["?date=0001-01-01", "?date=9999-12-31", "?week=0001-W01", "?week=9999-W52",
                                   "?date=2026-02-30", "?week=2026-W99"])
def test_coverage_page_and_api_at_the_ends_of_the_calendar_are_not_a_500(place, bureau_user, bureau_client, client,
                                                                       query):
    # given
    client.force_login(bureau_user)

    # when
    page = client.get("/inspections/coverage/" + query + "&street=001")
    api = bureau_client.get(URL + query + "&street=001")

    # then: the page shows the day (or a message), the API answers or refuses with 400
    assert page.status_code == 200
    assert api.status_code in (200, 400)
