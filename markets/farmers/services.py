"""Writes over farmers markets. Each service: keyword-only arguments, the acting user (checked for role and
scope), one transaction, full_clean() before save, an audit record."""
from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bureau import clock
from bureau.api.exceptions import Conflict
from bureau.audit.services import audit_record
from bureau.workcalendar.calendar import add_time_limit
from enforcement.choices import PartyKind
from enforcement.photos import photos_check, stripped_copy
from enforcement.services.parties import party_match_or_add

from ..pii import mask_phone, phone_hash
from .choices import COMPLAINT_LIMITS, ComplaintChannel, ComplaintStatus, MarketCheck, RepairStatus
from .models import (
    CleaningRound,
    CleaningSlot,
    FarmersMarket,
    ManagementStation,
    MarketComplaint,
    MarketInspection,
    MarketInspectionPhoto,
    MarketRepair,
    StationPost,
    VolunteerPoint,
)
from .permissions import may_manage, may_record

# The two daily rounds a new market owes unless told otherwise: after the morning trade, and at closing.
DEFAULT_SLOTS = ((_lazy("上午保洁"), time(11, 0), time(13, 0)), (_lazy("下午保洁"), time(17, 30), time(19, 30)))
# Phones' clocks drift: a time this far ahead of the server is still accepted.
CLOCK_SKEW_SECONDS = 600


class AlreadyDone(Conflict):
    default_detail = _lazy("该记录已处理，不能重复操作。")


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("您的角色不能执行此操作。"))


def _require_market(acting_user, market) -> FarmersMarket:
    """The market, locked, if the user's scope holds it; a market outside it is refused like a missing one."""
    found = FarmersMarket.objects.visible_to(acting_user).select_for_update().filter(pk=market.pk).first()
    if found is None:
        raise ValidationError({"market": [_("没有该市场，或不在您的辖区内。")]})
    return found


def _require_street(acting_user, street):
    from grids.models import Street

    if not Street.objects.visible_to(acting_user).filter(pk=street.pk).exists():
        raise ValidationError({"street": [_("没有该街道，或不在您的辖区内。")]})


def _not_future(value: datetime, field: str):
    if (value - clock.now()).total_seconds() > CLOCK_SKEW_SECONDS:
        raise ValidationError({field: [_("时间不能晚于当前时间。")]})


def _aware(value):
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# ---------------------------------------------------------------------------------------------- registers


@transaction.atomic
def station_create(*, acting_user, street, name, head="", phone="") -> ManagementStation:
    _require(may_manage(acting_user))
    _require_street(acting_user, street)
    station = ManagementStation(street=street, name=(name or "").strip(), head=(head or "").strip(),
                                phone=(phone or "").strip())
    station.full_clean()
    station.save()
    audit_record(actor=acting_user, action="market_station.create", obj=station, detail={"street": street.code})
    return station


@transaction.atomic
def station_post_add(*, acting_user, station, post, person, duty, starts, ends, market=None) -> StationPost:
    """A post of the station under 四定: the post, its person, duty and hours."""
    _require(may_manage(acting_user))
    if not ManagementStation.objects.visible_to(acting_user).filter(pk=station.pk).exists():
        raise ValidationError({"station": [_("没有该管理站，或不在您的辖区内。")]})
    if market is not None and market.station_id != station.pk:
        raise ValidationError({"market": [_("该市场不由此管理站管理。")]})
    row = StationPost(station=station, market=market, post=(post or "").strip(), person=(person or "").strip(),
                      duty=(duty or "").strip(), starts=starts, ends=ends)
    if starts is not None and ends is not None and ends <= starts:
        raise ValidationError({"ends": [_("下岗时间须晚于上岗时间。")]})
    row.full_clean()
    row.save()
    audit_record(actor=acting_user, action="market_station.post_add", obj=row, detail={"station": station.pk})
    return row


def _set_slots(market, slots):
    rows, seen = [], set()
    for name, starts, ends in slots:
        if starts is None or ends is None or ends <= starts:
            raise ValidationError({"slots": [_("保洁完成时限须晚于开始时间。")]})
        if starts in seen:
            raise ValidationError({"slots": [_("两个保洁时段的开始时间相同。")]})
        seen.add(starts)
        rows.append(CleaningSlot(market=market, name=str(name)[:32], starts=starts, ends=ends))
    CleaningSlot.objects.bulk_create(rows)


