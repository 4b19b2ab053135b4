"""Writes to rectification orders: issue from a case to its party, follow up, escalate.

The deadline is counted in working days on the work calendar, from the end of the day the order is
issued (the day of issue is not counted), so "5 working days" ends at the close of the fifth working day.
"""
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.api.exceptions import Conflict
from bureau.audit.services import audit_record
from bureau.workcalendar.choices import TimeUnit
from bureau.workcalendar.services import add_time_limit

from ..choices import CaseStatus, Escalation, OrderOutcome, OrderStatus
from ..models import Case, DocumentCounter, RectificationOrder
from ..permissions import may_enforce_on, may_escalate, role_may_enforce

MAX_ITEMS = 20
DEFAULT_SELF_REMOVAL_DAYS = 3  # working days a party is given to remove a structure before it is demolished


class OrderForbidden(PermissionDenied):
    """The user may not do this with this order (403)."""


class OrderStateConflict(Conflict):
    """The action is not allowed from the order's current status (409)."""

    def __init__(self, message, *, current_status):
        super().__init__({"detail": message, "current_status": current_status})
        self.message = str(message)
        self.current_status = current_status


def allocate_document_number(kind: str, prefix: str, at) -> str:
    """The next number of a kind of document in the year, gapless (the counter row is locked until commit)."""
    year = timezone.localtime(at).year
    DocumentCounter.objects.get_or_create(kind=kind, year=year)
    counter = DocumentCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}〔{year}〕{counter.last:05d}号"


def deadline_after(issued_at, days) -> datetime:
    """The close of the `days`-th working day after the day of `issued_at`."""
    local = timezone.localtime(issued_at)
    next_midnight = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time()),
                                        local.tzinfo)
    return add_time_limit(next_midnight, days, TimeUnit.WORK_DAYS)


def _items(value) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        raise ValidationError({"items": [_("整改事项必须是列表")]})
    items = [str(i).strip()[:500] for i in value if str(i).strip()]
    if not items:
        raise ValidationError({"items": [_("请至少填写一项整改事项")]})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": [_("整改事项最多 %(n)s 项") % {"n": MAX_ITEMS}]})
    return items


