"""Referrals answered by the department: a department's account sees only the cases referred to it (404 for
any other), and its answers (accept with a plan, refuse with a reason, handle with photos) move the case
through the workflow against the handling deadline.

Category 06041 垃圾未分类 is routed to 区环卫中心 (HW): handle limit 1 working day.
"""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bureau import clock
from bureau.accounts.choices import Role
from enforcement.choices import CaseStatus as S
from enforcement.models import Case, CaseEvent, DepartmentAccount
from enforcement.services import available_actions
from enforcement.services.departments import department_account_link
from tests.conftest import client_for, make_user

from .conftest import at
from .test_api import jpeg

pytestmark = pytest.mark.django_db
LIST = "/api/v1/cases/"


@pytest.fixture
def departments(db, security_user):
    """Accounts of 区环卫中心 (HW) and 区市场监督管理局 (SC), linked by the security administrator."""
    hw, sc = make_user("dept-HW", Role.DEPARTMENT), make_user("dept-SC", Role.DEPARTMENT)
    department_account_link(acting_user=security_user, user=hw, department="HW")
    department_account_link(acting_user=security_user, user=sc, department="SC")
    return {"HW": hw, "SC": sc}


@pytest.fixture
def referred(place, report, act):
    """Cases dispatched on Monday 2026-11-23 09:20: two to HW, one to SC, one to street 001's brigade."""

    def dispatched(unit, cell="a1"):
        case = report(when=at(2026, 11, 23, 9, 0), category="06041", cell=cell)
        act(case, "register", when=at(2026, 11, 23, 9, 10))
        return act(case, "dispatch", when=at(2026, 11, 23, 9, 20), unit=unit)

    return {"hw": dispatched("HW"), "hw_b": dispatched("HW", cell="b1"), "sc": dispatched("SC"),
            "brigade": dispatched("brigade")}


def test_a_department_account_sees_only_its_referrals(departments, referred):
    # given HW's account
    client = client_for(departments["HW"])
    # when it lists and opens cases
    listed = client.get(LIST).json()
    # then it sees the two referred to HW, in both streets, and nothing else: 404 for the others
    assert sorted(r["id"] for r in listed["results"]) == sorted([referred["hw"].pk, referred["hw_b"].pk])
    assert client.get(f"{LIST}{referred['hw'].pk}/").status_code == 200
    for other in ("sc", "brigade"):
        assert client.get(f"{LIST}{referred[other].pk}/").status_code == 404
        response = client.post(f"{LIST}{referred[other].pk}/transitions/", {"action": "accept", "note": "计划"},
                               format="json")
        assert response.status_code == 404
    # and it reports nothing and reads no reference data of field staff
    assert client.post(LIST, {}, format="json").status_code == 403
    assert client.get("/api/v1/categories/").status_code == 403
    assert client.get("/api/v1/orders/").status_code == 403


def test_an_account_without_a_department_sees_nothing(place, referred):
    orphan = make_user("dept-none", Role.DEPARTMENT)
    assert Case.objects.visible_to(orphan).count() == 0
    assert client_for(orphan).get(f"{LIST}{referred['hw'].pk}/").status_code == 404


def test_accept_with_a_plan_then_handle_with_photos(departments, referred):
    # given a case referred to HW, deadline Tuesday 09:20 (1 working day)
    case = referred["hw"]
    assert case.handling_due_at == at(2026, 11, 24, 9, 20)
    client = client_for(departments["HW"])
    url = f"{LIST}{case.pk}/transitions/"
    # when HW accepts it with its plan
    with clock.frozen(at(2026, 11, 23, 10, 0)):
        accepted = client.post(url, {"action": "accept", "note": "今日下午安排分类督导员上门"}, format="json")
    # then the case stays dispatched, accepted, its deadline unchanged
    assert accepted.status_code == 200, accepted.content
    case.refresh_from_db()
    assert (case.status, case.referral_accepted_at) == (S.DISPATCHED, at(2026, 11, 23, 10, 0))
    assert case.handling_due_at == at(2026, 11, 24, 9, 20)
    # and a second accept, or a refusal after accepting, is a state conflict
    assert client.post(url, {"action": "accept", "note": "再次"}, format="json").status_code == 409
    assert client.post(url, {"action": "refuse", "note": "不归我们"}, format="json").status_code == 409
    # when HW reports it handled without a photo: refused with a message; with one: handled on time
    assert client.post(url, {"action": "handle", "note": "已分类"}, format="json").status_code == 400
    with clock.frozen(at(2026, 11, 23, 16, 0)):
        handled = client.post(url, {"action": "handle", "note": "已督促分类", "photos": [jpeg()]},
                              format="multipart")
    assert handled.status_code == 200, handled.content
    case.refresh_from_db()
    assert case.status == S.HANDLED
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.action for e in events][-2:] == ["accept", "handle"]
    assert events[-1].actor == departments["HW"] and events[-1].data["on_time"] is True
    assert events[-1].photos.count() == 1
    assert events[-2].note == "今日下午安排分类督导员上门"
    # and the bureau verifies it as always
    assert "close" in available_actions(make_user("t-bureau2", Role.BUREAU), case)


