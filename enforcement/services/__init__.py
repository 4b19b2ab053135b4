"""Writes to cases: reporting and every workflow transition. Views, the API, the demo
generator and other apps (patrol reports, Open311) call these; nothing else changes a case's status.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.api.exceptions import Conflict
from bureau.audit.models import AuditEntry
from bureau.audit.services import audit_record
from bureau.workcalendar.services import working_seconds_between
from grids.gazetteer import describe_point

from .. import pii
from ..choices import CaseAction, CaseSource, CaseStatus, WarningLevel
from ..effects import MAX_EXTENSIONS, Refused, cell_at, parse_point, start_step, stop_clock
from ..models import Case, CaseEvent, CaseNumberCounter, Category
from ..pagination import cases_changed
from ..permissions import is_handling_side, leads_street, may_report, may_report_at, role_may
from ..photos import photo_attach, photos_check
from ..sources import OPEN311_CHANNEL, check_source
from ..workflow import NOTE_REQUIRED, SUSPENDED_FROM, TRANSITIONS, Actor

A, S = CaseAction, CaseStatus

# The rows taken by the case's handling side (its street's brigade, or the department it was referred to).
SIDE_ACTORS = (Actor.HANDLING_UNIT, Actor.DEPARTMENT)
# Statuses whose step runs against `due_at` (the sweep watches these; leaving one late marks overdue).
TIMED_STATUSES = (S.REPORTED, S.REGISTERED, S.DISPATCHED)
SELF_HANDLED_SOURCES = (CaseSource.PATROL, CaseSource.SUPERVISION)
CASE_REFERENCES = ["category", "street", "community", "grid", "reported_by", "handling_department", "duplicate_of",
                   "party"]


class CaseActionForbidden(PermissionDenied):
    """The user's role may never take this action, or this user is not the case's handling side (403)."""


class CaseStateConflict(Conflict):
    """The action is not allowed from the case's current status (409). A DRF exception, so a view that
    does not catch it still answers 409 with `{"detail", "current_status"}`."""

    def __init__(self, message, *, current_status):
        super().__init__({"detail": message, "current_status": current_status})
        self.message = str(message)
        self.current_status = current_status


# ---------------------------------------------------------------------------------------------- helpers


def _category(value) -> Category:
    if isinstance(value, Category):
        return value
    category = Category.objects.filter(code=str(value or "").strip(), is_active=True).first()
    if category is None:
        raise ValidationError({"category": [_("未知的案件类别：%(code)s") % {"code": value}]})
    return category


def _party(value):
    from ..models import Party

    if value is None or value == "" or isinstance(value, Party):
        return value or None
    try:
        party = Party.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        party = None
    if party is None:
        raise ValidationError({"party": [_("未知的当事人")]})
    return party


def _allocate_number(at) -> str:
    """The next number of the year, gapless: the year's counter row is locked until our transaction ends.

    One statement (an upsert returning the new value) where a get_or_create, a SELECT ... FOR UPDATE and an
    UPDATE took three: a concurrent filing still waits on the row's lock until we commit or roll back."""
    year = timezone.localtime(at).year
    quote = connection.ops.quote_name
    table, last = quote(CaseNumberCounter._meta.db_table), quote("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('year')}, {last}) VALUES (%s, 1) "  # noqa: S608 - our own table name
            f"ON CONFLICT ({quote('year')}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}", [year])
        number = cursor.fetchone()[0]
    return f"{year}-{number:06d}"


