"""Where the brigades' time goes: a squad taken off its rota duty with a reason; each street brigade's duty hours
in a month split into urban management (its patrol reports) and other street work (by reason), on the API,
the dashboard and the monthly ranking's annex."""
from datetime import date

import pytest
from django.test import Client

from bureau import clock
from inspections.models import KeyPoint, PatrolReport, RotaDuty, Squad
from inspections.services.rotas import brigade_time, rota_duty_take_off, rota_generate, rota_plan_vs_done
from tests.conftest import client_for
from tests.inspections import patrol_support
from tests.inspections.patrol_support import at

place, frozen_now = patrol_support.place, patrol_support.frozen_now

pytestmark = pytest.mark.django_db

URL = "/api/v1/brigade-time/"


def _report(squad, street, cell, day, start, end, leader):
    report = PatrolReport.objects.create(
        source="patrol", street=street, leader=leader, date=day, shift="day", duty_squad=squad, squad=squad.name,
        started_at=at(day.year, day.month, day.day, *start), ended_at=at(day.year, day.month, day.day, *end),
        recorded_at=at(day.year, day.month, day.day, 22), updated_at=at(day.year, day.month, day.day, 22))
    report.grid_cells.set([cell])
    return report


@pytest.fixture
def october(place):
    """Street 001's 一中队 on its street's round every day of October 2026 (day shift, 08:00–18:00) and at the
    school gate on working days; taken off on 9 Oct (防汛), 12 Oct (创城) and the gate's afternoon of 13 Oct
    (街道中心工作). Patrol reports: street 001 2.5 h + 1 h in October (and one in November, not counted);
    street 002 2 h."""
    p = place
    first = Squad.objects.create(name="一中队", street=p["a"])
    second = Squad.objects.create(name="二中队", street=p["b"])
    gate = KeyPoint.objects.create(name="吉师附小", street=p["a"], grid=p["a1"],
                                   windows=[["07:10", "07:50"], ["16:30", "17:30"]])
    with clock.frozen(at(2026, 9, 25, 9)):
        rota = rota_generate(acting_user=p["leader_a"], name="十月", month="2026-10", street=p["a"], squads=[first],
                             towns=[p["a"]], key_points=[gate], key_point_squad=first)
    duties = rota.duties.all()
    with clock.frozen(at(2026, 10, 8, 9)):
        rota_duty_take_off(acting_user=p["leader_a"], duty=duties.get(date=date(2026, 10, 9), key_point=None),
                           reason="flood_control", note="赣江水位超警戒")
        rota_duty_take_off(acting_user=p["leader_a"], duty=duties.get(date=date(2026, 10, 12), key_point=None),
                           reason="civilised_city")
        rota_duty_take_off(acting_user=p["leader_a"],
                           duty=duties.get(date=date(2026, 10, 13), key_point=gate, starts_at="16:30"),
                           reason="street_centre")
    _report(first, p["a"], p["a1"], date(2026, 10, 8), (9, 0), (11, 30), p["leader_a"])
    _report(first, p["a"], p["a1"], date(2026, 10, 10), (7, 0), (8, 0), p["leader_a"])
    _report(first, p["a"], p["a1"], date(2026, 11, 2), (9, 0), (12, 0), p["leader_a"])
    _report(second, p["b"], p["b1"], date(2026, 10, 20), (14, 0), (16, 0), p["leader_b"])
    return {"rota": rota, "first": first, "gate": gate}


def test_hours_split_into_urban_management_and_other_work_per_street_and_in_total(october, place):
    # when
    report = brigade_time([place["a"], place["b"]], date(2026, 10, 1), date(2026, 10, 31))

    # then: by hand: street 001 patrolled 2.5 + 1 h; was taken off 10 h (防汛) + 10 h (创城) + 1 h (gate)
    a, b = report["streets"]
    assert a["street"]["code"] == "001"
    assert a["urban_hours"] == 3.5 and a["other_hours"] == 21.0 and a["total_hours"] == 24.5
    assert a["by_reason"] == {"civilised_city": 10.0, "flood_control": 10.0, "street_centre": 1.0, "other": 0.0}
    assert a["urban_share"] == round(3.5 / 24.5, 4)
    assert b["urban_hours"] == 2.0 and b["other_hours"] == 0.0 and b["urban_share"] == 1.0
    assert report["total"]["urban_hours"] == 5.5 and report["total"]["other_hours"] == 21.0
    assert report["total"]["by_reason"]["flood_control"] == 10.0


def test_a_taken_off_duty_is_named_with_its_reason_in_planned_against_done(october):
    days = {d["date"]: d for d in rota_plan_vs_done(october["rota"])}
    assert "一中队 被抽调（防汛：赣江水位超警戒），古南街道 未安排" in days[date(2026, 10, 9)]["gaps"]


@pytest.mark.parametrize("reason, note, field", [("bogus", "", "reason"), ("other", "", "note")])
def test_a_bad_reason_is_400_and_changes_nothing(october, place, reason, note, field):
    duty = october["rota"].duties.get(date=date(2026, 10, 20), key_point=None)
    response = client_for(place["leader_a"]).post(
        f"/api/v1/rotas/{october['rota'].pk}/take-off/", {"duty": duty.pk, "reason": reason, "note": note},
        format="json")
    assert response.status_code == 400 and field in response.json()
    duty.refresh_from_db()
    assert duty.off_reason == ""