def _days(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 90:
        raise ValidationError({"deadline_days": [_("整改期限须为 1 至 90 个工作日")]})
    return days


def _locked(order) -> RectificationOrder:
    pk = order.pk if isinstance(order, RectificationOrder) else order
    locked = RectificationOrder.objects.select_for_update().select_related("case").filter(pk=pk).first()
    if locked is None:
        raise RectificationOrder.DoesNotExist
    return locked


def _conflict(order, action_label):
    return OrderStateConflict(
        _("整改通知书当前状态为「%(status)s」，不能%(action)s")
        % {"status": OrderStatus(order.status).label, "action": action_label},
        current_status=order.status)


def _default_unit(case) -> str:
    return _("%(street)s城市管理综合执法大队") % {"street": case.street.name}


@transaction.atomic
def order_issue(*, acting_user, case, items, legal_basis, deadline_days, facts="", issuing_unit="",
                signer_name="") -> RectificationOrder:
    """Issue a numbered order from a case to the party it names. Bureau staff, or the case street's leader."""
    if not role_may_enforce(acting_user):
        raise OrderForbidden(_("您的角色不能下达整改通知书"))
    case_id = case.pk if isinstance(case, Case) else case
    case = Case.objects.select_for_update(of=("self",)).select_related("street", "party").filter(pk=case_id).first()
    if case is None:
        raise Case.DoesNotExist
    if not may_enforce_on(acting_user, case):
        raise OrderForbidden(_("该案件不在您负责的街道"))
    if case.party_id is None:
        raise ValidationError({"case": [_("案件尚未指定当事人，不能下达整改通知书")]})
    if case.status in (CaseStatus.REJECTED,):
        raise OrderStateConflict(_("不予立案的案件不能下达整改通知书"), current_status=case.status)
    items, days = _items(items), _days(deadline_days)
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise ValidationError({"legal_basis": [_("请填写法律依据")]})
    now = clock.now()
    order = RectificationOrder(
        number=allocate_document_number("order", _("责改"), now), case=case, party=case.party,
        facts=(facts or "").strip() or case.description, items=items, legal_basis=legal_basis,
        deadline_days=days, deadline=deadline_after(now, days),
        issuing_unit=(issuing_unit or "").strip() or _default_unit(case),
        signer_name=(signer_name or "").strip() or acting_user.get_full_name() or acting_user.get_username(),
        issued_at=now, issued_by=acting_user,
    )
    order.full_clean(exclude=["case", "party", "issued_by"])
    order.save()
    audit_record(actor=acting_user, action="order.issue", obj=order,
                 detail={"number": order.number, "case": case.number, "deadline": order.deadline.isoformat()})
    return order


@transaction.atomic
def order_follow_up(*, acting_user, order, outcome, note="") -> RectificationOrder:
    """Record the follow-up inspection's outcome (complied, partly, not complied)."""
    if not role_may_enforce(acting_user):
        raise OrderForbidden(_("您的角色不能复查整改通知书"))
    order = _locked(order)
    if not may_enforce_on(acting_user, order.case):
        raise OrderForbidden(_("该案件不在您负责的街道"))
    if outcome not in OrderOutcome.values:
        raise ValidationError({"outcome": [_("未知的复查结果：%(value)s") % {"value": outcome}]})
    if order.status != OrderStatus.ISSUED:
        raise _conflict(order, _("复查"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写复查情况")]})
    order.status = OrderStatus(outcome)
    order.outcome, order.follow_up_note = outcome, note
    order.followed_up_at, order.followed_up_by = clock.now(), acting_user
    order.full_clean(exclude=["case", "party", "issued_by", "followed_up_by", "escalated_by"], validate_unique=False)
    order.save()
    audit_record(actor=acting_user, action="order.follow_up", obj=order,
                 detail={"number": order.number, "outcome": outcome})
    return order


def _area(value) -> Decimal:
    try:
        area = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        area = Decimal(0)
    if not area.is_finite() or area <= 0 or area >= Decimal("100000000"):
        raise ValidationError({"area_m2": [_("请填写拆除面积（大于 0 的平方米数）")]})
    return area.quantize(Decimal("0.01"))


@transaction.atomic
def order_escalate(*, acting_user, order, kind, note="", area_m2=None,
                   self_removal_days=DEFAULT_SELF_REMOVAL_DAYS) -> RectificationOrder:
    """Escalate an order found partly or not complied with: a penalty, a ban (取缔) or a forced demolition
    (强制拆除, with the area and a time for the party to remove the structure themselves)."""
    if not role_may_enforce(acting_user):
        raise OrderForbidden(_("您的角色不能升级处理整改通知书"))
    if kind not in Escalation.values:
        raise ValidationError({"kind": [_("未知的升级处理方式：%(value)s") % {"value": kind}]})
    order = _locked(order)
    if not may_escalate(acting_user, order.case, kind):
        raise OrderForbidden(_("强制拆除须由区城管局决定") if kind == Escalation.DEMOLITION
                             else _("该案件不在您负责的街道"))
    if order.status not in (OrderStatus.PARTLY, OrderStatus.NOT_COMPLIED):
        raise _conflict(order, _("升级处理"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写升级处理说明")]})
    now = clock.now()
    if kind == Escalation.DEMOLITION:
        order.demolition_area_m2 = _area(area_m2)
        order.self_removal_deadline = deadline_after(now, _days(self_removal_days))
    order.status, order.escalation, order.escalation_note = OrderStatus.ESCALATED, kind, note
    order.escalated_at, order.escalated_by = now, acting_user
    order.full_clean(exclude=["case", "party", "issued_by", "followed_up_by", "escalated_by"], validate_unique=False)
    order.save()
    audit_record(actor=acting_user, action="order.escalate", obj=order,
                 detail={"number": order.number, "kind": kind,
                         "area_m2": str(order.demolition_area_m2) if order.demolition_area_m2 else None})
    return order