@transaction.atomic
def farmers_market_register(*, acting_user, street, name, address, lat, lng, operator_name="", grid=None,
                            station=None, stall_count=0, slots=DEFAULT_SLOTS) -> FarmersMarket:
    """A market with its operator (found in, or added to, the register of parties as an organisation) and its
    daily cleaning slots (two by default)."""
    _require(may_manage(acting_user))
    _require_street(acting_user, street)
    operator = None
    if (operator_name or "").strip():
        operator = party_match_or_add(acting_user=acting_user, name=operator_name, kind=PartyKind.ORGANISATION,
                                      address=address)
    market = FarmersMarket(street=street, grid=grid, name=(name or "").strip(), address=(address or "").strip(),
                           lat=lat, lng=lng, operator=operator, station=station, stall_count=stall_count,
                           registered_at=clock.now())
    market.full_clean()
    market.save()
    _set_slots(market, slots)
    audit_record(actor=acting_user, action="farmers_market.register", obj=market,
                 detail={"street": street.code, "operator": operator.pk if operator else None})
    return market


@transaction.atomic
def volunteer_point_add(*, acting_user, market, name, services, hours="", contact="") -> VolunteerPoint:
    _require(may_manage(acting_user))
    market = _require_market(acting_user, market)
    point = VolunteerPoint(market=market, name=(name or "").strip(), services=(services or "").strip(),
                           hours=(hours or "").strip(), contact=(contact or "").strip())
    point.full_clean()
    point.save()
    audit_record(actor=acting_user, action="farmers_market.volunteer_point", obj=point, detail={"market": market.pk})
    return point


# ---------------------------------------------------------------------------------------------- cleaning


@transaction.atomic
def cleaning_round_record(*, acting_user, slot, date, done_at=None, post=None, note="") -> CleaningRound:
    """A round of `slot` done on `date`; once per slot and day (409 for a second). A round recorded after the
    slot's time counts as late, not as done."""
    _require(may_record(acting_user))
    market = _require_market(acting_user, slot.market)
    done_at = _aware(done_at) or clock.now()
    _not_future(done_at, "done_at")
    if date > timezone.localdate(clock.now()):
        raise ValidationError({"date": [_("日期不能晚于今天。")]})
    if timezone.localtime(done_at).date() < date:
        raise ValidationError({"done_at": [_("完成时间早于保洁日期。")]})
    if post is not None and post.station_id != market.station_id:
        raise ValidationError({"post": [_("该岗位不属于本市场的管理站。")]})
    row = CleaningRound(market=market, slot=slot, date=date, done_at=done_at, post=post, note=(note or "").strip(),
                        recorded_by=acting_user, recorded_at=clock.now())
    row.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise AlreadyDone(_("该时段当天已有保洁记录。")) from None
    audit_record(actor=acting_user, action="farmers_market.cleaning_round", obj=row,
                 detail={"market": market.pk, "slot": slot.pk, "date": date.isoformat(), "late": row.late})
    return row


# ---------------------------------------------------------------------------------------------- inspections


def _check_checklist(checklist) -> dict:
    if not isinstance(checklist, dict) or not checklist:
        raise ValidationError({"checklist": [_("请逐项填写检查结果。")]})
    unknown = set(checklist) - set(MarketCheck.values)
    if unknown:
        raise ValidationError({"checklist": [_("未知的检查项：%(codes)s") % {"codes": "、".join(sorted(map(str, unknown)))}]})
    if not all(isinstance(v, bool) for v in checklist.values()):
        raise ValidationError({"checklist": [_("检查结果只能是 true 或 false。")]})
    missing = [str(MarketCheck(c).label) for c in MarketCheck.values if c not in checklist]
    if missing:
        raise ValidationError({"checklist": [_("以下检查项未填写：%(names)s") % {"names": "、".join(missing)}]})
    return {c: checklist[c] for c in MarketCheck.values}


def market_inspection_record(*, acting_user, market, checklist, inspected_at=None, note="",
                             photos=()) -> MarketInspection:
    """An inspection with the whole checklist and its photos (checked like case photos: count, type, size,
    pixels; decoded before the transaction begins, so no lock is held meanwhile)."""
    checked = photos_check(photos)
    return _inspection_save(acting_user=acting_user, market=market, checklist=checklist, inspected_at=inspected_at,
                            note=note, photos=checked)


@transaction.atomic
def _inspection_save(*, acting_user, market, checklist, inspected_at, note, photos):
    _require(may_record(acting_user))
    market = _require_market(acting_user, market)
    checklist = _check_checklist(checklist)
    inspected_at = _aware(inspected_at) or clock.now()
    _not_future(inspected_at, "inspected_at")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": [_("最多 %(n)d 个字") % {"n": 2000}]})
    now = clock.now()
    inspection = MarketInspection(market=market, inspector=acting_user, inspected_at=inspected_at,
                                  date=timezone.localdate(inspected_at), checklist=checklist,
                                  failed_count=sum(1 for ok in checklist.values() if not ok), note=note,
                                  recorded_at=now)
    inspection.full_clean()
    inspection.save()
    for photo in photos:
        row = MarketInspectionPhoto(inspection=inspection, sha256=photo.sha256, content_type=photo.content_type,
                                    size=photo.size, uploaded_at=now)
        row.file.save(photo.name, ContentFile(photo.content), save=False)
        row.display_file.save(photo.name, ContentFile(photo.display or stripped_copy(photo)), save=False)
        row.save()
    audit_record(actor=acting_user, action="farmers_market.inspection", obj=inspection,
                 detail={"market": market.pk, "failed": inspection.failed_count, "photos": len(photos)})
    return inspection


