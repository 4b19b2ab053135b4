"""Writes to the discretion standard and to penalty decisions.

A decision is drafted within the range its category and circumstance level have in the standard in force
(a fine outside it is refused, citing the rule), or, for a first minor violation on the standard's list,
with no fine. It then takes the steps of `STEPS`, each locked, checked (who may, from which status) and
recorded as a row of its append-only trail.
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureau import clock
from bureau.api.exceptions import Conflict
from bureau.audit.services import audit_record

from ..choices import CaseStatus, CircumstanceLevel, PenaltyAction, PenaltyStatus
from ..models import Case, Category, DiscretionStandard, PenaltyDecision, PenaltyStep, RectificationOrder
from ..permissions import leads_street, may_enforce_on, role_may_enforce
from .orders import allocate_document_number

P, PA = PenaltyStatus, PenaltyAction
HANDLER, BRIGADE, LEGAL, APPROVER = "handler", "brigade", "legal", "approver"

# The decision's steps after the draft: from which statuses, to which, and who takes it.
STEPS = {
    # 大队长审批: the street's brigade leader signs; a fine above the threshold goes on to legal review.
    PA.APPROVE_BRIGADE: {"from": (P.PENDING_BRIGADE,), "who": BRIGADE},
    # 法制审核: the bureau's legal review of a large fine (a major decision).
    PA.APPROVE_LEGAL: {"from": (P.PENDING_LEGAL,), "to": P.APPROVED, "who": LEGAL},
    # Sent back by whoever holds it now, with a reason; the handler drafts anew.
    PA.RETURN: {"from": (P.PENDING_BRIGADE, P.PENDING_LEGAL), "to": P.RETURNED, "who": APPROVER},
    # 告知: the party is told the proposed penalty and their rights to state, defend and ask for a hearing.
    PA.NOTIFY_HEARING: {"from": (P.APPROVED,), "to": P.NOTIFIED, "who": HANDLER},
    # 送达: the decision handed to the party.
    PA.SERVE: {"from": (P.NOTIFIED,), "to": P.SERVED, "who": HANDLER},
    # 缴纳: the fine paid (a decision with no fine has nothing to pay).
    PA.PAY: {"from": (P.SERVED,), "to": P.PAID, "who": HANDLER},
}
NOTE_REQUIRED = {PA.RETURN}


class PenaltyForbidden(PermissionDenied):
    """The user may not take this step (403)."""


class PenaltyStateConflict(Conflict):
    """The step is not allowed from the decision's current status (409)."""

    def __init__(self, message, *, current_status):
        super().__init__({"detail": message, "current_status": current_status})
        self.message = str(message)
        self.current_status = current_status


def role_may_step(user, action) -> bool:
    """Decided from the role alone (403 whatever the decision's state)."""
    if not (user and user.is_authenticated) or action not in STEPS:
        return False
    who = STEPS[action]["who"]
    if who == BRIGADE:
        return user.is_street_leader
    if who == LEGAL:
        return user.is_bureau_staff
    return role_may_enforce(user)


def _may_on(user, decision, action) -> bool:
    who = STEPS[action]["who"]
    if who == BRIGADE:
        return user.is_street_leader and leads_street(user, decision.case.street_id)
    if who == LEGAL:
        return user.is_bureau_staff
    if who == APPROVER:
        if decision.status == P.PENDING_LEGAL:
            return user.is_bureau_staff
        return user.is_street_leader and leads_street(user, decision.case.street_id)
    return may_enforce_on(user, decision.case)


# ---------------------------------------------------------------------------------------------- standard


@transaction.atomic
def discretion_standard_save_version(*, acting_user, name, rules, first_offence=(), legal_review_threshold="3000",
                                     code="district", note="") -> DiscretionStandard:
    """Save the standard as its next version; earlier versions, and the decisions made under them, stay."""
    if not getattr(acting_user, "is_bureau_staff", False):
        raise PenaltyForbidden(_("只有区局人员可以修订自由裁量基准"))
    last = (DiscretionStandard.objects.select_for_update().filter(code=code).order_by("-version")
            .values_list("version", flat=True).first())
    standard = DiscretionStandard(
        code=code, version=(last or 0) + 1, name=(name or "").strip(), rules=list(rules or []),
        first_offence=list(first_offence or []), legal_review_threshold=legal_review_threshold,
        note=(note or "").strip(), created_at=clock.now(), created_by=acting_user)
    standard.full_clean(exclude=["created_by"])
    standard.save()
    audit_record(actor=acting_user, action="discretion_standard.save", obj=standard,
                 detail={"code": code, "version": standard.version})
    return standard