def test_a_leader_takes_a_squad_off_over_the_api_once(october, place, frozen_now):
    rota = october["rota"]
    duty = rota.duties.get(date=date(2026, 10, 20), key_point=None)
    url = f"/api/v1/rotas/{rota.pk}/take-off/"
    body = {"duty": duty.pk, "reason": "other", "note": "社区疫苗接种点维持秩序"}
    response = client_for(place["leader_a"]).post(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["off_reason"] == "other"
    again = client_for(place["leader_a"]).post(url, body, format="json")
    assert again.status_code == 400 and "duty" in again.json()
    # another street's leader does not see the rota; an officer may not use rotas
    assert client_for(place["leader_b"]).post(url, body, format="json").status_code == 404
    assert client_for(place["officer_a1"]).post(url, body, format="json").status_code == 403
    assert RotaDuty.objects.exclude(off_reason="").count() == 4


def test_the_api_scopes_a_leader_to_their_street(october, place, bureau_client, anon_client, api_client_role):
    assert anon_client.get(URL).status_code == 401
    assert api_client_role.get(URL).status_code == 403
    mine = client_for(place["leader_a"]).get(URL, {"month": "2026-10"})
    assert mine.status_code == 200
    assert [s["street"]["code"] for s in mine.json()["streets"]] == ["001"]
    assert mine.json()["total"]["other_hours"] == 21.0
    assert client_for(place["leader_a"]).get(URL, {"month": "2026-10", "street": "002"}).status_code == 404
    assert client_for(place["leader_a"]).get(URL, {"month": "2026-13"}).status_code == 400
    everyone = bureau_client.get(URL, {"month": "2026-10"})
    assert [s["street"]["code"] for s in everyone.json()["streets"]] == ["001", "002"]


def test_the_api_query_count_is_the_same_for_one_street_and_many(october, place, bureau_client,
                                                                 django_assert_num_queries):
    with django_assert_num_queries(3):
        bureau_client.get(URL, {"month": "2026-10", "street": "001"})
    with django_assert_num_queries(3):
        bureau_client.get(URL, {"month": "2026-10"})


def test_the_dashboard_shows_the_leaders_brigade_time(october, place):
    client = Client()
    client.force_login(place["leader_a"])
    with clock.frozen(at(2026, 10, 31, 20)):
        body = client.get("/").content.decode()
    assert "大队时间去向" in body and "3.5" in body and "21.0" in body


def test_the_page_lists_the_hours_per_street(october, place):
    client = Client()
    client.force_login(place["leader_a"])
    body = client.get("/inspections/rotas/time/", {"month": "2026-10"}).content.decode()
    assert "古南街道" in body and "永叔街道" not in body and "21.0" in body and "防汛" in body
    assert client.get("/inspections/rotas/time/", {"month": "2026-10", "street": "002"}).status_code == 404
    assert client.get("/inspections/rotas/time/", {"month": "oops"}).status_code == 404


def test_the_monthly_ranking_carries_the_annex_in_its_page_and_xlsx(october, place, bureau_client):
    import io

    from openpyxl import load_workbook

    from inspections.models import Ranking
    from inspections.services.reports import UNCHANGED, report_compile_month

    # when: October is compiled once it is over, and again
    with clock.frozen(at(2026, 11, 2, 3)):
        report_compile_month("2026-10")
        again = report_compile_month("2026-10")

    # then: the annex names each street's hours; a rerun publishes nothing new
    assert again.status == UNCHANGED
    ranking = Ranking.objects.get(kind="month", period="2026-10")
    annex = ranking.payload["annex"]["brigade_time"]
    assert [(s["street"]["code"], s["urban_hours"], s["other_hours"]) for s in annex["streets"]] == [
        ("001", 3.5, 21.0), ("002", 2.0, 0.0)]
    assert annex["total"]["by_reason"]["civilised_city"] == 10.0
    assert bureau_client.get("/api/v1/rankings/monthly/2026-10/").json()["annex"] == {"brigade_time": annex}
    book = load_workbook(io.BytesIO(bureau_client.get("/api/v1/rankings/monthly/2026-10/?format=xlsx").content))
    sheet = book["附表 大队时间去向"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("街道代码", "街道", "城管工作（小时）")
    assert rows[1][:3] == ("001", "古南街道", 3.5) and rows[1][7] == 21.0
    assert rows[-1][1] == "合计" and rows[-1][2] == 5.5
    client = Client()
    client.force_login(place["leader_a"])
    page = client.get("/inspections/rankings/", {"kind": "month", "period": "2026-10"}).content.decode()
    assert "附表：大队时间去向" in page and "21.0" in page


def test_a_weekly_ranking_has_no_annex(october, place):
    from inspections.models import Ranking
    from inspections.services.reports import report_compile_week

    with clock.frozen(at(2026, 10, 20, 3)):
        report_compile_week("2026-W42")
    assert "annex" not in Ranking.objects.get(kind="week").payload
