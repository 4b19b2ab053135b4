"""Penalty decisions under the district discretion standard: ranges per level, refusals citing the rule,
first offences unpunished, the same range in every street, versions kept; the approval chain."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bureau.appendonly import AppendOnlyError
from enforcement.models import PenaltyStep
from enforcement.services.parties import party_register
from enforcement.services.penalties import (
    PenaltyForbidden,
    PenaltyStateConflict,
    discretion_range,
    penalty_draft,
    penalty_step,
)
from tests.enforcement.penalty_support import RULES, make_standard


@pytest.fixture
def standard(bureau_user):
    return make_standard(bureau_user)


@pytest.fixture
def vendor_case(report, bureau_user, standard):
    party = party_register(acting_user=bureau_user, name="流动摊贩王某", phone="13700001234")

    def _make(cell="a1"):
        return report(category="09006", cell=cell, party=party)
    return _make


def draft(case, user, level="general", fine="100", **extra):
    return penalty_draft(acting_user=user, case=case, level=level, fine=fine, legal_basis="《城市道路管理条例》第二十七条",
                         **extra)


@pytest.mark.parametrize(("level", "low", "high"), [("slight", "0", "50"), ("general", "50", "200"),
                                                   ("serious", "200", "1000"), ("severe", "1000", "5000")])
def test_a_decision_at_each_level_within_its_range(vendor_case, place, level, low, high):
    case = vendor_case()
    for fine in (low, high):
        decision = draft(case, place["leader_a"], level=level, fine=fine)
        assert decision.fine == Decimal(fine) and (decision.fine_min, decision.fine_max) == (Decimal(low), Decimal(high))
        assert decision.status == "pending_brigade" and decision.standard.version == 1


@pytest.mark.parametrize(("level", "fine"), [("general", "49.99"), ("general", "200.01"), ("slight", "60"),
                                             ("severe", "999")])
def test_out_of_range_is_refused_citing_the_rule(vendor_case, place, level, fine):
    with pytest.raises(ValidationError) as exc:
        draft(vendor_case(), place["leader_a"], level=level, fine=fine)
    message = exc.value.message_dict["fine"][0]
    assert "district v1" in message and "09006" in message and "超出" in message
    rule = next(r for r in RULES if r["category"] == "09006" and r["level"] == level)
    assert f"{Decimal(rule['fine_min'])} 至 {Decimal(rule['fine_max'])} 元" in message


def test_a_first_offence_gets_no_fine(vendor_case, place, report, bureau_user):
    decision = draft(vendor_case(), place["leader_a"], level="slight", fine="0", first_offence=True)
    assert decision.fine == 0 and decision.first_offence and decision.measures == "不予处罚"
    with pytest.raises(ValidationError) as exc:
        draft(vendor_case(), place["leader_a"], level="slight", fine="20", first_offence=True)
    assert "首违不罚" in exc.value.message_dict["fine"][0]
    # a category not on the list has no first-offence exemption
    other = report(category="06010", party=decision.party)
    with pytest.raises(ValidationError) as exc:
        draft(other, bureau_user, level="general", fine="0", first_offence=True)
    assert "first_offence" in exc.value.message_dict


def test_the_same_facts_in_two_streets_get_the_same_range(vendor_case, place):
    a, b = vendor_case("a1"), vendor_case("b1")
    assert a.street != b.street
    in_a = draft(a, place["leader_a"], level="serious", fine="500")
    in_b = draft(b, place["leader_b"], level="serious", fine="500")
    assert (in_a.fine_min, in_a.fine_max, in_a.standard) == (in_b.fine_min, in_b.fine_max, in_b.standard)
    for case, leader in ((a, place["leader_a"]), (b, place["leader_b"])):
        with pytest.raises(ValidationError):
            draft(case, leader, level="serious", fine="1500")


def test_an_edit_makes_a_new_version_and_old_decisions_keep_theirs(vendor_case, place, bureau_user, standard):
    # given a decision under v1
    old = draft(vendor_case(), place["leader_a"], level="general", fine="150")
    # when the bureau narrows the general range
    rules = [dict(r, fine_max="120") if r["level"] == "general" and r["category"] == "09006" else r for r in RULES]
    v2 = make_standard(bureau_user, rules=rules, note="收窄一般情形")
    # then new decisions follow v2, the old one keeps v1 and its range
    assert v2.version == 2 and standard.version == 1
    old.refresh_from_db()
    assert old.standard == standard and old.fine_max == Decimal("200")
    assert discretion_range(category="09006", level="general")["fine_max"] == Decimal("120")
    with pytest.raises(ValidationError) as exc:
        draft(vendor_case(), place["leader_a"], level="general", fine="150")
    assert "district v2" in exc.value.message_dict["fine"][0]


def test_only_bureau_staff_edit_the_standard(place):
    with pytest.raises(PenaltyForbidden):
        make_standard(place["leader_a"])


@pytest.mark.parametrize("rules", [[], [{"category": "9006", "level": "general", "fine_min": "1", "fine_max": "2"}],
                                   [{"category": "09006", "level": "x", "fine_min": "1", "fine_max": "2"}],
                                   [{"category": "09006", "level": "general", "fine_min": "5", "fine_max": "2"}],
                                   [{"category": "09006", "level": "general", "fine_min": "a", "fine_max": "2"}],
                                   RULES + RULES[:1]])
def test_a_malformed_standard_is_refused(bureau_user, rules):
    with pytest.raises(ValidationError):
        make_standard(bureau_user, rules=rules)


def test_no_rule_for_the_level_is_refused(report, place, bureau_user, standard):
    party = party_register(acting_user=bureau_user, name="某商户", kind="organisation")
    case = report(category="06010", party=party)
    with pytest.raises(ValidationError) as exc:
        draft(case, bureau_user, level="severe", fine="100")
    assert "level" in exc.value.message_dict


# ---------------------------------------------------------------------------------------------- the chain


def test_the_whole_chain_with_legal_review(vendor_case, place, bureau_user):
    # given a large fine drafted by the street's leader
    decision = draft(vendor_case(), place["leader_a"], level="severe", fine="4000")
    assert decision.needs_legal_review
    # when it is approved by the brigade leader, reviewed by the bureau, notified, served and paid
    steps = [(place["leader_a"], "approve_brigade", "pending_legal"), (bureau_user, "approve_legal", "approved"),
             (place["leader_a"], "notify_hearing", "notified"), (place["leader_a"], "serve", "served"),
             (place["leader_a"], "pay", "paid")]
    for user, action, status in steps:
        decision = penalty_step(acting_user=user, decision=decision, action=action)
        assert decision.status == status
    # then every step is attributable
    trail = list(decision.steps.values_list("action", "actor__username", "to_status"))
    assert [a for a, _u, _s in trail] == ["draft", "approve_brigade", "approve_legal", "notify_hearing", "serve", "pay"]
    assert all(u for _a, u, _s in trail) and decision.paid_amount == Decimal("4000.00")
    with pytest.raises(AppendOnlyError):
        PenaltyStep.objects.filter(decision=decision).update(note="x")


def test_a_small_fine_skips_legal_review(vendor_case, place):
    decision = draft(vendor_case(), place["leader_a"])
    decision = penalty_step(acting_user=place["leader_a"], decision=decision, action="approve_brigade")
    assert decision.status == "approved"


def test_who_takes_each_step(vendor_case, place, bureau_user):
    decision = draft(vendor_case(), bureau_user, level="severe", fine="4000")
    # bureau staff are not the brigade; another street's leader is not this brigade; officers nothing
    with pytest.raises(PenaltyForbidden):
        penalty_step(acting_user=bureau_user, decision=decision, action="approve_brigade")
    with pytest.raises(PenaltyForbidden):
        penalty_step(acting_user=place["leader_b"], decision=decision, action="approve_brigade")
    with pytest.raises(PenaltyForbidden):
        penalty_step(acting_user=place["officer_a1"], decision=decision, action="serve")
    penalty_step(acting_user=place["leader_a"], decision=decision, action="approve_brigade")
    # a leader may not do the legal review, whatever the state
    with pytest.raises(PenaltyForbidden):
        penalty_step(acting_user=place["leader_a"], decision=decision, action="approve_legal")


def test_steps_out_of_order_conflict(vendor_case, place):
    decision = draft(vendor_case(), place["leader_a"])
    with pytest.raises(PenaltyStateConflict):
        penalty_step(acting_user=place["leader_a"], decision=decision, action="serve")
    penalty_step(acting_user=place["leader_a"], decision=decision, action="approve_brigade")
    with pytest.raises(PenaltyStateConflict):
        penalty_step(acting_user=place["leader_a"], decision=decision, action="approve_brigade")


def test_return_needs_a_reason(vendor_case, place):
    decision = draft(vendor_case(), place["leader_a"])
    with pytest.raises(ValidationError):
        penalty_step(acting_user=place["leader_a"], decision=decision, action="return")
    decision = penalty_step(acting_user=place["leader_a"], decision=decision, action="return", note="证据不足")
    assert decision.status == "returned"


def test_a_first_offence_has_nothing_to_pay(vendor_case, place):
    decision = draft(vendor_case(), place["leader_a"], level="slight", fine="0", first_offence=True)
    for action in ("approve_brigade", "notify_hearing", "serve"):
        decision = penalty_step(acting_user=place["leader_a"], decision=decision, action=action)
    with pytest.raises(PenaltyStateConflict):
        penalty_step(acting_user=place["leader_a"], decision=decision, action="pay")


def test_payment_must_match_the_fine(vendor_case, place):
    decision = draft(vendor_case(), place["leader_a"], fine="150")
    for action in ("approve_brigade", "notify_hearing", "serve"):
        decision = penalty_step(acting_user=place["leader_a"], decision=decision, action=action)
    with pytest.raises(ValidationError):
        penalty_step(acting_user=place["leader_a"], decision=decision, action="pay", paid_amount="100")


def test_no_party_no_decision(report, place, standard):
    with pytest.raises(ValidationError):
        draft(report(category="09006"), place["leader_a"])