def discretion_range(*, category, level, code="district") -> dict:
    """The range the standard in force gives a category and level: the same in every street."""
    standard = DiscretionStandard.objects.current(code)
    if standard is None:
        raise ValidationError({"standard": [_("尚未制定自由裁量基准")]})
    category_code = category.code if isinstance(category, Category) else str(category)
    rule = standard.rule_for(category_code, level)
    if rule is None:
        raise ValidationError({"level": [_("自由裁量基准 %(code)s v%(version)s 未规定「%(category)s」%(level)s情形") % {
            "code": standard.code, "version": standard.version, "category": category_code,
            "level": CircumstanceLevel(level).label if level in CircumstanceLevel.values else level}]})
    return {"standard": standard, **rule}


# ---------------------------------------------------------------------------------------------- decisions


def _fine(value) -> Decimal:
    try:
        fine = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"fine": [_("罚款金额无效")]}) from None
    if not fine.is_finite() or fine < 0 or fine >= Decimal("10000000000"):
        raise ValidationError({"fine": [_("罚款金额无效")]})
    return fine.quantize(Decimal("0.01"))


def _append_step(decision, *, action, from_status, actor, at, note="", data=None):
    last = decision.steps.order_by("-seq").values_list("seq", flat=True).first() or 0
    step = PenaltyStep(decision=decision, seq=last + 1, action=action, from_status=from_status or "",
                       to_status=decision.status, actor=actor, recorded_at=at, note=note, data=data or {})
    step.full_clean(exclude=["decision", "actor"], validate_unique=False, validate_constraints=False)
    step.save(force_insert=True)
    return step


@transaction.atomic
def penalty_draft(*, acting_user, case, level, fine, facts="", legal_basis, circumstances="", first_offence=False,
                  measures="", order=None) -> PenaltyDecision:
    """Draft a decision against the case's party under the standard in force. Refused (400) when the fine is
    outside the range of the case's category at this level, citing the standard's version and the range; a
    first minor violation on the standard's list gets no fine."""
    if not role_may_enforce(acting_user):
        raise PenaltyForbidden(_("您的角色不能拟定处罚决定"))
    case_id = case.pk if isinstance(case, Case) else case
    case = Case.objects.select_for_update().select_related("category", "street").filter(pk=case_id).first()
    if case is None:
        raise Case.DoesNotExist
    if not may_enforce_on(acting_user, case):
        raise PenaltyForbidden(_("该案件不在您负责的街道"))
    if case.party_id is None:
        raise ValidationError({"case": [_("案件尚未指定当事人，不能拟定处罚决定")]})
    if case.status == CaseStatus.REJECTED:
        raise PenaltyStateConflict(_("不予立案的案件不能拟定处罚决定"), current_status=case.status)
    if level not in CircumstanceLevel.values:
        raise ValidationError({"level": [_("未知的情节等级：%(value)s") % {"value": level}]})
    if order is not None:
        order_id = order.pk if isinstance(order, RectificationOrder) else order
        order = RectificationOrder.objects.filter(pk=order_id, case=case).first()
        if order is None:
            raise ValidationError({"order": [_("整改通知书不属于该案件")]})
    rule = discretion_range(category=case.category, level=level)
    standard = rule["standard"]
    fine = _fine(fine)
    cited = {"code": standard.code, "version": standard.version, "category": f"{case.category.code} {case.category.name}",
             "level": CircumstanceLevel(level).label, "min": rule["fine_min"], "max": rule["fine_max"], "fine": fine}
    if first_offence:
        entry = standard.first_offence_entry(case.category.code)
        if entry is None:
            raise ValidationError({"first_offence": [_(
                "自由裁量基准 %(code)s v%(version)s 的首违不罚清单不含「%(category)s」") % cited]})
        if fine != 0:
            raise ValidationError({"fine": [_("首违不罚：依自由裁量基准 %(code)s v%(version)s 不予罚款") % cited]})
    elif not rule["fine_min"] <= fine <= rule["fine_max"]:
        raise ValidationError({"fine": [_(
            "罚款 %(fine)s 元超出自由裁量基准 %(code)s v%(version)s 对「%(category)s」%(level)s情形规定的 "
            "%(min)s 至 %(max)s 元") % cited]})
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise ValidationError({"legal_basis": [_("请填写法律依据")]})
    now = clock.now()
    decision = PenaltyDecision(
        number=allocate_document_number("penalty", _("罚决"), now), case=case, party_id=case.party_id, order=order,
        standard=standard, category=case.category, level=level, first_offence=bool(first_offence),
        facts=(facts or "").strip() or case.description, legal_basis=legal_basis,
        circumstances=(circumstances or "").strip(), fine=fine, fine_min=rule["fine_min"], fine_max=rule["fine_max"],
        measures=(measures or "").strip() or (_("不予处罚") if first_offence else str(rule.get("measures") or "")),
        needs_legal_review=fine > standard.legal_review_threshold,
        status=P.PENDING_BRIGADE, drafted_at=now, drafted_by=acting_user)
    decision.full_clean(exclude=["case", "party", "order", "standard", "category", "drafted_by"])
    decision.save()
    _append_step(decision, action=PA.DRAFT, from_status="", actor=acting_user, at=now,
                 data={"standard": f"{standard.code} v{standard.version}", "fine": str(fine), "level": level})
    audit_record(actor=acting_user, action="penalty.draft", obj=decision,
                 detail={"number": decision.number, "case": case.number, "fine": str(fine), "level": level,
                         "standard": f"{standard.code} v{standard.version}"})
    return decision


