"""The orders, penalties and parties API: role × action matrix (401/403/404/409 as the contract says), the
documents, the refusal that cites the rule, and the scoping walk's declarations."""
import pytest

from bureau.accounts.choices import Role
from enforcement.services.orders import order_issue
from enforcement.services.parties import party_register
from enforcement.services.penalties import penalty_draft
from tests.conftest import client_for, make_user
from tests.enforcement.penalty_support import make_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(report, place, bureau_user):
    make_standard(bureau_user)
    party = party_register(acting_user=bureau_user, name="王某", id_number="360802199001011234", phone="13700001234")
    case = report(category="09006", party=party)
    order = order_issue(acting_user=bureau_user, case=case, items=["清理占道物品"], legal_basis="条例", deadline_days=3)
    decision = penalty_draft(acting_user=place["leader_a"], case=case, level="general", fine="100",
                             legal_basis="条例")
    users = {
        "anonymous": None, "api": make_user("m-api", Role.API), "auditor": make_user("m-aud", Role.AUDITOR),
        "officer": place["officer_a1"], "other_leader": place["leader_b"], "leader": place["leader_a"],
        "bureau": bureau_user, "department": _department_account(case, bureau_user),
    }
    return {"party": party, "case": case, "order": order, "decision": decision, "users": users}


def _department_account(case, bureau_user):
    """区市场监督管理局's account, with the order's case referred to it: it still reads and writes no order,
    penalty or party (403 whatever the object)."""
    from enforcement.services import case_transition
    from enforcement.services.departments import department_account_link

    user = make_user("m-dept", Role.DEPARTMENT)
    department_account_link(acting_user=make_user("m-sec", Role.SECURITY, is_staff=True), user=user, department="SC")
    case_transition(acting_user=bureau_user, case=case, action="register")
    case_transition(acting_user=bureau_user, case=case, action="dispatch", unit="SC")
    return user


def client(world, role):
    from rest_framework.test import APIClient

    user = world["users"][role]
    return APIClient() if user is None else client_for(user)


# who sees what: anonymous 401, roles without the audience 403, out of scope 404
READS = {"anonymous": 401, "api": 403, "auditor": 403, "officer": 200, "other_leader": 404, "leader": 200,
         "bureau": 200, "department": 403}
# writes: the officer's role may never (403); the other street's leader cannot see the object (404)
WRITES = {"anonymous": 401, "api": 403, "auditor": 403, "officer": 403, "other_leader": 404, "department": 403}


@pytest.mark.parametrize("role", list(READS))
@pytest.mark.parametrize("path", ["/api/v1/orders/{order}/", "/api/v1/orders/{order}/pdf/",
                                  "/api/v1/penalties/{decision}/", "/api/v1/parties/{party}/",
                                  "/api/v1/parties/{party}/history/"])
def test_reads(world, role, path):
    url = path.format(order=world["order"].pk, decision=world["decision"].pk, party=world["party"].pk)
    assert client(world, role).get(url).status_code == READS[role]


@pytest.mark.parametrize("role", ["anonymous", "api", "auditor", "officer", "other_leader", "leader", "bureau",
                                  "department"])
def test_order_actions_matrix(world, role):
    order = world["order"]
    c = client(world, role)
    follow = c.post(f"/api/v1/orders/{order.pk}/follow-up/", {"outcome": "not_complied", "note": "未整改"},
                    format="json")
    escalate = c.post(f"/api/v1/orders/{order.pk}/escalate/", {"kind": "ban", "note": "取缔"}, format="json")
    issue = c.post("/api/v1/orders/", {"case": world["case"].pk, "items": ["清理"], "legal_basis": "条例",
                                       "deadline_days": 2}, format="json")
    expected = WRITES.get(role)
    if expected is not None:
        assert (follow.status_code, escalate.status_code) == (expected, expected)
        assert issue.status_code == (404 if role == "other_leader" else expected)
    else:
        assert (follow.status_code, escalate.status_code, issue.status_code) == (200, 200, 201), issue.content
        assert escalate.json()["status"] == "escalated"
        # then from the new state: another follow-up is a conflict
        again = c.post(f"/api/v1/orders/{order.pk}/follow-up/", {"outcome": "complied", "note": "x"}, format="json")
        assert again.status_code == 409 and again.json()["current_status"] == "escalated"


@pytest.mark.parametrize("role", ["anonymous", "api", "auditor", "officer", "other_leader", "leader", "bureau",
                                  "department"])
