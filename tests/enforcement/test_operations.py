"""Joint operations (联合执法): planned by the bureau over an area (a polygon drawn on the map, or cells) with
the brigades of several streets and departments; the leaders of its streets record cases, orders and
demolitions into it; the results equal a hand count of what was recorded.

The operation is on Monday 2026-11-23 in streets 001 and 002: its area is cell a1's square drawn as a
polygon, plus cell b1 chosen; a2 and b2 lie outside.
"""
from decimal import Decimal

import pytest
from django.test import Client

from bureau import clock
from bureau.accounts.choices import Role
from enforcement.models import JointOperation
from enforcement.services import case_transition
from enforcement.services.operations import (
    OperationConflict,
    OperationForbidden,
    operation_create,
    operation_record_case,
    operation_record_order,
    operation_results,
)
from enforcement.services.orders import order_follow_up, order_issue
from enforcement.services.parties import case_set_party, party_register
from inspections.services.campaigns import demolition_record
from tests.conftest import client_for, make_user
from tests.factories import centre_of

from .conftest import at

pytestmark = pytest.mark.django_db
LIST = "/api/v1/joint-operations/"
DAY = at(2026, 11, 23, 10, 0)


@pytest.fixture
def operation(place, bureau_user):
    with clock.frozen(at(2026, 11, 20, 9, 0)):
        return operation_create(
            acting_user=bureau_user, name="占道经营联合整治", date=DAY.date(), streets=["001", "002"],
            departments=["SC", "HW"], cells=[place["b1"].code], area=place["a1"].geometry,
            targets=[{"indicator": "cases", "target": "4"}, {"indicator": "demolished_m2", "target": "50"}])


@pytest.fixture
def found(place, report):
    """Cases reported on the operation's day in a1, b1 and a2, and in a1 the day before."""
    return {"a1": report(when=DAY, cell="a1"), "b1": report(when=DAY, cell="b1"), "a2": report(when=DAY, cell="a2"),
            "a1_before": report(when=at(2026, 11, 22, 10, 0), cell="a1")}


def test_the_bureau_plans_an_operation(operation, place):
    assert operation.number.startswith("联合执法〔2026〕")
    assert {s.code for s in operation.streets.all()} == {"001", "002"}
    assert {d.code for d in operation.departments.all()} == {"HW", "SC"}
    assert operation.area["type"] == "Polygon" and list(operation.cells.all()) == [place["b1"]]


def test_recording_follows_the_day_the_area_and_the_leaders_street(operation, found, place, bureau_user):
    leader_a, leader_b = place["leader_a"], place["leader_b"]
    # a leader records their street's case found inside the area on the day
    operation_record_case(acting_user=leader_a, operation=operation, case=found["a1"])
    # not another street's (403), not one outside the area or on another day (400)
    with pytest.raises(OperationForbidden):
        operation_record_case(acting_user=leader_a, operation=operation, case=found["b1"])
    from django.core.exceptions import ValidationError

    for outside in ("a2", "a1_before"):
        with pytest.raises(ValidationError):
            operation_record_case(acting_user=leader_a, operation=operation, case=found[outside])
    operation_record_case(acting_user=leader_b, operation=operation, case=found["b1"])
    # a case belongs to one operation: another one is a conflict
    with clock.frozen(at(2026, 11, 20, 9, 0)):
        other = operation_create(acting_user=bureau_user, name="另一次", date=DAY.date(), streets=["001"])
    with pytest.raises(OperationConflict):
        operation_record_case(acting_user=bureau_user, operation=other, case=found["a1"])
    # recording the same again changes nothing
    operation_record_case(acting_user=leader_a, operation=operation, case=found["a1"])
    assert set(operation.cases.values_list("pk", flat=True)) == {found["a1"].pk, found["b1"].pk}


