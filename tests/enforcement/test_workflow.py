"""Every row of the workflow's action table through the services, with status and due_at after each step.

Category 06010 暴露垃圾: dispatch 1 工作时, handle 4 工作时 (office hours 08-12, 14-18).
Monday 2026-11-23 is an ordinary workday.
"""
import pytest
from django.core.exceptions import ValidationError

from enforcement.choices import CaseStatus as S
from enforcement.models import Case, CaseEvent, Department
from enforcement.services import CaseActionForbidden, CaseStateConflict
from tests.factories import centre_of

from .conftest import at

pytestmark = pytest.mark.django_db


def actions(case):
    return [e.action for e in CaseEvent.objects.filter(case=case).order_by("seq")]


def dispatched_case(report, act, *, category="06010"):
    case = report(when=at(2026, 11, 23, 9, 0), category=category)
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    return act(case, "dispatch", when=at(2026, 11, 23, 9, 20))


def test_report_register_dispatch_handle_close(place, report, act):
    # given a case reported at 09:00
    case = report(when=at(2026, 11, 23, 9, 0))
    assert (case.status, case.due_at) == (S.REPORTED, at(2026, 11, 23, 10, 0))  # now + dispatch limit
    # when it is registered, dispatched, handled and closed
    case = act(case, "register", when=at(2026, 11, 23, 9, 10))
    assert (case.status, case.due_at) == (S.REGISTERED, at(2026, 11, 23, 10, 0))  # unchanged
    case = act(case, "dispatch", when=at(2026, 11, 23, 9, 20))
    assert (case.status, case.due_at) == (S.DISPATCHED, at(2026, 11, 23, 15, 20))  # 4 工作时, lunch skipped
    assert case.handling_due_at == at(2026, 11, 23, 15, 20)
    case = act(case, "handle", when=at(2026, 11, 23, 15, 0), user=place["leader_a"])
    assert (case.status, case.due_at) == (S.HANDLED, at(2026, 11, 23, 15, 20))  # frozen
    case = act(case, "close", when=at(2026, 11, 23, 16, 0), note="现场核查已清理")
    # then
    assert (case.status, case.due_at, case.closed_at) == (S.CLOSED, at(2026, 11, 23, 15, 20), at(2026, 11, 23, 16, 0))
    assert actions(case) == ["report", "register", "dispatch", "handle", "close"]
    assert not case.overdue
    events = list(case.events.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[2].handling_due_at == at(2026, 11, 23, 15, 20)
    assert events[0].handling_due_at is None


def test_rework_loop_goes_back_to_the_same_unit_and_counts(place, report, act):
    # given a handled case
    case = dispatched_case(report, act)
    act(case, "handle", when=at(2026, 11, 23, 15, 0), user=place["leader_a"])
    # when verification fails at 16:00
    case = act(case, "rework", when=at(2026, 11, 23, 16, 0), note="仍有垃圾")
    # then it is dispatched again with a fresh handling limit, counted
    assert (case.status, case.rework_count) == (S.DISPATCHED, 1)
    assert case.due_at == at(2026, 11, 24, 10, 0)  # 16-18 then 08-10
    assert case.handling_due_at == at(2026, 11, 24, 10, 0)
    case = act(case, "handle", when=at(2026, 11, 24, 9, 0), user=place["leader_a"])
    case = act(case, "close", when=at(2026, 11, 24, 10, 0))
    assert case.status == S.CLOSED
    assert actions(case) == ["report", "register", "dispatch", "handle", "rework", "handle", "close"]


def test_return_and_redispatch(place, report, act):
    # given a dispatched case
    case = dispatched_case(report, act)
    # when the street returns it with a reason
    case = act(case, "return", when=at(2026, 11, 23, 10, 0), user=place["leader_a"], note="不属本街道")
    # then it is registered again with a fresh dispatch limit and no handling deadline
    assert (case.status, case.due_at, case.handling_due_at) == (S.REGISTERED, at(2026, 11, 23, 11, 0), None)
    case = act(case, "dispatch", when=at(2026, 11, 23, 10, 30))
    assert (case.status, case.due_at) == (S.DISPATCHED, at(2026, 11, 23, 16, 30))


def test_return_without_a_reason_is_refused_and_nothing_stored(place, report, act):
    # given a dispatched case
    case = dispatched_case(report, act)
    # when the leader returns it without a note
    with pytest.raises(ValidationError) as err:
        act(case, "return", when=at(2026, 11, 23, 10, 0), user=place["leader_a"], note="  ")
    # then
    assert "note" in err.value.message_dict
    case.refresh_from_db()
    assert case.status == S.DISPATCHED
    assert actions(case) == ["report", "register", "dispatch"]


def test_two_extensions_approved_a_third_refused(place, report, act):
    # given a case dispatched at 09:20 (due 15:20)
    case = dispatched_case(report, act)
    leader = place["leader_a"]
    # when two extensions are requested and approved
    case = act(case, "request_extension", when=at(2026, 11, 23, 10, 0), user=leader, note="需要协调")
    assert (case.extension_requested, case.due_at) == (True, at(2026, 11, 23, 15, 20))  # unchanged
    case = act(case, "approve_extension", when=at(2026, 11, 23, 10, 30))
    assert case.due_at == at(2026, 11, 24, 9, 20)  # old due_at + 4 工作时
    assert (case.extensions_approved, case.extension_requested) == (1, False)
    assert case.handling_due_at == case.due_at
    case = act(case, "request_extension", when=at(2026, 11, 23, 11, 0), user=leader, note="再延")
    case = act(case, "approve_extension", when=at(2026, 11, 23, 11, 30))
    assert case.due_at == at(2026, 11, 24, 15, 20)
    # then a third request is a state conflict
    with pytest.raises(CaseStateConflict) as err:
        act(case, "request_extension", when=at(2026, 11, 23, 12, 0), user=leader, note="第三次")
    assert err.value.current_status == S.DISPATCHED
    assert actions(case).count("approve_extension") == 2


def test_denied_extension_leaves_the_deadline(place, report, act):
    case = dispatched_case(report, act)
    act(case, "request_extension", when=at(2026, 11, 23, 10, 0), user=place["leader_a"], note="需要协调")
    case = act(case, "deny_extension", when=at(2026, 11, 23, 10, 30), note="不予延期")
    assert (case.due_at, case.extension_requested, case.extensions_approved) == (at(2026, 11, 23, 15, 20), False, 0)
    assert case.events.order_by("-seq").first().data == {"decision": "denied"}


def test_extension_decisions_need_a_pending_request(place, report, act):
    case = dispatched_case(report, act)
    with pytest.raises(CaseStateConflict):
        act(case, "approve_extension", when=at(2026, 11, 23, 10, 30))
    with pytest.raises(CaseStateConflict):
        act(case, "deny_extension", when=at(2026, 11, 23, 10, 30))


def test_extension_request_after_the_deadline_is_refused(place, report, act):
    case = dispatched_case(report, act)
    with pytest.raises(CaseStateConflict):
        act(case, "request_extension", when=at(2026, 11, 23, 15, 30), user=place["leader_a"], note="晚了")


def test_pending_request_cancelled_by_handle(place, report, act):
    # given a pending extension request
    case = dispatched_case(report, act)
    act(case, "request_extension", when=at(2026, 11, 23, 10, 0), user=place["leader_a"], note="需要协调")
    # when the case is handled
    case = act(case, "handle", when=at(2026, 11, 23, 11, 0), user=place["leader_a"])
    # then the request is gone and the bureau can no longer decide it
    assert case.extension_requested is False
    assert case.events.order_by("-seq").first().data["extension_cancelled"] is True
    with pytest.raises(CaseStateConflict):
        act(case, "approve_extension", when=at(2026, 11, 23, 11, 30))


@pytest.mark.parametrize("leave", ["return", "suspend"])
def test_pending_request_cancelled_when_the_case_leaves_dispatched(place, report, act, leave):
    # given a pending extension request
    case = dispatched_case(report, act)
    act(case, "request_extension", when=at(2026, 11, 23, 10, 0), user=place["leader_a"], note="需要协调")
    # when the case leaves dispatched another way
    user = place["leader_a"] if leave == "return" else None
    case = act(case, leave, when=at(2026, 11, 23, 11, 0), user=user, note="原因")
    # then the request is gone
    assert case.extension_requested is False
    assert case.events.order_by("-seq").first().data["extension_cancelled"] is True


def test_reject_and_reopen(place, report, act):
    case = report(when=at(2026, 11, 23, 9, 0))
    case = act(case, "reject", when=at(2026, 11, 23, 9, 30), note="非城管职责")
    assert (case.status, case.due_at) == (S.REJECTED, None)
    case = act(case, "reopen", when=at(2026, 11, 23, 14, 0), note="误判，重新立案")
    assert (case.status, case.due_at) == (S.REGISTERED, at(2026, 11, 23, 15, 0))  # now + dispatch limit


def test_reject_needs_a_note(place, report, act):
    case = report(when=at(2026, 11, 23, 9, 0))
    with pytest.raises(ValidationError):
        act(case, "reject", when=at(2026, 11, 23, 9, 30), note="")
    case.refresh_from_db()
    assert case.status == S.REPORTED


def test_mark_duplicate(place, report, act):
    first = report(when=at(2026, 11, 23, 9, 0))
    second = report(when=at(2026, 11, 23, 9, 5))
    second = act(second, "mark_duplicate", when=at(2026, 11, 23, 9, 30), duplicate_of=first.pk, note="")
    assert (second.status, second.due_at, second.duplicate_of_id) == (S.REJECTED, None, first.pk)
    assert second.events.order_by("-seq").first().data["duplicate_of"] == first.pk
    with pytest.raises(ValidationError):
        act(first, "mark_duplicate", when=at(2026, 11, 23, 9, 40), duplicate_of=first.pk)


def test_relocate_into_another_street(place, report, act):
    # given a case in street 001
    case = report(when=at(2026, 11, 23, 9, 0))
    lat, lng = centre_of(place["b1"])
    # when bureau staff move its point into street 002
    case = act(case, "relocate", when=at(2026, 11, 23, 9, 20), lat=lat, lng=lng, note="")
    # then grid and street are derived again, status and due_at unchanged
    assert (case.street, case.grid) == (place["b"], place["b1"])
    assert (case.status, case.due_at) == (S.REPORTED, at(2026, 11, 23, 10, 0))
    assert case.events.order_by("-seq").first().data["new"]["street"] == "002"
    assert Case.objects.visible_to(place["leader_b"]).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(place["leader_a"]).filter(pk=case.pk).exists()


def test_relocate_outside_the_district_is_refused(place, report, act):
    case = report(when=at(2026, 11, 23, 9, 0))
    with pytest.raises(ValidationError):
        act(case, "relocate", when=at(2026, 11, 23, 9, 20), lat=10.0, lng=10.0)


def test_referral_handled_by_bureau_staff(place, report, act, bureau_user):
    # given a 无证餐饮 case (routed to 市场监管: 3 工作日)
    case = report(when=at(2026, 11, 23, 9, 0), category="09015")
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    # when it is dispatched to the department its category routes to
    case = act(case, "dispatch", when=at(2026, 11, 23, 9, 20), unit="SC")
    # then it is a referral, the street leader may not handle it, and bureau staff act for the department
    assert case.handling_department == Department.objects.get(code="SC")
    assert case.due_at == at(2026, 11, 26, 9, 20)
    assert case.events.order_by("-seq").first().data["referral"] is True
    with pytest.raises(CaseActionForbidden):
        act(case, "handle", when=at(2026, 11, 23, 11, 0), user=place["leader_a"])
    case = act(case, "handle", when=at(2026, 11, 24, 11, 0), user=bureau_user, note="市场监管局已处理")
    assert case.status == S.HANDLED


def test_dispatch_without_a_unit_goes_to_the_streets_brigade(place, report, act):
    # given a category routed to a department (09015 无证餐饮 → 市场监管)
    case = report(when=at(2026, 11, 23, 9, 0), category="09015")
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    # when it is dispatched with no unit named (the default is the street's brigade)
    case = act(case, "dispatch", when=at(2026, 11, 23, 9, 20))
    # then the street's leader handles it
    assert case.handling_department is None
    case = act(case, "handle", when=at(2026, 11, 23, 11, 0), user=place["leader_a"], note="已处理")
    assert case.status == S.HANDLED


def test_dispatch_to_the_streets_own_code_is_its_brigade(place, report, act):
    case = report(when=at(2026, 11, 23, 9, 0), category="09015")
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    case = act(case, "dispatch", when=at(2026, 11, 23, 9, 20), unit=case.street.code)
    assert case.handling_department is None


def test_dispatch_to_a_named_unit(place, report, act):
    case = report(when=at(2026, 11, 23, 9, 0), category="09015")
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    case = act(case, "dispatch", when=at(2026, 11, 23, 9, 20), unit="brigade")
    assert case.handling_department is None
    with pytest.raises(ValidationError):
        act(case, "return", when=at(2026, 11, 23, 9, 30), user=place["leader_a"], note="")
    case = act(case, "return", when=at(2026, 11, 23, 9, 30), user=place["leader_a"], note="退回")
    with pytest.raises(ValidationError):
        act(case, "dispatch", when=at(2026, 11, 23, 9, 40), unit="NOPE")
    case = act(case, "dispatch", when=at(2026, 11, 23, 9, 40), unit="GA")
    assert case.handling_department.code == "GA"


def test_bureau_staff_are_not_the_handling_side_of_a_brigade_case(place, report, act, bureau_user):
    case = dispatched_case(report, act)
    with pytest.raises(CaseActionForbidden):
        act(case, "handle", when=at(2026, 11, 23, 11, 0), user=bureau_user)


def test_suspend_and_resume_carry_the_remaining_time(place, report, act):
    # given a case dispatched at 09:20, due 15:20
    case = dispatched_case(report, act)
    # when it is suspended at 10:20 (3 working hours left: 10:20-12:00 and 14:00-15:20)
    case = act(case, "suspend", when=at(2026, 11, 23, 10, 20), note="等待法院裁定")
    assert (case.status, case.due_at, case.remaining_seconds) == (S.SUSPENDED, None, 3 * 3600)
    # and resumed on Wednesday 09:00
    case = act(case, "resume", when=at(2026, 11, 25, 9, 0), note="")
    # then the clock restarts with those 3 hours, in the status it left
    assert (case.status, case.due_at, case.handling_due_at) == (S.DISPATCHED, at(2026, 11, 25, 12, 0), at(2026, 11, 25, 12, 0))
    assert case.remaining_seconds is None


def test_suspend_from_registered_resumes_registered(place, report, act):
    case = report(when=at(2026, 11, 23, 9, 0))
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    case = act(case, "suspend", when=at(2026, 11, 23, 9, 30), note="挂账")
    case = act(case, "resume", when=at(2026, 11, 24, 8, 0))
    assert (case.status, case.due_at) == (S.REGISTERED, at(2026, 11, 24, 8, 30))


def test_a_late_step_marks_the_case_overdue_for_good(place, report, act):
    case = dispatched_case(report, act)
    case = act(case, "handle", when=at(2026, 11, 23, 16, 0), user=place["leader_a"])  # due 15:20
    assert case.overdue is True
    assert case.events.order_by("-seq").first().data["on_time"] is False
    case = act(case, "close", when=at(2026, 11, 23, 17, 0))
    assert case.overdue is True


def test_self_handled_finding_is_created_closed(place, report):
    case = report(when=at(2026, 11, 23, 9, 0), source="patrol", self_handled=True, user=place["leader_a"])
    assert (case.status, case.self_handled, case.due_at) == (S.CLOSED, True, None)
    assert actions(case) == ["report", "close"]
    with pytest.raises(ValidationError):
        report(when=at(2026, 11, 23, 9, 0), source="hotline", self_handled=True)


@pytest.mark.parametrize(
    ("when", "category", "due"),
    [
        (at(2026, 9, 24, 17, 0), "06010", at(2026, 9, 28, 11, 0)),  # Mid-autumn holiday in between
        (at(2026, 9, 30, 16, 0), "06011", at(2026, 10, 8, 16, 0)),  # 1 工作日 over National Day
        (at(2026, 10, 9, 17, 0), "06010", at(2026, 10, 10, 11, 0)),  # 调休 Saturday workday
        (at(2026, 2, 13, 17, 0), "06010", at(2026, 2, 14, 11, 0)),  # Spring Festival 调休
        (at(2026, 9, 30, 16, 0), "10001", at(2026, 9, 30, 20, 0)),  # 4 紧急工作时: continuous
        (at(2026, 12, 31, 17, 0), "06010", at(2027, 1, 1, 11, 0)),  # 2027: Monday-Friday fallback
    ],
)
def test_deadlines_follow_the_calendar(place, report, act, when, category, due):
    # given a case registered just before `when` (the register step does not move the clock)
    case = report(when=when, category=category)
    act(case, "register", when=when)
    # when it is dispatched at `when`
    case = act(case, "dispatch", when=when)
    # then its handling deadline is the calendar's
    assert case.due_at == due


def test_case_numbers_are_consecutive_per_year(place, report):
    a = report(when=at(2026, 12, 31, 23, 0))
    b = report(when=at(2026, 12, 31, 23, 30))
    c = report(when=at(2027, 1, 1, 0, 30))
    assert (a.number[-6:], b.number[-6:]) == ("000001", "000002")
    assert c.number == "2027-000001"


def test_reporting_outside_ones_area_names_the_point(place, report):
    with pytest.raises(ValidationError) as err:
        report(when=at(2026, 11, 23, 9, 0), cell="b1", user=place["leader_a"])
    assert "lat" in err.value.message_dict
    assert place["b1"].code in err.value.message_dict["lat"][0]
    with pytest.raises(ValidationError):
        report(when=at(2026, 11, 23, 9, 0), cell="a2", user=place["officer_a1"])
    assert report(when=at(2026, 11, 23, 9, 0), cell="a1", user=place["officer_a1"]).grid == place["a1"]
    assert report(when=at(2026, 11, 23, 9, 0), cell="a2", user=place["leader_a"]).street == place["a"]
    assert Case.objects.count() == 2


def test_reporter_phone_is_encrypted_hashed_and_masked(place, report, bureau_user):
    from enforcement import pii
    from enforcement.services import case_reveal_phone

    case = report(when=at(2026, 11, 23, 9, 0), source="hotline", reporter_phone="13812345678")
    assert case.reporter_phone_masked == "138****5678"
    assert "13812345678" not in case.reporter_phone_encrypted
    assert case.reporter_phone_hash == pii.phone_hash("138 1234 5678")
    assert case_reveal_phone(acting_user=bureau_user, case=case) == "13812345678"


@pytest.mark.parametrize("action,params,status,due", [
    ("reject", {}, S.REJECTED, None),
    ("mark_duplicate", {"duplicate_of": "original"}, S.REJECTED, None),
    ("relocate", {"cell": "b1"}, S.REGISTERED, at(2026, 11, 23, 10, 0)),
])
def test_reject_duplicate_and_relocate_from_registered(place, report, act, action, params, status, due):
    # given a registered case (reported 09:00, dispatch due 10:00) and another case it may repeat
    original = report(when=at(2026, 11, 23, 8, 0))
    case = report(when=at(2026, 11, 23, 9, 0))
    act(case, "register", when=at(2026, 11, 23, 9, 10))
    if "duplicate_of" in params:
        params = {"duplicate_of": original.pk}
    if "cell" in params:
        lat, lng = centre_of(place[params["cell"]])
        params = {"lat": lat, "lng": lng}

    # when
    case = act(case, action, when=at(2026, 11, 23, 9, 20), **params)

    # then
    assert (case.status, case.due_at) == (status, due)