def _append_event(case, *, action, from_status, actor, at, note="", data=None, photos=(), seq=None):
    """The case's next event. `seq` when the caller knows it (a case it has just created), else read."""
    if seq is None:
        seq = (case.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    event = CaseEvent(
        case=case, seq=seq, action=action, from_status=from_status or "", to_status=case.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None, recorded_at=at, note=note,
        due_at=case.due_at, handling_due_at=case.handling_due_at, data=data or {},
    )
    event.full_clean(exclude=["case", "actor"], validate_unique=False, validate_constraints=False)  # the DB enforces (case, seq)
    event.save(force_insert=True)
    for photo in photos:
        photo_attach(event=event, photo=photo, at=at)
    return event


def _conflict(case, action):
    return CaseStateConflict(
        _("案件当前状态为「%(status)s」，不能执行「%(action)s」")
        % {"status": S(case.status).label, "action": A(action).label},
        current_status=case.status,
    )


# ---------------------------------------------------------------------------------------------- report


def case_report(*, acting_user, category, lat, lng, description, source, address="", reporter_name="",
                reporter_phone="", photos=(), self_handled=False, note="", channel="", party=None) -> Case:
    """Record a new case at a point; grid, community and street come from the point.

    `channel="open311"` is the Open311 endpoint: the only caller that makes source `open311`, for its API
    key's account, anywhere in the district (the key was checked there). Without an address the
    gazetteer writes one from the point ("古南路 128 号附近, 古南社区"). `party` (a Party or its id) names
    whom the case is against, when the reporter knows.

    `photos` are checked ones (`photos_check`, as the API and the pages do before their transaction) or
    raw uploads, which are checked here before the transaction begins: decoding a picture takes long, and
    the case number's counter row stays locked from its allocation to the commit."""
    open311 = channel == OPEN311_CHANNEL
    if not (open311 or may_report(acting_user)):
        raise CaseActionForbidden(_("您的角色不能上报案件"))
    checked = photos_check(photos)
    with transaction.atomic():
        return _case_report(acting_user=acting_user, category=category, lat=lat, lng=lng, description=description,
                            source=source, address=address, reporter_name=reporter_name,
                            reporter_phone=reporter_phone, photos=checked, self_handled=self_handled, note=note,
                            channel=channel, party=party)


def _case_report(*, acting_user, category, lat, lng, description, source, address, reporter_name, reporter_phone,
                 photos, self_handled, note, channel, party) -> Case:
    open311 = channel == OPEN311_CHANNEL
    category = _category(category)
    lat, lng = parse_point(lat, lng)
    if source not in CaseSource.values:
        raise ValidationError({"source": [_("未知的来源：%(source)s") % {"source": source}]})
    check_source(acting_user, source, channel=channel)  # who reports decides the source; open311 only by its channel
    if not (description or "").strip():
        raise ValidationError({"description": [_("请填写问题描述")]})
    if self_handled and source not in SELF_HANDLED_SOURCES:
        raise ValidationError({"self_handled": [_("只有巡查或督查发现的问题可以自处理")]})
    cell = cell_at(lat, lng)
    if not open311 and not may_report_at(acting_user, cell):
        raise ValidationError({"lat": [
            _("点 (%(lat).6f, %(lng).6f) 位于网格 %(cell)s，不在您负责的区域内") % {"lat": lat, "lng": lng, "cell": cell.code}
        ]})
    party = _party(party)
    address = (address or "").strip() or describe_point(lat, lng, cell=cell)
    now = clock.now()
    case = Case(
        number=_allocate_number(now), status=S.REPORTED, category=category, street_id=cell.street_id,
        community_id=cell.community_id, grid=cell, lat=lat, lng=lng, address=(address or "").strip(),
        description=description.strip(), source=source, reported_by=acting_user,
        reporter_name=(reporter_name or "").strip(), reporter_phone_encrypted=pii.encrypt(pii.normalise_phone(reporter_phone)),
        reporter_phone_hash=pii.phone_hash(reporter_phone), reporter_phone_masked=pii.mask_phone(reporter_phone),
        reported_at=now, self_handled=bool(self_handled), party=party,
    )
    start_step(case, start=now, amount=category.dispatch_limit, unit=category.dispatch_unit)
    # The fields are checked here; not the rest, each of which cost statements on every report: the references
    # were resolved above, the number comes from the year's locked counter (unique by construction; the unique
    # index stays), and the table's checks (rework and extension counts) hold for a new case, whose counts are 0.
    case.full_clean(exclude=CASE_REFERENCES, validate_unique=False, validate_constraints=False)
    case.save(force_insert=True)
    _append_event(case, action=A.REPORT, from_status="", actor=acting_user, at=now, note=note, seq=1,
                  data={"source": source, "grid": cell.code, "street": cell.street.code}, photos=photos)
    if self_handled:
        # Settled on the spot (自处理): recorded, closed at once, and left out of every deadline.
        case.status = S.CLOSED
        case.closed_at = now
        stop_clock(case)
        case.save()
        _append_event(case, action=A.CLOSE, from_status=S.REPORTED, actor=acting_user, at=now, seq=2,
                      note=note or _("当场处置"), data={"self_handled": True})
    cases_changed()
    audit_record(actor=acting_user, action="case.report", obj=case,
                 detail={"number": case.number, "category": category.code, "self_handled": bool(self_handled)})
    return case


# ---------------------------------------------------------------------------------------------- transitions


def case_transition(*, acting_user, case, action, note="", system=False, **params) -> Case:
    """Take one workflow action on a case (the table in enforcement/workflow.py).

    Raises CaseActionForbidden (403), CaseStateConflict (409) or ValidationError (400). `system=True` is
    for the sweep (automatic resumption after a year): no user, no role check. Raw photos in `params` are
    checked before the transaction begins (the case row stays locked until it ends).
    """
    if action not in TRANSITIONS:
        raise ValidationError({"action": [_("未知的操作：%(action)s") % {"action": action}]})
    spec = TRANSITIONS[action]
    if not system and not (acting_user and acting_user.is_authenticated and role_may(acting_user, spec["who"])):
        raise CaseActionForbidden(_("您的角色不能执行「%(action)s」") % {"action": A(action).label})
    if params.get("photos"):
        params["photos"] = photos_check(params["photos"])
    with transaction.atomic():
        return _case_transition(acting_user=acting_user, case=case, action=action, spec=spec, note=note,
                                system=system, **params)


def _case_transition(*, acting_user, case, action, spec, note, system, **params) -> Case:
    case_id = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update().filter(pk=case_id).first()
    if locked is None:
        raise Case.DoesNotExist
    case = locked
    if not system and acting_user.is_street_leader and not leads_street(acting_user, case.street_id):
        raise CaseActionForbidden(_("该案件不在您负责的街道"))
    if case.status not in spec["from"]:
        raise _conflict(case, action)
    if not system and spec["who"] in SIDE_ACTORS and not is_handling_side(acting_user, case):
        raise CaseActionForbidden(_("您不是该案件的处置单位"))
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        raise ValidationError({"note": [_("请填写说明（原因、处置情况或核查意见）")]})
    checked = params.get("photos") or ()
    if action == A.HANDLE and not system and acting_user.is_department_staff and not checked:
        # A department answers for its own work with evidence: bureau staff reading its answer were not there.
        raise ValidationError({"photos": [_("协办部门反馈处置结果须附现场照片")]})

    now = clock.now()
    from_status = case.status
    if case.due_at is not None and from_status in TIMED_STATUSES and now > case.due_at:
        case.overdue = True  # sticky: the step ran late, whatever happens next
    try:
        data = spec["effect"](case, now=now, params=params)
    except Refused as exc:
        raise CaseStateConflict(exc.message, current_status=case.status) from None
    to = spec["to"]
    if to == SUSPENDED_FROM:
        pass  # the effect restored the status
    elif to is not None:
        case.status = to
    # References were resolved above (locate, Category, Department, the duplicate): skip re-fetching each FK.
    case.full_clean(exclude=CASE_REFERENCES, validate_unique=False)
    case.save()
    _append_event(case, action=action, from_status=from_status, actor=None if system else acting_user, at=now,
                  note=note, data=data, photos=checked)
    cases_changed()
    audit_record(actor=None if system else acting_user, action=f"case.{action}", obj=case,
                 detail={"number": case.number, "from": from_status, "to": case.status, **data},
                 username="system" if system else "")
    return case


# ---------------------------------------------------------------------------------------------- others


def available_actions(user, case) -> list[str]:
    """The actions `user` may take on `case` now (the case page shows only these)."""
    out = []
    if not (user and user.is_authenticated):
        return out
    # Whether the user is the case's handling side is the same for every action: asked once, not per action.
    handling_side = None
    for action, spec in TRANSITIONS.items():
        if not role_may(user, spec["who"]) or case.status not in spec["from"]:
            continue
        if handling_side is None:
            handling_side = is_handling_side(user, case)
        # A leader's (and a department account's) only actions are the handling side's, for their own cases.
        if (user.is_street_leader or user.is_department_staff or spec["who"] in SIDE_ACTORS) and not handling_side:
            continue
        if spec["who"] == Actor.DEPARTMENT and (not case.handling_department_id or case.referral_accepted_at):
            continue  # a referral not yet accepted: accept or refuse it
        if action == A.RETURN and user.is_department_staff:
            continue  # a department refuses (拒收) rather than returns
        if action == A.REQUEST_EXTENSION and (
            case.extension_requested or case.extensions_approved >= MAX_EXTENSIONS
            or (case.due_at is not None and clock.now() >= case.due_at)
        ):
            continue
        if action in (A.APPROVE_EXTENSION, A.DENY_EXTENSION) and not case.extension_requested:
            continue
        out.append(action)
    return out


class PhoneUnreadable(Exception):
    """The stored phone opens with none of the configured keys (a lost key): said so, never shown as empty."""


def case_reveal_phone(*, acting_user, case) -> str:
    """The full phone number, for bureau staff only (personal data under PIPL); every reveal is audited, one
    that cannot be decrypted as a failure."""
    if not acting_user.is_bureau_staff:
        raise CaseActionForbidden(_("无权查看完整电话号码"))
    try:
        phone = pii.decrypt(case.reporter_phone_encrypted)
    except pii.Undecryptable as exc:
        audit_record(actor=acting_user, action="case.reveal_phone", obj=case, outcome=AuditEntry.Outcome.FAILURE,
                     detail={"number": case.number, "reason": "undecryptable"})
        raise PhoneUnreadable(_("无法解密该电话号码：加密密钥已更换或丢失，请联系系统管理员（已记录）")) from exc
    audit_record(actor=acting_user, action="case.reveal_phone", obj=case, detail={"number": case.number})
    return phone


# ---------------------------------------------------------------------------------------------- deadlines


def warning_level_at(case, now) -> str:
    """green below 80 % of the step's limit, yellow from 80 % to 100 %, red past it (working time)."""
    if case.due_at is None:
        return WarningLevel.GREEN
    if now > case.due_at:
        return WarningLevel.RED
    limit = case.step_limit_seconds
    if not limit or not case.step_unit:
        return WarningLevel.GREEN
    remaining = working_seconds_between(now, case.due_at, case.step_unit)
    return WarningLevel.YELLOW if (limit - remaining) >= 0.8 * limit else WarningLevel.GREEN


def _responsible_users(case):
    """The leader(s) of the case's street for the brigade's step; bureau staff for the bureau's own steps
    (intake, dispatch) and for referrals, with the referred department's accounts."""
    from bureau.accounts.choices import Role
    from bureau.accounts.models import User
    from grids.models import StreetLeaderAssignment

    if case.status == S.DISPATCHED and case.handling_department_id is None:
        ids = StreetLeaderAssignment.objects.current().filter(street_id=case.street_id).values("user_id")
        return list(User.objects.filter(pk__in=ids, is_active=True))
    bureau = list(User.objects.filter(role=Role.BUREAU, is_active=True))
    if case.status == S.DISPATCHED:
        # a referral: the department's own accounts are warned too
        from ..models import DepartmentAccount

        ids = DepartmentAccount.objects.filter(department_id=case.handling_department_id).values("user_id")
        return bureau + list(User.objects.filter(pk__in=ids, is_active=True, role=Role.DEPARTMENT))
    return bureau


def _notify(case, level, now):
    from django.conf import settings
    from django.core.mail import send_mail

    from ..models import Notification

    label = WarningLevel(level).label
    message = _("案件 %(number)s（%(category)s）%(level)s：时限 %(due)s") % {
        "number": case.number, "category": case.category.name, "level": label,
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") if case.due_at else "-",
    }
    for user in _responsible_users(case):
        Notification.objects.get_or_create(user=user, case=case, level=level, created_at=now,
                                           defaults={"message": message[:255]})
        if getattr(settings, "CASE_WARNING_EMAIL", False) and user.email:
            transaction.on_commit(lambda u=user: send_mail(
                message[:120], message, None, [u.email], fail_silently=True))


def case_sweep_deadlines(*, now=None) -> dict:
    """Mark late steps overdue (sticky) and move warning levels; conditional UPDATEs, so a rerun or two
    sweeps at once change nothing twice. Resumes cases suspended for a year. Writes no case events."""
    from datetime import timedelta

    now = now or clock.now()
    overdue = Case.objects.with_timer().filter(due_at__lt=now, overdue=False).update(overdue=True)
    changed = {WarningLevel.YELLOW: 0, WarningLevel.RED: 0, WarningLevel.GREEN: 0}
    rows = Case.objects.with_timer().only(
        "id", "status", "due_at", "step_unit", "step_limit_seconds", "warning_level"
    )
    for case in rows.iterator(chunk_size=500):
        level = warning_level_at(case, now)
        if level == case.warning_level:
            continue
        with transaction.atomic():
            # Only if nobody moved the case meanwhile (same status and deadline) and the level still differs.
            n = Case.objects.filter(pk=case.pk, status=case.status, due_at=case.due_at).exclude(
                warning_level=level).update(warning_level=level)
            if n:
                changed[level] += 1
                if level in (WarningLevel.YELLOW, WarningLevel.RED):
                    _notify(Case.objects.select_related("category").get(pk=case.pk), level, now)
    resumed = 0
    for case_id in Case.objects.filter(status=S.SUSPENDED, suspended_at__lte=now - timedelta(days=365)).values_list(
            "pk", flat=True):
        try:
            with clock.frozen(now):
                case_transition(acting_user=None, case=case_id, action=A.RESUME, system=True,
                                note=_("挂账满一年，自动恢复"))
            resumed += 1
        except CaseStateConflict:
            pass
    if overdue or any(changed.values()):
        cases_changed()
    return {"overdue": overdue, "yellow": changed[WarningLevel.YELLOW], "red": changed[WarningLevel.RED],
            "green": changed[WarningLevel.GREEN], "resumed": resumed}
