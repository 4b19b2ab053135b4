"""Duty rotas: a month on the work calendar (October 2026: the National Day holiday, and Saturday 10 October a
调休 workday), planned against done from the patrol reports naming their squad, gaps named per day."""
from datetime import date, time

import pytest
from django.test import Client

from bureau import clock
from inspections.models import KeyPoint, PatrolReport, Squad
from inspections.services.rotas import rota_generate, rota_plan_vs_done
from tests.conftest import client_for
from tests.inspections import patrol_support
from tests.inspections.patrol_support import NOW, URL, at, report_body

place, frozen_now, leader_client = patrol_support.place, patrol_support.frozen_now, patrol_support.leader_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def rota_setup(place, bureau_user):
    """The bureau's rural squad in three groups rotating over the two streets; street 001's 一中队 at a school gate
    (吉师附小) at opening and closing on working days."""
    groups = [Squad.objects.create(name=f"农房巡查{n}组") for n in ("一", "二", "三")]
    first = Squad.objects.create(name="一中队", street=place["a"])
    first.members.add(place["leader_a"])
    gate = KeyPoint.objects.create(name="吉师附小", street=place["a"], grid=place["a1"],
                                   windows=[["07:10", "07:50"], ["16:30", "17:30"]])
    rota = rota_generate(acting_user=bureau_user, name="2026年10月值班表", month="2026-10", squads=groups,
                         towns=[place["a"], place["b"]], key_points=[gate], key_point_squad=first)
    return {"rota": rota, "groups": groups, "first": first, "gate": gate}


def test_the_groups_rotate_every_day_and_the_school_gate_is_kept_on_working_days_only(rota_setup, place):
    # given
    rota, groups = rota_setup["rota"], rota_setup["groups"]
    duties = list(rota.duties.select_related("squad", "street").order_by("date", "starts_at", "pk"))
    rounds = [d for d in duties if d.key_point_id is None]
    gate = [d for d in duties if d.key_point_id]

    # then: one group out every day, the next group to the next town each day, holidays included
    assert len(rounds) == 31
    assert [(d.date.day, d.squad.name, d.street.code) for d in rounds[:4]] == [
        (1, "农房巡查一组", "001"), (2, "农房巡查二组", "002"), (3, "农房巡查三组", "001"), (4, "农房巡查一组", "002")]
    assert {d.squad for d in rounds} == set(groups)
    # the school gate: not during the holiday (1-7), on Saturday 10 October (调休), not on Sunday 11 October
    gate_days = sorted({d.date.day for d in gate})
    assert gate_days[:4] == [8, 9, 10, 12] and 11 not in gate_days and not set(range(1, 8)) & set(gate_days)
    assert len(gate_days) == 18 and len(gate) == 36
    assert {(d.shift, d.starts_at) for d in gate} == {("early", time(7, 10)), ("day", time(16, 30))}


def _report(squad, street, cells, day, start, end, leader):
    report = PatrolReport.objects.create(
        source="patrol", street=street, leader=leader, date=day, shift="day", duty_squad=squad, squad=squad.name,
        started_at=at(day.year, day.month, day.day, *start), ended_at=at(day.year, day.month, day.day, *end),
        recorded_at=at(day.year, day.month, day.day, 22), updated_at=at(day.year, day.month, day.day, 22))
    report.grid_cells.set(cells)