def test_results_equal_a_hand_count(operation, found, place, bureau_user):
    leader_a, leader_b = place["leader_a"], place["leader_b"]
    # given: two cases recorded (a1 by 001's leader, b1 by 002's); a1 closed the same day
    operation_record_case(acting_user=leader_a, operation=operation, case=found["a1"])
    operation_record_case(acting_user=leader_b, operation=operation, case=found["b1"])
    for action, user, extra in (("register", bureau_user, {}), ("dispatch", bureau_user, {}),
                                ("handle", leader_a, {}), ("close", bureau_user, {})):
        with clock.frozen(at(2026, 11, 23, 11, 0)):
            case_transition(acting_user=user, case=found["a1"], action=action, note="现场处理", **extra)
    # an order issued to a1's party in the operation, found complied; one issued the day after is not counted
    party = party_register(acting_user=bureau_user, name="张某", phone="13900001111")
    case_set_party(acting_user=bureau_user, case=found["a1"], party=party)
    with clock.frozen(at(2026, 11, 23, 15, 0)):
        order = order_issue(acting_user=leader_a, case=found["a1"], items=["撤除占道物品"], legal_basis="条例", deadline_days=1)
    operation_record_order(acting_user=leader_a, operation=operation, order=order)
    with clock.frozen(at(2026, 11, 24, 10, 0)):
        order_follow_up(acting_user=leader_a, order=order, outcome="complied", note="已整改")
        later = order_issue(acting_user=leader_a, case=found["a1"], items=["再次"], legal_basis="条例", deadline_days=1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        operation_record_order(acting_user=leader_a, operation=operation, order=later)
    # two demolitions made in the operation (30 m² in a1, 12.5 m² in b1), one elsewhere that day
    for cell, user, area in (("a1", leader_a, "30"), ("b1", leader_b, "12.5"), ("a2", leader_a, "99")):
        lat, lng = centre_of(place[cell])
        with clock.frozen(at(2026, 11, 23, 16, 0)):
            demolition_record(acting_user=user, site="违建", lat=lat, lng=lng, party_name="张某", area_m2=Decimal(area),
                              demolished_on=DAY.date(), case=found[cell], operation=operation if cell != "a2" else None)
    # when
    results = operation_results(operation)
    # then, counted by hand: per street 001 / 002
    a, b = place["a"].pk, place["b"].pk
    table = {row["indicator"]: ({k: v for k, v in row["by_street"].items()}, row["total"], row["target"], row["percent"])
             for row in results["rows"]}
    assert table["cases"] == ({a: 1, b: 1}, 2, Decimal("4.00"), 50.0)
    assert table["cases_closed"] == ({a: 1, b: 0}, 1, None, None)
    assert table["orders"] == ({a: 1, b: 0}, 1, None, None)
    assert table["orders_complied"] == ({a: 1, b: 0}, 1, None, None)
    assert table["demolitions"] == ({a: 1, b: 1}, 2, None, None)
    assert table["demolished_m2"] == ({a: Decimal("30.00"), b: Decimal("12.50")}, Decimal("42.50"),
                                      Decimal("50.00"), 85.0)
    # and the API's detail and the page show the same
    detail = client_for(leader_b).get(f"{LIST}{operation.pk}/").json()
    m2 = next(r for r in detail["results"] if r["indicator"] == "demolished_m2")
    assert (m2["total"], m2["percent"], m2["by_street"]) == ("42.50", 85.0, [{"street": "001", "value": "30.00"},
                                                                          {"street": "002", "value": "12.50"}])
    web = Client()
    web.force_login(leader_a)
    page = web.get(f"/cases/operations/{operation.pk}/").content.decode()
    assert 'id="operation-results"' in page and found["a1"].number in page and order.number in page


def test_api_matrix(operation, found, place, bureau_user):
    dept = make_user("dept-SC", Role.DEPARTMENT)
    body = {"name": "夜市整治", "date": "2026-11-30", "streets": ["001", "002"], "departments": ["GA"],
            "targets": [{"indicator": "cases", "target": "10"}]}
    # planning: bureau 201; the roles that may never plan 403; anonymous 401
    assert client_for(bureau_user).post(LIST, body, format="json").status_code == 201
    for user in (place["leader_a"], place["officer_a1"], dept, make_user("t-api2", Role.API)):
        assert client_for(user).post(LIST, body, format="json").status_code == 403
    assert client_for(None).post(LIST, body, format="json").status_code == 401
    # bad input: 400 with the field
    for bad, field in (({**body, "streets": ["999"]}, "streets"), ({**body, "area": {"type": "Point"}}, "area"),
                       ({**body, "cells": [place["a2"].code], "streets": ["002"]}, "cells"),
                       ({**body, "targets": [{"indicator": "nope", "target": 1}]}, "targets")):
        response = client_for(bureau_user).post(LIST, bad, format="json")
        assert response.status_code == 400 and field in response.json(), (field, response.content)
    # reading: a leader sees the operations their street takes part in, not another's (404)
    with clock.frozen(at(2026, 11, 20, 9, 0)):
        only_b = operation_create(acting_user=bureau_user, name="永叔专项", date=DAY.date(), streets=["002"])
    leader_a = client_for(place["leader_a"])
    assert leader_a.get(f"{LIST}{operation.pk}/").status_code == 200
    assert leader_a.get(f"{LIST}{only_b.pk}/").status_code == 404
    assert leader_a.post(f"{LIST}{only_b.pk}/record/", {"case": found["a1"].pk}, format="json").status_code == 404
    # recording over the API: 200, a conflict 409, another street's case 404 (out of the leader's scope)
    assert leader_a.post(f"{LIST}{operation.pk}/record/", {"case": found["a1"].pk}, format="json").status_code == 200
    assert leader_a.post(f"{LIST}{operation.pk}/record/", {"case": found["b1"].pk}, format="json").status_code == 404
    assert client_for(bureau_user).post(f"{LIST}{only_b.pk}/record/", {"case": found["a1"].pk},
                                        format="json").status_code == 400  # 001 is not in it
    assert leader_a.post(f"{LIST}{operation.pk}/record/", {}, format="json").status_code == 400
    assert client_for(place["officer_a1"]).get(LIST).status_code == 403
    assert client_for(dept).get(LIST).status_code == 403


def test_a_case_in_another_operation_is_a_409(operation, found, place, bureau_user):
    with clock.frozen(at(2026, 11, 20, 9, 0)):
        other = operation_create(acting_user=bureau_user, name="另一次", date=DAY.date(), streets=["001"])
    operation_record_case(acting_user=bureau_user, operation=other, case=found["a1"])
    response = client_for(place["leader_a"]).post(f"{LIST}{operation.pk}/record/", {"case": found["a1"].pk},
                                                  format="json")
    assert response.status_code == 409 and response.json()["detail"]


@pytest.mark.parametrize("n", [1, 6])
def test_the_list_costs_the_same_for_one_or_many(place, bureau_user, django_assert_num_queries, n):
    with clock.frozen(at(2026, 11, 20, 9, 0)):
        for i in range(n):
            operation_create(acting_user=bureau_user, name=f"行动{i}", date=DAY.date(), streets=["001", "002"],
                             departments=["HW"], cells=[place["a1"].code])
    client = client_for(bureau_user)
    # count, page, streets, departments, cells
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert response.json()["count"] == n


def test_the_pages(operation, place, bureau_user):
    web = Client()
    web.force_login(bureau_user)
    assert operation.number in web.get("/cases/operations/").content.decode()
    assert web.get("/cases/operations/new/").status_code == 200
    response = web.post("/cases/operations/new/", {
        "name": "渣土车联合检查", "date": "2026-12-01", "streets": ["001"], "departments": ["GA"],
        "cells": place["a1"].code, "targets": "cases 5", "description": "夜间联合检查",
        "area": '{"type": "Polygon", "coordinates": [[[114.9, 27.1], [114.91, 27.1], [114.91, 27.11], [114.9, 27.1]]]}',
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    created = JointOperation.objects.get(name="渣土车联合检查")
    assert created.targets == [{"indicator": "cases", "target": "5.00"}] and created.area["type"] == "Polygon"
    leader = Client()
    leader.force_login(place["leader_b"])
    assert leader.get("/cases/operations/new/").status_code == 403
    assert leader.get(f"/cases/operations/{created.pk}/").status_code == 404  # 001 only
    officer = Client()
    officer.force_login(place["officer_a1"])
    assert officer.get("/cases/operations/").status_code == 403