@transaction.atomic
def penalty_step(*, acting_user, decision, action, note="", paid_amount=None) -> PenaltyDecision:
    """Take one step of the chain on a decision (locked: of two approvals at once exactly one wins)."""
    if action not in STEPS:
        raise ValidationError({"action": [_("未知的操作：%(action)s") % {"action": action}]})
    if not role_may_step(acting_user, action):
        raise PenaltyForbidden(_("您的角色不能执行「%(action)s」") % {"action": PA(action).label})
    pk = decision.pk if isinstance(decision, PenaltyDecision) else decision
    decision = PenaltyDecision.objects.select_for_update().select_related("case").filter(pk=pk).first()
    if decision is None:
        raise PenaltyDecision.DoesNotExist
    spec = STEPS[action]
    if decision.status not in spec["from"]:
        raise PenaltyStateConflict(_("处罚决定当前状态为「%(status)s」，不能执行「%(action)s」") % {
            "status": P(decision.status).label, "action": PA(action).label}, current_status=decision.status)
    if not _may_on(acting_user, decision, action):
        raise PenaltyForbidden(_("您不能对该处罚决定执行「%(action)s」") % {"action": PA(action).label})
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        raise ValidationError({"note": [_("请填写退回原因")]})
    data = {}
    if action == PA.APPROVE_BRIGADE:
        to = P.PENDING_LEGAL if decision.needs_legal_review else P.APPROVED
    elif action == PA.PAY:
        if decision.fine == 0:
            raise PenaltyStateConflict(_("该决定不予罚款，无须缴纳"), current_status=decision.status)
        amount = _fine(decision.fine if paid_amount in (None, "") else paid_amount)
        if amount != decision.fine:
            raise ValidationError({"paid_amount": [_("缴纳金额须与罚款金额一致：%(fine)s 元") % {"fine": decision.fine}]})
        decision.paid_amount = amount
        data["paid_amount"] = str(amount)
        to = spec["to"]
    else:
        to = spec["to"]
    from_status = decision.status
    decision.status = to
    decision.save(update_fields=["status", "paid_amount", "updated_at"])
    now = clock.now()
    _append_step(decision, action=action, from_status=from_status, actor=acting_user, at=now, note=note, data=data)
    audit_record(actor=acting_user, action=f"penalty.{action}", obj=decision,
                 detail={"number": decision.number, "from": from_status, "to": to, **data})
    return decision


def available_steps(user, decision) -> list[str]:
    """The steps `user` may take on `decision` now (the page shows only these)."""
    return [a for a, spec in STEPS.items()
            if decision.status in spec["from"] and role_may_step(user, a) and _may_on(user, decision, a)
            and not (a == PA.PAY and decision.fine == 0)]