def test_planned_against_done_names_a_missing_patrol_and_an_uncovered_key_point(rota_setup, place, bureau_user):
    # given: reports for 8-10 October, except the rural group of the 9th, and the gate on the afternoon of the 10th
    p, groups, first = place, rota_setup["groups"], rota_setup["first"]
    for day in (date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)):
        group = groups[(day.day - 1) % 3]
        town = (p["a"], p["b"])[(day.day - 1) % 2]
        cell = p["a2"] if town == p["a"] else p["b1"]
        if day.day != 9:
            _report(group, town, [cell], day, (9, 0), (11, 30), bureau_user)
        _report(first, p["a"], [p["a1"]], day, (7, 0), (8, 0), p["leader_a"])
        if day.day != 10:
            _report(first, p["a"], [p["a1"], p["a2"]], day, (16, 0), (18, 0), p["leader_a"])

    # when
    days = {d["date"]: d for d in rota_plan_vs_done(rota_setup["rota"])}

    # then
    assert days[date(2026, 10, 8)]["gaps"] == []
    assert days[date(2026, 10, 9)]["gaps"] == ["农房巡查三组 未巡查 古南街道"]
    assert days[date(2026, 10, 10)]["gaps"] == ["一中队 未在 吉师附小 16:30–17:30 值守"]
    assert len(days[date(2026, 10, 10)]["planned"]) == 3
    # a holiday: only the rural round was planned, and nobody went
    assert days[date(2026, 10, 3)]["gaps"] == ["农房巡查三组 未巡查 古南街道"]


def test_the_api_and_the_page_show_the_gaps(rota_setup, place, bureau_client):
    rota = rota_setup["rota"]
    response = bureau_client.get(f"/api/v1/rotas/{rota.pk}/plan-vs-done/")
    assert response.status_code == 200
    assert response.json()["days"][0]["gaps"] == ["农房巡查一组 未巡查 古南街道"]
    client = Client()
    client.force_login(place["leader_a"])
    # a leader does not see the bureau's own rota
    assert client.get(f"/inspections/rotas/{rota.pk}/").status_code == 404
    client.force_login(rota.created_by)
    page = client.get(f"/inspections/rotas/{rota.pk}/")
    assert page.status_code == 200 and "农房巡查一组 未巡查 古南街道" in page.content.decode()


def test_rota_api_access_matrix(rota_setup, place, anon_client, api_client_role):
    url = f"/api/v1/rotas/{rota_setup['rota'].pk}/"
    assert anon_client.get(url).status_code == 401
    assert api_client_role.get(url).status_code == 403
    assert client_for(place["officer_a1"]).get(url).status_code == 403
    assert client_for(place["leader_a"]).get(url).status_code == 404


def test_a_leader_generates_a_rota_for_their_street_over_the_api(rota_setup, place, leader_client, frozen_now):
    first, gate = rota_setup["first"], rota_setup["gate"]
    response = leader_client.post("/api/v1/rotas/", {
        "name": "十一月", "month": "2026-11", "street": "001", "key_points": [gate.pk], "key_point_squad": first.pk},
        format="json")
    assert response.status_code == 201, response.json()
    # another street's squad, or the bureau's, is refused
    group = rota_setup["groups"][0]
    refused = leader_client.post("/api/v1/rotas/", {"name": "x", "month": "2026-11", "street": "001",
                                                    "squads": [group.pk], "towns": ["001"]}, format="json")
    assert refused.status_code == 400 and "squads" in refused.json()


def test_a_patrol_report_names_its_squad_from_the_rota(rota_setup, place, leader_client, frozen_now):
    # when
    response = leader_client.post(URL, report_body(place, squad="", duty_squad=rota_setup["first"].pk), format="json")

    # then: the squad is recorded, and its name fills the free text
    assert response.status_code == 201, response.json()
    assert response.json()["duty_squad"] == {"id": rota_setup["first"].pk, "name": "一中队"}
    assert response.json()["squad"] == "一中队"
    assert PatrolReport.objects.get().duty_squad == rota_setup["first"]


def test_a_report_cannot_name_another_streets_or_the_bureaus_squad(rota_setup, place, leader_client, frozen_now):
    response = leader_client.post(URL, report_body(place, duty_squad=rota_setup["groups"][0].pk), format="json")
    assert response.status_code == 400 and "duty_squad" in response.json()
    assert not PatrolReport.objects.exists()


def test_the_patrol_form_offers_the_leaders_squads(rota_setup, place):
    client = Client()
    client.force_login(place["leader_a"])
    with clock.frozen(NOW):
        body = client.get("/inspections/patrol/new/").content.decode()
    assert "一中队" in body and "农房巡查一组" not in body
