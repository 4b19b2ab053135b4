"""Repeat offenders across streets, by party and by spot, over a hand-counted fixture spanning three streets;
the flag on a case against such a party; the district view (API and page) for bureau staff only."""
import pytest

from bureau import clock
from tests.conftest import client_for
from tests.enforcement.offenders_support import NOW, Y0, boundary, east

pytestmark = pytest.mark.django_db

MID = lambda col: boundary(col) - 0.0005  # noqa: E731 - the middle of column `col`, 49 m from either edge


@pytest.fixture
def fixture(three_streets, file_case, bureau_user):
    """The hand-counted district (NOW = 2026-11-20 10:00; window 90 days, distance 50 m):

    parties (category 07001, each case at the middle of its street's cell, so no two streets' cases are near):
      P1 张一  A -80 d, B -10 d, and A -200 d (outside the window)   -> repeat: A 1, B 1 (2 cases)
      P2 李二  A -30 d, A -20 d, C -5 d                              -> repeat: A 2, C 1 (3 cases)
      P3 王三  A -100 d, B -3 d                                      -> no: A's case is outside the window
      P4 赵四  A -6 d, B -4 d rejected                                -> no: a rejected case counts nowhere
      P5 钱五  C -2 d, C -1 d                                         -> no: one street
      P6 孙六  A -40 d, B -30 d, C -20 d                              -> repeat: A 1, B 1, C 1 (first: 3 streets)
    spots (category 09006, no party):
      S1 at the A|B edge, lat +0.0005: a 20 m west (A), b 20 m east (B), c 45 m east (B)
         a-b 40 m, b-c 25 m, a-c 65 m: anchor b (two neighbours) takes a and c -> one spot, A 1 B 2
      S2 at the B|C edge, lat +0.0015: 30 m either side (60 m apart)   -> no
      S3 at the B|C edge, lat +0.0025: 10 m west 06010, 10 m east 09006 -> no: two categories
      S4 at the A|B edge, lat +0.0035: 10 m west -95 d, 10 m east -1 d  -> no: the first is outside the window
    """
    from enforcement.services import case_transition
    from enforcement.services.parties import party_register

    w = three_streets
    lat_mid = Y0 + 0.002
    parties = {}
    plan = {
        "P1": ("张一", [(0, 80), (1, 10), (0, 200)]),
        "P2": ("李二", [(0, 30), (0, 20), (2, 5)]),
        "P3": ("王三", [(0, 100), (1, 3)]),
        "P4": ("赵四", [(0, 6), (1, 4)]),
        "P5": ("钱五", [(2, 2), (2, 1)]),
        "P6": ("孙六", [(0, 40), (1, 30), (2, 20)]),
    }
    cases = {}
    for key, (name, found) in plan.items():
        party = party_register(acting_user=bureau_user, name=name)
        parties[key] = party
        cases[key] = [file_case(lat_mid, MID(col), days_ago=days, category="07001", party=party)
                      for col, days in found]
    with clock.frozen(NOW):
        case_transition(acting_user=bureau_user, case=cases["P4"][1], action="reject", note="不属实")

    def at(col_edge, metres, lat_offset, **kw):
        lat = Y0 + lat_offset
        return file_case(lat, east(boundary(col_edge), lat, metres), **kw)

    spots = {
        "S1": [at(0, -20, 0.0005, days_ago=12, category="09006"), at(0, 20, 0.0005, days_ago=11, category="09006"),
               at(0, 45, 0.0005, days_ago=2, category="09006")],
        "S2": [at(1, -30, 0.0015, days_ago=3, category="09006"), at(1, 30, 0.0015, days_ago=2, category="09006")],
        "S3": [at(1, -10, 0.0025, days_ago=3, category="06010"), at(1, 10, 0.0025, days_ago=2, category="09006")],
        "S4": [at(0, -10, 0.0035, days_ago=95, category="09006"), at(0, 10, 0.0035, days_ago=1, category="09006")],
    }
    return {**w, "parties": parties, "cases": cases, "spots": spots}