def test_penalty_actions_matrix(world, role):
    decision = world["decision"]
    c = client(world, role)
    approve = c.post(f"/api/v1/penalties/{decision.pk}/steps/", {"action": "approve_brigade"}, format="json")
    expected = {"anonymous": 401, "api": 403, "auditor": 403, "officer": 403, "other_leader": 404,
                "leader": 200, "bureau": 403, "department": 403}[role]  # the brigade's approval is the street leader's alone
    assert approve.status_code == expected
    if role == "leader":
        assert approve.json()["status"] == "approved"
        assert [s["action"] for s in approve.json()["steps"]] == ["draft", "approve_brigade"]
        again = c.post(f"/api/v1/penalties/{decision.pk}/steps/", {"action": "approve_brigade"}, format="json")
        assert again.status_code == 409
    legal = c.post(f"/api/v1/penalties/{decision.pk}/steps/", {"action": "approve_legal"}, format="json")
    assert legal.status_code == {"anonymous": 401, "other_leader": 403, "leader": 403,
                                 "bureau": 409}.get(role, 403)  # bureau: not waiting for legal review


def test_a_draft_out_of_range_is_a_400_citing_the_rule(world):
    c = client(world, "leader")
    r = c.post("/api/v1/penalties/", {"case": world["case"].pk, "level": "general", "fine": "300",
                                      "legal_basis": "条例"}, format="json")
    assert r.status_code == 400
    message = r.json()["fine"][0]
    assert "district v1" in message and "09006" in message and "50 至 200 元" in message
    r = c.post("/api/v1/penalties/", {"case": world["case"].pk, "level": "general", "fine": "300",
                                      "legal_basis": "条例"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400


def test_a_draft_in_range_is_created(world):
    r = client(world, "bureau").post("/api/v1/penalties/", {"case": world["case"].pk, "level": "serious",
                                                            "fine": "800", "legal_basis": "条例"}, format="json")
    assert r.status_code == 201 and r.json()["range"] == {"min": "200.00", "max": "1000.00"}
    assert r.json()["standard"] == {"code": "district", "version": 1}


def test_the_range_endpoint(world):
    r = client(world, "officer").get("/api/v1/discretion-standards/current/range/?category=09006&level=severe")
    assert r.status_code == 200 and (r.json()["min"], r.json()["max"]) == ("1000", "5000")
    assert client(world, "officer").get(
        "/api/v1/discretion-standards/current/range/?category=09006&level=bogus").status_code == 400


def test_lists_are_scoped_and_filtered(world, place, bureau_user):
    assert client(world, "other_leader").get("/api/v1/orders/").json()["count"] == 0
    assert client(world, "leader").get("/api/v1/orders/").json()["count"] == 1
    assert client(world, "bureau").get("/api/v1/orders/?status=complied").json()["count"] == 0
    assert client(world, "bureau").get("/api/v1/orders/?status=bogus").status_code == 400
    assert client(world, "leader").get("/api/v1/penalties/?awaiting=me").json()["count"] == 1
    assert client(world, "bureau").get("/api/v1/penalties/?awaiting=me").json()["count"] == 0


def test_the_pdf(world):
    r = client(world, "leader").get(f"/api/v1/orders/{world['order'].pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")


def test_parties_show_masked_numbers_only(world):
    body = client(world, "bureau").get(f"/api/v1/parties/{world['party'].pk}/").json()
    assert body["id_number"] == "360802********1234" and body["phone"] == "137****1234"
    history = client(world, "leader").get(f"/api/v1/parties/{world['party'].pk}/history/").json()
    assert [c["number"] for c in history["cases"]] == [world["case"].number]
    assert len(history["orders"]) == 1 and len(history["penalties"]) == 1
    assert "360802199001011234" not in str(history)


def test_naming_a_case_party_over_the_api(world, report, place):
    case = report()
    url = f"/api/v1/cases/{case.pk}/party/"
    body = {"new": {"name": "赵六", "id_number": "360802199001011234"}}
    assert client(world, "officer").post(url, body, format="json").status_code == 403
    assert client(world, "other_leader").post(url, body, format="json").status_code == 404
    r = client(world, "leader").post(url, body, format="json")
    assert r.status_code == 200 and r.json()["party"]["id"] == world["party"].pk  # found again by ID number
    assert client(world, "leader").post(url, {}, format="json").status_code == 400


def test_parties_created_by_leaders_not_officers(world):
    body = {"name": "孙七", "phone": "13600001111"}
    assert client(world, "officer").post("/api/v1/parties/", body, format="json").status_code == 403
    assert client(world, "leader").post("/api/v1/parties/", body, format="json").status_code == 201
    assert client(world, "leader").post("/api/v1/parties/", {"name": "x", "id_number": "??"},
                                        format="json").status_code == 400


def test_follow_up_without_outcome_is_400(world):
    r = client(world, "bureau").post(f"/api/v1/orders/{world['order'].pk}/follow-up/", {"note": "x"}, format="json")
    assert r.status_code == 400 and "outcome" in r.json()