def test_refuse_with_a_reason_sends_the_case_back_to_the_bureau(departments, referred):
    # given a referral not yet accepted
    case = referred["hw"]
    client = client_for(departments["HW"])
    url = f"{LIST}{case.pk}/transitions/"
    # a refusal needs its reason
    assert client.post(url, {"action": "refuse"}, format="json").status_code == 400
    # when HW refuses it
    with clock.frozen(at(2026, 11, 23, 11, 0)):
        refused = client.post(url, {"action": "refuse", "note": "属市场监管职责"}, format="json")
    # then the case is back with the bureau to dispatch again, with no handling deadline, and no longer HW's
    assert refused.status_code == 200, refused.content
    case.refresh_from_db()
    assert (case.status, case.handling_department_id, case.handling_due_at) == (S.REGISTERED, None, None)
    assert case.due_at == at(2026, 11, 23, 12, 0)  # a fresh dispatch limit: 1 working hour
    event = CaseEvent.objects.filter(case=case).latest("seq")
    assert (event.action, event.data["unit"], event.note) == ("refuse", "HW", "属市场监管职责")
    assert client.get(f"{LIST}{case.pk}/").status_code == 404


def test_who_may_answer(departments, referred, place, bureau_user):
    case = referred["hw"]
    url = f"{LIST}{case.pk}/transitions/"
    body = {"action": "accept", "note": "计划"}
    # the roles that may never answer for a department: 403 whatever the case
    assert client_for(place["leader_a"]).post(url, body, format="json").status_code == 403
    assert client_for(place["officer_a1"]).post(url, body, format="json").status_code == 403
    # a department's account takes none of the bureau's actions
    assert client_for(departments["HW"]).post(url, {"action": "close", "note": "x"},
                                              format="json").status_code == 403
    # bureau staff may answer for a department (one without an account); not on a brigade case
    brigade = f"{LIST}{referred['brigade'].pk}/transitions/"
    assert client_for(bureau_user).post(brigade, body, format="json").status_code == 403
    assert client_for(bureau_user).post(url, body, format="json").status_code == 200
    # the anonymous caller: 401
    assert client_for(None).post(url, body, format="json").status_code == 401


def test_the_case_page_offers_the_department_its_answers(departments, referred):
    from django.test import Client

    web = Client()
    web.force_login(departments["HW"])
    case = referred["hw"]
    with clock.frozen(at(2026, 11, 23, 10, 0)):  # before the deadline: an extension may be asked
        assert available_actions(departments["HW"], case) == ["accept", "refuse", "handle", "request_extension"]
        page = web.get(f"/cases/{case.pk}/")
        assert page.status_code == 200
        assert web.get(f"/cases/{referred['sc'].pk}/").status_code == 404
        workbench = web.get("/cases/").content.decode()
        assert case.number in workbench and referred["sc"].number not in workbench
        # when it accepts through the page's form
        response = web.post(f"/cases/{case.pk}/act/", {"action": "accept", "note": "明日处理"})
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.referral_accepted_at is not None
        assert available_actions(departments["HW"], case) == ["handle", "request_extension"]


def test_linking_is_the_security_administrators(departments, bureau_user, security_user):
    account = make_user("dept-GA", Role.DEPARTMENT)
    with pytest.raises(PermissionDenied):
        department_account_link(acting_user=bureau_user, user=account, department="GA")
    # only an account of the department role, never an administrator or field staff
    with pytest.raises(ValidationError):
        department_account_link(acting_user=security_user, user=bureau_user, department="GA")
    with pytest.raises(ValidationError):
        department_account_link(acting_user=security_user, user=account, department="NOPE")
    link = department_account_link(acting_user=security_user, user=account, department="GA")
    assert DepartmentAccount.objects.get(user=account) == link and link.department.code == "GA"


def test_the_sweep_warns_the_referred_departments_account(departments, referred):
    from enforcement.models import Notification
    from enforcement.services import case_sweep_deadlines

    # given HW's referral due Tuesday 09:20 (1 working day from Monday 09:20); past it on Tuesday 10:00
    case_sweep_deadlines(now=at(2026, 11, 24, 10, 0))
    # then HW's account is warned of its case, SC's of its own, and neither of the other's
    hw = set(Notification.objects.filter(user=departments["HW"]).values_list("case_id", flat=True))
    sc = set(Notification.objects.filter(user=departments["SC"]).values_list("case_id", flat=True))
    assert hw == {referred["hw"].pk, referred["hw_b"].pk} and sc == {referred["sc"].pk}


def test_the_security_administrator_links_accounts_in_the_admin(security_user, bureau_user):
    from django.test import Client

    from bureau.audit.models import AuditEntry

    account, officer = make_user("dept-JS", Role.DEPARTMENT), make_user("t-off", Role.OFFICER)
    web = Client()
    web.force_login(security_user)
    # an account of another role is refused with the form's message
    refused = web.post("/admin/enforcement/departmentaccount/add/", {"user": officer.pk, "department": 5})
    assert refused.status_code == 200 and not DepartmentAccount.objects.exists()
    # the department role's account is linked, through the service (audited)
    from enforcement.models import Department

    js = Department.objects.get(code="JS")
    added = web.post("/admin/enforcement/departmentaccount/add/", {"user": account.pk, "department": js.pk})
    assert added.status_code == 302
    assert DepartmentAccount.objects.get(user=account).department == js
    assert AuditEntry.objects.filter(action="account.department_link").exists()
    # bureau staff (even staff of the admin) do not open it
    bureau_user.is_staff = True
    bureau_user.save()
    staff = Client()
    staff.force_login(bureau_user)
    assert staff.get("/admin/enforcement/departmentaccount/").status_code == 403