# ---------------------------------------------------------------------------------------------- complaints


def complaint_deadline(kind, received_at):
    """The handling deadline of a complaint of `kind` received at `received_at`: its limit on the work calendar
    (working hours and days, holidays and 调休 workdays as the calendar says)."""
    amount, unit = COMPLAINT_LIMITS[kind]
    return add_time_limit(received_at, amount, unit)


@transaction.atomic
def market_complaint_receive(*, acting_user, market, kind, content, channel=ComplaintChannel.ON_SITE,
                             complainant="", phone="", received_at=None) -> MarketComplaint:
    _require(may_record(acting_user))
    market = _require_market(acting_user, market)
    received_at = _aware(received_at) or clock.now()
    _not_future(received_at, "received_at")
    if kind not in COMPLAINT_LIMITS:
        raise ValidationError({"kind": [_("未知的投诉类型。")]})
    complaint = MarketComplaint(
        market=market, kind=kind, channel=channel, content=(content or "").strip(),
        complainant=(complainant or "").strip(), phone_masked=mask_phone(phone), phone_hash=phone_hash(phone),
        received_at=received_at, due_at=complaint_deadline(kind, received_at), recorded_by=acting_user,
    )
    complaint.full_clean()
    complaint.save()
    audit_record(actor=acting_user, action="farmers_market.complaint", obj=complaint,
                 detail={"market": market.pk, "kind": kind, "due_at": complaint.due_at.isoformat()})
    return complaint


@transaction.atomic
def market_complaint_handle(*, acting_user, complaint, reply) -> MarketComplaint:
    """The station's answer to a complaint: once (409 for a second)."""
    _require(may_manage(acting_user))
    complaint = MarketComplaint.objects.visible_to(acting_user).select_for_update().get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.OPEN:
        raise AlreadyDone()
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": [_("请填写处理结果。")]})
    complaint.status, complaint.handled_at, complaint.handled_by = ComplaintStatus.HANDLED, clock.now(), acting_user
    complaint.reply = reply
    complaint.full_clean()
    complaint.save(update_fields=["status", "handled_at", "handled_by", "reply"])
    audit_record(actor=acting_user, action="farmers_market.complaint_handle", obj=complaint,
                 detail={"overdue": complaint.is_overdue(complaint.handled_at)})
    return complaint


# ---------------------------------------------------------------------------------------------- repairs


@transaction.atomic
def market_repair_report(*, acting_user, market, facility, description, reported_on=None) -> MarketRepair:
    _require(may_record(acting_user))
    market = _require_market(acting_user, market)
    today = timezone.localdate(clock.now())
    reported_on = reported_on or today
    if reported_on > today:
        raise ValidationError({"reported_on": [_("日期不能晚于今天。")]})
    repair = MarketRepair(market=market, facility=(facility or "").strip(), description=(description or "").strip(),
                          reported_on=reported_on, reported_by=acting_user)
    repair.full_clean()
    repair.save()
    audit_record(actor=acting_user, action="farmers_market.repair_report", obj=repair, detail={"market": market.pk})
    return repair


@transaction.atomic
def market_repair_fix(*, acting_user, repair, fixed_on=None, note="") -> MarketRepair:
    _require(may_manage(acting_user))
    repair = MarketRepair.objects.visible_to(acting_user).select_for_update().get(pk=repair.pk)
    if repair.status != RepairStatus.REPORTED:
        raise AlreadyDone()
    today = timezone.localdate(clock.now())
    fixed_on = fixed_on or today
    if fixed_on > today:
        raise ValidationError({"fixed_on": [_("日期不能晚于今天。")]})
    if fixed_on < repair.reported_on:
        raise ValidationError({"fixed_on": [_("修复日期不能早于报修日期。")]})
    repair.status, repair.fixed_on, repair.fixed_note, repair.fixed_by = (RepairStatus.FIXED, fixed_on,
                                                                          (note or "").strip(), acting_user)
    repair.full_clean()
    repair.save(update_fields=["status", "fixed_on", "fixed_note", "fixed_by"])
    audit_record(actor=acting_user, action="farmers_market.repair_fix", obj=repair,
                 detail={"fixed_on": fixed_on.isoformat()})
    return repair
