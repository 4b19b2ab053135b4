"""What each workflow action does to a case's fields: one function per row of the transition table
(enforcement/workflow.py names each beside its edge).

An effect is called by `case_transition` with the case locked, after the role, state and note checks and
before the status moves: `effect(case, now=..., params=...)` changes the case's fields and returns the
data recorded on the action's event. The status itself is set by the caller from the row's `to` (resume,
whose `to` is "the status it was suspended from", sets it here). An effect that finds the action cannot be
taken in the case's present state (a third extension, a request past the deadline) raises `Refused`, which
the caller answers as a state conflict (409).
"""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau.workcalendar.services import add_time_limit, add_working_seconds, limit_seconds, working_seconds_between

from .choices import CaseStatus, WarningLevel
from .models import Case, Department

S = CaseStatus
MAX_EXTENSIONS = 2  # at most two extensions are ever approved for one case
BRIGADE = "brigade"  # the unit of an event when the case went to its street's brigade, not a department


class Refused(Exception):
    """The action is allowed from the case's status, but not in its present state (the caller answers 409)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------- helpers


def parse_point(lat, lng):
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"lat": [_("坐标无效")]}) from exc
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or lat != lat or lng != lng:
        raise ValidationError({"lat": [_("坐标无效")]})
    return lat, lng


def cell_at(lat, lng):
    from grids.geometry import locate

    cell = locate(lat, lng)
    if cell is None:
        raise ValidationError({"lat": [_("点 (%(lat).6f, %(lng).6f) 不在本区范围内") % {"lat": lat, "lng": lng}]})
    return cell


def start_step(case, *, start, amount, unit):
    """A new timed step: deadline from `start`, the limit remembered for the warning level."""
    case.due_at = add_time_limit(start, amount, unit)
    case.step_unit = unit
    case.step_limit_seconds = limit_seconds(amount, unit)
    case.warning_level = WarningLevel.GREEN


def stop_clock(case):
    case.due_at = None
    case.step_unit = ""
    case.step_limit_seconds = None
    case.warning_level = WarningLevel.GREEN


def _cancel_pending_extension(case, data):
    if case.extension_requested:
        case.extension_requested = False
        data["extension_cancelled"] = True


def _duplicate_target(case, value) -> Case:
    try:
        pk = int(value.pk if isinstance(value, Case) else value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"duplicate_of": [_("请指定重复的案件")]}) from exc
    if pk == case.pk:
        raise ValidationError({"duplicate_of": [_("案件不能与自身重复")]})
    original = Case.objects.filter(pk=pk).first()
    if original is None:
        raise ValidationError({"duplicate_of": [_("案件 %(id)s 不存在") % {"id": pk}]})
    return original


def _dispatch_unit(case, params) -> Department | None:
    """None = the brigade of the case's street; a Department = a referral.

    Without a unit the case goes to the street's brigade; the category's routing (权责清单) is what the
    dispatcher's form proposes, so a referral is always a deliberate choice."""
    value = params.get("department") or params.get("unit")
    if isinstance(value, Department):
        return value
    if value in (None, "", BRIGADE, "street", case.street.code):
        return None
    department = Department.objects.filter(code=str(value), is_active=True).first()
    if department is None:
        raise ValidationError({"unit": [_("未知的处置单位：%(unit)s") % {"unit": value}]})
    return department


# ---------------------------------------------------------------------------------------------- effects


def register(case, *, now, params) -> dict:
    return {}


def reject(case, *, now, params) -> dict:
    stop_clock(case)
    return {}


def mark_duplicate(case, *, now, params) -> dict:
    original = _duplicate_target(case, params.get("duplicate_of"))
    case.duplicate_of = original
    stop_clock(case)
    return {"duplicate_of": original.pk, "duplicate_of_number": original.number}


def relocate(case, *, now, params) -> dict:
    lat, lng = parse_point(params.get("lat"), params.get("lng"))
    cell = cell_at(lat, lng)
    data = {"old": {"lat": case.lat, "lng": case.lng, "grid": case.grid.code, "street": case.street.code},
            "new": {"lat": lat, "lng": lng, "grid": cell.code, "street": cell.street.code}}
    case.lat, case.lng = lat, lng
    case.grid, case.community_id, case.street_id = cell, cell.community_id, cell.street_id
    return data


def reopen(case, *, now, params) -> dict:
    category = case.category
    case.duplicate_of = None
    start_step(case, start=now, amount=category.dispatch_limit, unit=category.dispatch_unit)
    return {}