def test_repeat_offenders_by_party_and_by_spot(fixture, django_assert_num_queries):
    from enforcement.offenders import repeat_offenders

    # when the report is read as of NOW: three queries (the window's cases, the parties, their months)
    with django_assert_num_queries(3):
        report = repeat_offenders(at=NOW)

    # then the parties, in order: most streets, then most cases
    p = fixture["parties"]
    rows = [(r.party.pk, [(s.code, s.count) for s in r.streets], r.case_count) for r in report.parties]
    assert rows == [
        (p["P6"].pk, [("011", 1), ("012", 1), ("013", 1)], 3),
        (p["P2"].pk, [("011", 2), ("013", 1)], 3),
        (p["P1"].pk, [("011", 1), ("012", 1)], 2),
    ]
    # and each with its cases per month over the twelve months up to November 2026 (the window's and before)
    assert report.months[0] == "2025-12" and report.months[-1] == "2026-11" and len(report.months) == 12
    p1 = dict(report.parties[2].monthly)
    assert {m: n for m, n in p1.items() if n} == {"2026-05": 1, "2026-09": 1, "2026-11": 1}
    p6 = dict(report.parties[0].monthly)
    assert {m: n for m, n in p6.items() if n} == {"2026-10": 3}

    # and exactly one spot: S1, anchored at its middle case, with all three cases
    s1 = fixture["spots"]["S1"]
    assert [(s.category_code, [(x.code, x.count) for x in s.streets], [c.id for c in s.cases])
            for s in report.spots] == [("09006", [("011", 1), ("012", 2)], [c.pk for c in s1])]
    assert [c.distance_m for c in report.spots[0].cases] == [40.0, 0.0, 25.0]


def test_the_window_and_distance_are_settings(fixture, settings):
    from enforcement.offenders import repeat_offenders

    # given a window long enough to reach P3's and S4's old cases, and a distance that joins S2's two
    settings.REPEAT_OFFENDER_WINDOW_DAYS = 120
    settings.REPEAT_OFFENDER_DISTANCE_M = 70
    report = repeat_offenders(at=NOW)

    # then P3 is a repeat offender too, and S2 and S4 are spots (S1's a and c are 65 m apart: still one spot)
    p = fixture["parties"]
    assert {r.party.pk for r in report.parties} == {p["P1"].pk, p["P2"].pk, p["P3"].pk, p["P6"].pk}
    spots = fixture["spots"]
    assert sorted(sorted(c.id for c in s.cases) for s in report.spots) == sorted(
        sorted(c.pk for c in spots[k]) for k in ("S1", "S2", "S4"))


def test_the_query_count_is_the_same_for_more_rows(fixture, file_case, bureau_user, django_assert_num_queries):
    from enforcement.offenders import repeat_offenders
    from enforcement.services.parties import party_register

    # given twenty more repeat offenders
    for i in range(20):
        party = party_register(acting_user=bureau_user, name=f"摊贩{i}")
        for col in (0, 1):
            file_case(Y0 + 0.001, MID(col), days_ago=i + 1, category="07001", party=party)

    # then the report still takes three queries
    with django_assert_num_queries(3):
        report = repeat_offenders(at=NOW)
    assert len(report.parties) == 23


