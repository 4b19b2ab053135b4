"""Joint operations (联合执法): planned by the bureau, with the brigades of several streets and other
departments; the results are counted from the cases, rectification orders and demolitions recorded inside.

A row is recorded inside an operation when it happened on the operation's day (local date: a case reported,
an order issued, a demolition made), inside its area and in one of its streets, by bureau staff or the leader
of that street. The area is the polygon drawn on the map, plus the chosen cells; neither: the streets taking
part, whole. A row belongs to one operation at most.
"""
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point

from bureau import clock
from bureau.api.exceptions import Conflict
from bureau.audit.services import audit_record
from grids.geometry import polygon_from_geojson
from grids.models import GridCell, Street

from ..choices import CaseStatus, OperationIndicator, OrderOutcome
from ..models import Case, Department, JointOperation, RectificationOrder
from .orders import allocate_document_number

MAX_TARGETS = 12
IND = OperationIndicator


class OperationForbidden(PermissionDenied):
    """The user may not plan operations, or record into this one (403)."""


class OperationConflict(Conflict):
    """The row is recorded in another operation already (409)."""

    def __init__(self, message):
        super().__init__({"detail": message})
        self.message = str(message)


# ---------------------------------------------------------------------------------------------- results sources

# Results kept by apps above this one (demolitions, in inspections) are counted by functions those apps
# register from their AppConfig.ready(): fn(operation) -> {indicator: {street id: Decimal}}.
_result_sources: list[Callable] = []


def register_result_source(fn: Callable) -> None:
    if fn not in _result_sources:
        _result_sources.append(fn)


# ---------------------------------------------------------------------------------------------- planning


def _codes(values, model, field, errors, message):
    values = [str(v).strip() for v in (values or ()) if str(v).strip()]
    rows = list(model.objects.filter(**{f"{field}__in": values}))
    if len(rows) != len(set(values)):
        errors.setdefault(field if model is not GridCell else "cells", []).append(message)
    return rows


def _area(value, errors):
    if value in (None, "", {}):
        return None
    geom, _problem = polygon_from_geojson(value)
    if geom is None:
        errors.setdefault("area", []).append(_("行动区域须为有效的多边形（GeoJSON Polygon，WGS84）"))
        return None
    return value


def _targets(values, errors) -> list[dict]:
    if not isinstance(values, list | tuple):
        errors.setdefault("targets", []).append(_("行动目标必须是列表"))
        return []
    if len(values) > MAX_TARGETS:
        errors.setdefault("targets", []).append(_("最多 %(n)d 个目标") % {"n": MAX_TARGETS})
        return []
    out = []
    for n, raw in enumerate(values, start=1):
        raw = raw if isinstance(raw, dict) else {}
        indicator = raw.get("indicator")
        try:
            number = Decimal(str(raw.get("target")))
        except (ArithmeticError, ValueError, TypeError):
            number = None
        if indicator not in IND.values:
            errors.setdefault("targets", []).append(_("第 %(n)d 个目标：未知的指标") % {"n": n})
        elif number is None or not number.is_finite() or number <= 0 or number >= Decimal("1e9"):
            errors.setdefault("targets", []).append(_("第 %(n)d 个目标：目标值须为正数") % {"n": n})
        else:
            out.append({"indicator": indicator, "target": str(number.quantize(Decimal("0.01")))})
    return out