def dispatch(case, *, now, params) -> dict:
    category = case.category
    department = _dispatch_unit(case, params)
    case.handling_department = department
    start_step(case, start=now, amount=category.handle_limit, unit=category.handle_unit)
    case.handling_due_at = case.due_at
    return {"unit": department.code if department else BRIGADE, "street": case.street.code,
            "referral": department is not None}


def return_(case, *, now, params) -> dict:
    category = case.category
    data: dict = {}
    _cancel_pending_extension(case, data)
    data["unit"] = case.handling_department.code if case.handling_department_id else BRIGADE
    case.handling_department = None
    case.handling_due_at = None
    case.referral_accepted_at = None
    start_step(case, start=now, amount=category.dispatch_limit, unit=category.dispatch_unit)
    return data


def _referral(case, action_label):
    if not case.handling_department_id:
        raise Refused(_("该案件未转办协办部门，不能%(action)s") % {"action": action_label})


def accept(case, *, now, params) -> dict:
    _referral(case, _("受理"))
    if case.referral_accepted_at is not None:
        raise Refused(_("协办部门已受理该案件"))
    case.referral_accepted_at = now
    return {"unit": case.handling_department.code}


def refuse(case, *, now, params) -> dict:
    _referral(case, _("拒收"))
    if case.referral_accepted_at is not None:
        raise Refused(_("协办部门已受理该案件，不能再拒收"))
    return return_(case, now=now, params=params)


def handle(case, *, now, params) -> dict:
    data: dict = {}
    _cancel_pending_extension(case, data)
    data["on_time"] = case.handling_due_at is None or now <= case.handling_due_at
    # due_at is frozen at the deadline that was in force; the timer no longer runs.
    case.step_limit_seconds = None
    return data


def close(case, *, now, params) -> dict:
    case.closed_at = now
    return {}


def rework(case, *, now, params) -> dict:
    category = case.category
    case.rework_count += 1
    start_step(case, start=now, amount=category.handle_limit, unit=category.handle_unit)
    case.handling_due_at = case.due_at
    case.closed_at = None
    return {}


def request_extension(case, *, now, params) -> dict:
    if case.extensions_approved >= MAX_EXTENSIONS:
        raise Refused(_("该案件已批准两次延期，不能再申请"))
    if case.extension_requested:
        raise Refused(_("已有待审批的延期申请"))
    if case.due_at is not None and now >= case.due_at:
        raise Refused(_("已超过处置时限，不能申请延期"))
    case.extension_requested = True
    return {}


def _pending_decision(case):
    if not case.extension_requested:
        raise Refused(_("没有待审批的延期申请"))
    case.extension_requested = False


def approve_extension(case, *, now, params) -> dict:
    category = case.category
    _pending_decision(case)
    if case.extensions_approved >= MAX_EXTENSIONS:
        raise Refused(_("该案件已批准两次延期"))
    old = case.due_at
    case.due_at = add_time_limit(old, category.handle_limit, category.handle_unit)
    case.handling_due_at = case.due_at
    case.extensions_approved += 1
    case.step_limit_seconds = (case.step_limit_seconds or 0) + limit_seconds(category.handle_limit, category.handle_unit)
    return {"decision": "approved", "old_due_at": timezone.localtime(old).isoformat(),
            "extensions_approved": case.extensions_approved}


def deny_extension(case, *, now, params) -> dict:
    _pending_decision(case)
    return {"decision": "denied"}


def suspend(case, *, now, params) -> dict:
    data: dict = {}
    _cancel_pending_extension(case, data)
    remaining = working_seconds_between(now, case.due_at, case.step_unit) if case.due_at else None
    case.suspended_from = case.status
    case.suspended_at = now
    case.remaining_seconds = remaining
    unit, limit = case.step_unit, case.step_limit_seconds
    stop_clock(case)
    # Kept for the resumption: the unit and the whole limit of the step that was paused.
    case.step_unit, case.step_limit_seconds = unit, limit
    case.handling_due_at = None
    data["remaining_seconds"] = remaining  # keeps "extension_cancelled": the trail says the request died here
    return data


def resume(case, *, now, params) -> dict:
    case.status = case.suspended_from or S.REGISTERED
    remaining = case.remaining_seconds or 0.0
    if case.step_unit:
        case.due_at = add_working_seconds(now, remaining, case.step_unit)
    if case.status == S.DISPATCHED:
        case.handling_due_at = case.due_at
    case.warning_level = WarningLevel.GREEN
    data = {"remaining_seconds": remaining,
            "suspended_at": timezone.localtime(case.suspended_at).isoformat() if case.suspended_at else None}
    case.suspended_from, case.suspended_at, case.remaining_seconds = "", None, None
    return data