def test_a_new_case_against_a_repeat_offender_is_flagged(fixture, file_case, bureau_user, django_assert_num_queries):
    from enforcement.models import Case

    p = fixture["parties"]
    cases = fixture["cases"]
    flags = dict(Case.objects.with_repeat_flag().values_list("pk", "repeat_offender"))
    # P1: the case in B (A's 70 days before it) is flagged; the first case in A is not
    assert flags[cases["P1"][1].pk] is True and flags[cases["P1"][0].pk] is False
    # P3's case in B: its A case is 97 days before it; P4's rejected B case does not flag A; P5 one street
    assert not flags[cases["P3"][1].pk] and not flags[cases["P4"][0].pk]
    assert not any(flags[c.pk] for c in cases["P5"])
    # when a new case is reported against P1 in street C, and one against P5 in C
    new_p1 = file_case(Y0 + 0.002, MID(2), category="07001", party=p["P1"])
    new_p5 = file_case(Y0 + 0.002, MID(2), category="07001", party=p["P5"])
    # then the API shows the flag on the first, in the list and the case (no query more than before)
    client = client_for(bureau_user)
    with django_assert_num_queries(2):
        listed = client.get("/api/v1/cases/", {"page_size": 200}).json()["results"]
    by_id = {r["id"]: r["repeat_offender"] for r in listed}
    assert by_id[new_p1.pk] is True and by_id[new_p5.pk] is False
    assert client.get(f"/api/v1/cases/{new_p1.pk}/").json()["repeat_offender"] is True
    # and a leader of C, who sees none of P1's other cases, sees the flag too
    from tests.factories import make_leader

    leader_c = make_leader(fixture["C"])
    from grids.models import StreetLeaderAssignment

    StreetLeaderAssignment.objects.filter(user=leader_c).update(start=NOW.replace(year=2020))
    assert client_for(leader_c).get(f"/api/v1/cases/{new_p1.pk}/").json()["repeat_offender"] is True


def test_the_flag_shows_on_the_case_page_and_the_workbench(fixture, file_case, bureau_user, client):
    new = file_case(Y0 + 0.002, MID(2), category="07001", party=fixture["parties"]["P1"])
    client.force_login(bureau_user)
    page = client.get(f"/cases/{new.pk}/").content.decode()
    assert 'id="repeat-offender"' in page
    listing = client.get("/cases/").content.decode()
    assert f'data-repeat="{new.pk}"' in listing


def test_the_district_view_api(fixture, bureau_user, django_assert_num_queries):
    client = client_for(bureau_user)
    with clock.frozen(NOW):
        with django_assert_num_queries(3):
            body = client.get("/api/v1/repeat-offenders/").json()
    assert body["days"] == 90 and body["distance_m"] == 50
    p = fixture["parties"]
    assert [r["party"]["id"] for r in body["parties"]] == [p["P6"].pk, p["P2"].pk, p["P1"].pk]
    assert [r["streets"] for r in body["parties"]][2] == [
        {"code": "011", "name": "东街街道", "count": 1}, {"code": "012", "name": "南街街道", "count": 1}]
    assert len(body["parties"][0]["monthly"]) == 12
    assert [len(s["cases"]) for s in body["spots"]] == [3]
    # and the window can be asked for
    with clock.frozen(NOW):
        longer = client.get("/api/v1/repeat-offenders/", {"days": 120, "months": 3}).json()
    assert len(longer["parties"]) == 4 and len(longer["parties"][0]["monthly"]) == 3


@pytest.mark.parametrize("params", [{"days": "x"}, {"days": 0}, {"days": 9999}, {"distance_m": "nan"},
                                    {"distance_m": -1}, {"months": 0}])
def test_the_district_view_refuses_bad_input(fixture, bureau_user, params):
    response = client_for(bureau_user).get("/api/v1/repeat-offenders/", params)
    assert response.status_code == 400
    assert set(response.json()) <= {"days", "distance_m", "months"}


def test_the_district_view_is_the_bureaus(fixture, anon_client, api_user, client):
    assert anon_client.get("/api/v1/repeat-offenders/").status_code == 401
    for user in (fixture["leader_A"], fixture["officer_A"], api_user):
        assert client_for(user).get("/api/v1/repeat-offenders/").status_code == 403
    client.force_login(fixture["leader_A"])
    assert client.get("/cases/repeat-offenders/").status_code == 403


def test_the_district_view_page(fixture, bureau_user, client):
    client.force_login(bureau_user)
    with clock.frozen(NOW):
        response = client.get("/cases/repeat-offenders/")
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("P1", "P2", "P6"):
        assert f'data-party="{fixture["parties"][key].pk}"' in page
    assert f'data-party="{fixture["parties"]["P3"].pk}"' not in page
    assert page.count('class="spot-row"') == 1
    assert fixture["spots"]["S1"][0].number in page