@transaction.atomic
def operation_create(*, acting_user, name, date, streets, departments=(), cells=(), area=None, targets=(),
                     description="") -> JointOperation:
    """Plan a joint operation: its day, the streets whose brigades take part (codes), the departments (codes),
    the area (a GeoJSON polygon and/or cell codes of those streets) and the targets. Bureau staff only."""
    if not (acting_user and acting_user.is_authenticated and acting_user.is_bureau_staff):
        raise OperationForbidden(_("只有区局可以部署联合执法行动"))
    errors: dict[str, list] = {}
    street_rows = _codes(streets, Street, "code", errors, _("未知的街道代码"))
    if not street_rows and "code" not in errors:
        errors.setdefault("streets", []).append(_("请至少选择一个参与街道"))
    if "code" in errors:
        errors["streets"] = errors.pop("code")
    department_rows = list(Department.objects.filter(code__in=[str(d).strip() for d in departments or ()],
                                                     is_active=True))
    if len(department_rows) != len({str(d).strip() for d in departments or ()}):
        errors.setdefault("departments", []).append(_("未知的协办部门"))
    cell_rows = _codes(cells, GridCell, "code", errors, _("未知的网格编码"))
    if "code" in errors:
        errors["cells"] = errors.pop("code")
    street_ids = {s.pk for s in street_rows}
    if any(c.street_id not in street_ids for c in cell_rows):
        errors.setdefault("cells", []).append(_("行动网格须属于参与街道"))
    area = _area(area, errors)
    cleaned_targets = _targets(list(targets or []) if not isinstance(targets, dict) else targets, errors)
    now = clock.now()
    operation = JointOperation(number="-", name=(name or "").strip(), date=date, area=area,
                               targets=cleaned_targets, description=(description or "").strip(),
                               created_by=acting_user, created_at=now)
    try:
        operation.full_clean(exclude=["number", "created_by"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    operation.number = allocate_document_number("operation", _("联合执法"), now)
    operation.save()
    operation.streets.set(street_rows)
    operation.departments.set(department_rows)
    operation.cells.set(cell_rows)
    audit_record(actor=acting_user, action="operation.create", obj=operation,
                 detail={"number": operation.number, "date": operation.date.isoformat(),
                         "streets": sorted(s.code for s in street_rows),
                         "departments": sorted(d.code for d in department_rows)})
    return operation


# ---------------------------------------------------------------------------------------------- recording


def may_record_into(user, operation, street_id) -> bool:
    """Bureau staff, or the leader of a street taking part, for a row in that street."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    if not operation.streets.filter(pk=street_id).exists():
        return False
    return user.is_bureau_staff or (user.is_street_leader and Street.objects.led_by(user).filter(pk=street_id).exists())


def operation_check_record(*, acting_user, operation, street_id, cell_id, lat, lng, on_date, field="operation"):
    """Whether a row placed so, on that day, may be recorded inside the operation: 403 for a user who may not
    record into it (the street is not theirs or not taking part), 400 for a row outside its day or area. Also
    asked by apps above this one (demolitions)."""
    if not (acting_user and acting_user.is_authenticated and (acting_user.is_bureau_staff
                                                              or acting_user.is_street_leader)):
        raise OperationForbidden(_("您的角色不能向联合执法行动登记结果"))
    if not operation.streets.filter(pk=street_id).exists():
        raise ValidationError({field: [_("该位置所在街道未参加此次联合执法行动")]})
    if not may_record_into(acting_user, operation, street_id):
        raise OperationForbidden(_("只能登记您负责街道的行动结果"))
    if on_date != operation.date:
        raise ValidationError({field: [_("只能登记行动当天（%(date)s）的结果") % {"date": operation.date.isoformat()}]})
    if not in_area(operation, cell_id=cell_id, lat=lat, lng=lng):
        raise ValidationError({field: [_("该位置不在行动区域内")]})


def in_area(operation, *, cell_id, lat, lng) -> bool:
    """Inside the drawn polygon or one of the chosen cells; with neither, anywhere in the streets taking part."""
    cells = set(operation.cells.values_list("pk", flat=True))
    if not cells and not operation.area:
        return True
    if cell_id in cells:
        return True
    if operation.area:
        geom, _problem = polygon_from_geojson(operation.area)
        return geom is not None and geom.covers(Point(lng, lat))
    return False


def _local_date(moment):
    return timezone.localtime(moment).date()


def _operation(value) -> JointOperation:
    if isinstance(value, JointOperation):
        return value
    operation = JointOperation.objects.filter(pk=value).first()
    if operation is None:
        raise JointOperation.DoesNotExist
    return operation


def _record(*, acting_user, operation, row, case, moment, field, label):
    """Record a locked row (a case, an order: `row`, placed by `case`, made at `moment`) into the operation."""
    operation_check_record(acting_user=acting_user, operation=operation, street_id=case.street_id,
                           cell_id=case.grid_id, lat=case.lat, lng=case.lng, on_date=_local_date(moment), field=field)
    if row.operation_id == operation.pk:
        return row
    if row.operation_id is not None:
        raise OperationConflict(label % {"number": row.number})
    type(row).objects.filter(pk=row.pk).update(operation=operation)
    row.operation = operation
    audit_record(actor=acting_user, action=f"operation.record_{field}", obj=operation,
                 detail={"number": operation.number, field: row.number})
    return row


@transaction.atomic
def operation_record_case(*, acting_user, operation, case) -> Case:
    """Record a case found in the operation (reported on its day, in its area) into its results."""
    operation = _operation(operation)
    case_id = case.pk if isinstance(case, Case) else case
    case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise Case.DoesNotExist
    return _record(acting_user=acting_user, operation=operation, row=case, case=case, moment=case.reported_at,
                   field="case", label=_("案件 %(number)s 已登记在另一次联合执法行动中"))


@transaction.atomic
def operation_record_order(*, acting_user, operation, order) -> RectificationOrder:
    """Record a rectification order issued in the operation (on its day, for a case in its area)."""
    operation = _operation(operation)
    order_id = order.pk if isinstance(order, RectificationOrder) else order
    order = RectificationOrder.objects.select_for_update(of=("self",)).select_related("case").filter(
        pk=order_id).first()
    if order is None:
        raise RectificationOrder.DoesNotExist
    return _record(acting_user=acting_user, operation=operation, row=order, case=order.case, moment=order.issued_at,
                   field="order", label=_("整改通知书 %(number)s 已登记在另一次联合执法行动中"))


# ---------------------------------------------------------------------------------------------- results


def _by_street(rows) -> dict:
    return {r["street_key"]: Decimal(r["n"]) for r in rows}


def _own_results(operation) -> dict:
    cases = Case.objects.filter(operation=operation).exclude(status=CaseStatus.REJECTED)
    orders = RectificationOrder.objects.filter(operation=operation)
    return {
        IND.CASES: _by_street(cases.values(street_key=F("street_id")).annotate(n=Count("pk"))),
        IND.CASES_CLOSED: _by_street(cases.filter(status=CaseStatus.CLOSED)
                                   .values(street_key=F("street_id")).annotate(n=Count("pk"))),
        IND.ORDERS: _by_street(orders.values(street_key=F("case__street_id")).annotate(n=Count("pk"))),
        IND.ORDERS_COMPLIED: _by_street(orders.filter(outcome=OrderOutcome.COMPLIED)
                                      .values(street_key=F("case__street_id")).annotate(n=Count("pk"))),
    }


def operation_results(operation) -> dict:
    """Each indicator's value in every street taking part and in total, beside its target when one is set:
    {"streets": [Street], "rows": [{indicator, label, by_street {street id: Decimal}, total, target, percent}]}."""
    values = _own_results(operation)
    for source in _result_sources:
        values.update(source(operation))
    streets = sorted(operation.streets.all(), key=lambda s: s.code)
    targets = {t["indicator"]: Decimal(t["target"]) for t in operation.targets or []}
    rows = []
    for indicator in IND:
        per_street = values.get(indicator, {})
        by_street = {s.pk: per_street.get(s.pk, Decimal(0)) for s in streets}
        total = sum(per_street.values(), Decimal(0))
        target = targets.get(indicator)
        rows.append({"indicator": indicator.value, "label": indicator.label, "by_street": by_street, "total": total,
                     "target": target, "percent": round(total / target * 100, 1) if target else None})
    return {"operation": operation, "streets": streets, "rows": rows}
