"""Writes over street commerce. Each service: keyword-only arguments, the acting user, one transaction,
full_clean() before save, an audit record. Plain phone and ID numbers enter here and leave as mask + hash."""
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bureau import clock
from bureau.accounts.models import User
from bureau.api.exceptions import Conflict
from bureau.audit.services import audit_record
from enforcement.choices import PartyKind
from enforcement.services.parties import party_match_or_add

from . import workflow
from .choices import (
    AD_TRANSITIONS,
    AD_WARNING_DAYS,
    DEFAULT_HALF_WIDTH_M,
    PERMIT_DEFAULT_DAYS,
    AdKind,
    AdStatus,
    FrontageKind,
    NightSnackRule,
    NoticeKind,
    PermitApplicant,
    PermitStatus,
    Trade,
    VendorKind,
    ZoneKind,
)
from .models import (
    AdTarget,
    FrontageAgreement,
    MarketNotice,
    OutdoorAd,
    Shop,
    ShopCommitment,
    StallPermit,
    StallPermitEvent,
    Vendor,
    VendorCaseLink,
    VendorSlot,
    VendorZone,
    VendorZoneWindow,
)
from .pii import id_hashes, mask_id, mask_phone, phone_hash, phone_hashes
from .querysets import IN_FORCE


class PermitStateConflict(Conflict):
    default_detail = _lazy("该摊位许可当前状态下不能执行此操作。")


class SlotTaken(Conflict):
    default_detail = _lazy("该摊位在此期间已有许可。")


def _today():
    return timezone.localdate(clock.now())


def _apply(obj, changes: dict, editable: set) -> list[str]:
    """Set the editable fields named in `changes` on `obj` (locked by the caller); the names of those whose
    value differs. Any other field is refused: identity and history fields change through their own
    services, or not at all."""
    unknown = set(changes) - editable
    if unknown:
        raise ValidationError({k: _("不能修改此字段。") for k in sorted(unknown)})
    changed = []
    for key, value in changes.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.append(key)
    return changed


def _user(acting_user):
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _every_day(opens_at, closes_at) -> list[dict]:
    return [{"weekday": d, "opens": opens_at, "closes": closes_at} for d in range(1, 8)]


def _set_windows(zone, windows) -> None:
    """Replace the zone's windows with `windows` ([{weekday, opens, closes}]), each checked."""
    rows, seen = [], set()
    for i, w in enumerate(windows):
        row = VendorZoneWindow(zone=zone, weekday=w["weekday"], opens=w["opens"], closes=w["closes"])
        try:
            row.full_clean(exclude=["zone"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError({"windows": [f"{i + 1}: {m}" for m in exc.messages]}) from None
        if (row.weekday, row.opens) in seen:
            raise ValidationError({"windows": [_("同一天有两个相同开始时间的时段。")]})
        seen.add((row.weekday, row.opens))
        rows.append(row)
    zone.windows.all().delete()
    VendorZoneWindow.objects.bulk_create(rows)


def _zone_changed():
    from . import zoneindex

    zoneindex.invalidate()


@transaction.atomic
def vendor_zone_create(*, acting_user, street, kind, name, windows=None, opens_at=None, closes_at=None, road="",
                       geometry=None, half_width_m=DEFAULT_HALF_WIDTH_M, valid_from=None, valid_to=None, trades="",
                       allowed_trades=(), responsible_person="", complaint_phone="", capacity=0, slots=0,
                       is_active=True) -> VendorZone:
    """A zone with its windows (`windows`, or `opens_at`-`closes_at` every day) and `slots` numbered stalls
    (01, 02 ...)."""
    if windows is None:
        if opens_at is None or closes_at is None:
            raise ValidationError({"windows": [_("请填写营业时段。")]})
        windows = _every_day(opens_at, closes_at)
    zone = VendorZone(
        street=street, kind=kind, name=name, road=road, geometry=geometry, half_width_m=half_width_m,
        valid_from=valid_from, valid_to=valid_to, trades=trades, allowed_trades=list(allowed_trades),
        responsible_person=responsible_person, complaint_phone=complaint_phone.strip(),
        capacity=max(capacity, slots), is_active=is_active,
    )
    zone.full_clean()
    zone.save()
    _set_windows(zone, windows)
    for n in range(1, slots + 1):
        VendorSlot.objects.create(zone=zone, number=f"{n:02d}")
    _zone_changed()
    audit_record(actor=acting_user, action="vendor_zone.create", obj=zone,
                 detail={"street": street.code, "kind": kind, "windows": len(windows), "slots": slots})
    return zone


ZONE_EDITABLE = {"street", "kind", "name", "road", "geometry", "half_width_m", "valid_from", "valid_to", "trades",
                 "allowed_trades", "responsible_person", "complaint_phone", "capacity", "is_active"}


@transaction.atomic
def vendor_zone_update(*, acting_user, zone, windows=None, **changes) -> VendorZone:
    """Change a zone's fields; `windows`, when given, replace its opening windows."""
    zone = VendorZone.objects.select_for_update().get(pk=zone.pk)
    changed = _apply(zone, changes, ZONE_EDITABLE)
    zone.full_clean()
    zone.save()
    if windows is not None:
        _set_windows(zone, windows)
        changed.append("windows")
    _zone_changed()
    audit_record(actor=acting_user, action="vendor_zone.change", obj=zone, detail={"fields": changed})
    return zone


@transaction.atomic
def vendor_slot_create(*, acting_user, zone, number, length_m=None, width_m=None) -> VendorSlot:
    slot = VendorSlot(zone=zone, number=str(number).strip(), length_m=length_m, width_m=width_m)
    slot.full_clean()
    slot.save()
    audit_record(actor=acting_user, action="vendor_slot.create", obj=slot, detail={"zone": zone.pk})
    return slot


def _check_trades(trades):
    unknown = set(trades) - set(Trade.values)
    if unknown:
        raise ValidationError({"trades": [_("未知的经营品类：%(codes)s") % {"codes": "、".join(sorted(unknown))}]})


@transaction.atomic
def vendor_register(*, acting_user, name, phone="", id_number="", kind=VendorKind.PERSON, licence_number="",
                    trades=(), photo=None) -> Vendor:
    """The vendor with this ID number or phone if already known (district-wide), else a new one.

    A vendor is recognised under any configured hash key (PII_HASH_KEY, newest first); one found under an
    older key gets its hashes made again under the current key, since the number is at hand only now."""
    _check_trades(trades)
    p_hashes, i_hashes = phone_hashes(phone), id_hashes(id_number)
    p_hash, i_hash = (p_hashes or [""])[0], (i_hashes or [""])[0]
    vendor = None
    if i_hashes:
        vendor = Vendor.objects.select_for_update().filter(id_number_hash__in=i_hashes).order_by("pk").first()
    if vendor is None and p_hashes:
        vendor = Vendor.objects.select_for_update().filter(phone_hash__in=p_hashes).order_by("pk").first()
    if vendor is not None:
        changed = []
        if i_hash and vendor.id_number_hash != i_hash and (not vendor.id_number_hash or vendor.id_number_hash in i_hashes):
            vendor.id_number_hash, vendor.id_number_masked = i_hash, mask_id(id_number)
            changed += ["id_number_hash", "id_number_masked"]
        if p_hash and vendor.phone_hash != p_hash and (not vendor.phone_hash or vendor.phone_hash in p_hashes):
            vendor.phone_hash, vendor.phone_masked = p_hash, mask_phone(phone)
            changed += ["phone_hash", "phone_masked"]
        new_trades = [t for t in trades if t not in vendor.trades]
        if new_trades:
            vendor.trades = [*vendor.trades, *new_trades]
            changed.append("trades")
        if photo:
            vendor.photo = photo
            changed.append("photo")
        if changed:
            vendor.full_clean()
            vendor.save(update_fields=changed)
            audit_record(actor=acting_user, action="vendor.update", obj=vendor, detail={"fields": changed})
        if vendor.party_id is None:  # registered before parties existed
            vendor.party = party_match_or_add(acting_user=acting_user, name=vendor.name, id_number=id_number,
                                              phone=phone)
            vendor.save(update_fields=["party"])
        return vendor
    party = party_match_or_add(acting_user=acting_user, name=name, id_number=id_number, phone=phone)
    vendor = Vendor(name=name, kind=kind, licence_number=licence_number, trades=list(trades),
                    phone_masked=mask_phone(phone), phone_hash=p_hash, party=party, id_number_masked=mask_id(id_number),
                    id_number_hash=i_hash, created_at=clock.now())
    if photo:
        vendor.photo = photo
    vendor.full_clean()
    vendor.save()
    audit_record(actor=acting_user, action="vendor.register", obj=vendor, detail={"kind": kind})
    return vendor


# --- stall permits ---------------------------------------------------------------------------------

def _authorise(acting_user, action):
    if not workflow.may(acting_user, action):
        raise PermissionDenied(_("您无权执行此操作。"))


def _event(permit, action, from_status, *, acting_user, note=""):
    StallPermitEvent.objects.create(permit=permit, action=action, from_status=from_status or "",
                                    to_status=permit.status, actor=_user(acting_user), at=clock.now(),
                                    note=(note or "")[:255])
    audit_record(actor=acting_user, action=f"stall_permit.{action}", obj=permit,
                 detail={"from": from_status or "", "to": permit.status, "note": (note or "")[:255]})


def _locked(permit) -> StallPermit:
    return StallPermit.objects.select_for_update().select_related("zone", "slot").get(pk=permit.pk)


def _require_from(permit, action):
    if permit.status not in workflow.TRANSITIONS[action].sources:
        raise PermitStateConflict()


def _resolve_slot(zone, slot, stall_number, acting_user):
    if slot is not None:
        return slot
    if zone is None or not stall_number:
        raise ValidationError({"slot": [_("请选择摊位。")]})
    found = VendorSlot.objects.filter(zone=zone, number=stall_number).first()
    return found or vendor_slot_create(acting_user=acting_user, zone=zone, number=stall_number)


def _period(valid_from, valid_to):
    valid_from = valid_from or _today()
    return valid_from, valid_to or valid_from + timedelta(days=PERMIT_DEFAULT_DAYS - 1)


def _check_checklist(zone, checklist, *, complete: bool):
    checklist = dict(checklist or {})
    probe = StallPermit(checklist=checklist)
    unknown = set(checklist) - set(NightSnackRule.values)
    if unknown or not all(isinstance(v, bool) for v in checklist.values()):
        raise ValidationError({"checklist": [probe._meta.get_field("checklist").verbose_name + ": "
                                             + _("五统一要求的填写格式不正确。")]})
    if complete and zone.kind == ZoneKind.NIGHT_SNACK:
        missing = [NightSnackRule(c).label for c in NightSnackRule.values if not checklist.get(c)]
        if missing:
            raise ValidationError({"checklist": [_("夜宵摊点须落实五统一要求，尚未落实：%(items)s") % {
                "items": "、".join(str(m) for m in missing)}]})
    return checklist


def _grant(permit, *, today):
    """Put `permit` in force on its slot (locked by the caller): active from its first day, scheduled
    before it. No other approved permit of the slot may share a day with it."""
    overlapping = StallPermit.objects.filter(slot=permit.slot, status__in=IN_FORCE, valid_from__lte=permit.valid_to,
                                             valid_to__gte=permit.valid_from).exclude(pk=permit.pk)
    if overlapping.exists():
        raise SlotTaken()
    zone = permit.zone
    if not zone.is_active or not permit.slot.is_active:
        raise ValidationError({"zone": [_("该摊点区域已停用。")]})
    if zone.capacity:
        # other stalls of the zone taken during this permit's period
        taken = (StallPermit.objects.filter(zone=zone, status__in=IN_FORCE, valid_from__lte=permit.valid_to,
                                            valid_to__gte=permit.valid_from)
                 .exclude(slot=permit.slot).values("slot").distinct().count())
        if taken >= zone.capacity:
            raise ValidationError({"zone": [_("该摊点区域摊位已满。")]})
    permit.status = PermitStatus.ACTIVE if permit.valid_from <= today else PermitStatus.SCHEDULED
    try:
        with transaction.atomic():
            permit.save()
    except IntegrityError:
        # the partial unique indexes: another permit took the slot in between
        raise SlotTaken() from None


def _lock_slot(slot) -> VendorSlot:
    """Serialise every approval of a slot: the slot row is the lock."""
    return VendorSlot.objects.select_for_update().select_related("zone").get(pk=slot.pk)


@transaction.atomic
def stall_permit_apply(*, acting_user, vendor, slot, valid_from=None, valid_to=None,
                       applicant=PermitApplicant.STREET, note="") -> StallPermit:
    """An application for a stall, taken by the street from the vendor or on their behalf."""
    _authorise(acting_user, "apply")
    valid_from, valid_to = _period(valid_from, valid_to)
    zone = slot.zone
    if not zone.is_active or not slot.is_active:
        raise ValidationError({"slot": [_("该摊位已停用。")]})
    if zone.allowed_trades and vendor.trades and not set(zone.allowed_trades) & set(vendor.trades):
        raise ValidationError({"vendor": [_("该摊贩的经营品类不在本区域允许范围内。")]})
    permit = StallPermit(vendor=vendor, zone=zone, slot=slot, valid_from=valid_from, valid_to=valid_to,
                         status=PermitStatus.APPLIED, applicant=applicant, applied_at=clock.now())
    permit.full_clean()
    permit.save()
    _event(permit, "apply", "", acting_user=acting_user, note=note)
    return permit


@transaction.atomic
def stall_permit_review(*, acting_user, permit, note="", checklist=None) -> StallPermit:
    """The street has checked the application: on to the bureau."""
    _authorise(acting_user, "review")
    permit = _locked(permit)
    _require_from(permit, "review")
    from_status = permit.status
    if checklist is not None:
        permit.checklist = _check_checklist(permit.zone, checklist, complete=False)
    permit.status = PermitStatus.REVIEWED
    permit.full_clean()
    permit.save()
    _event(permit, "review", from_status, acting_user=acting_user, note=note)
    return permit


@transaction.atomic
def stall_permit_reject(*, acting_user, permit, reason) -> StallPermit:
    _authorise(acting_user, "reject")
    permit = _locked(permit)
    _require_from(permit, "reject")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写不予通过的原因。")]})
    from_status, permit.status = permit.status, PermitStatus.REJECTED
    permit.save(update_fields=["status"])
    _event(permit, "reject", from_status, acting_user=acting_user, note=reason.strip())
    return permit


@transaction.atomic
def stall_permit_approve(*, acting_user, permit, checklist=None, note="") -> StallPermit:
    """The bureau grants a reviewed application. A night-snack stall needs all five unified requirements
    checked. Approvals of one slot are serialised on the slot's row; the partial unique indexes hold if
    anything gets round that."""
    _authorise(acting_user, "approve")
    permit = StallPermit.objects.select_related("slot").get(pk=permit.pk)
    _lock_slot(permit.slot)
    permit = _locked(permit)
    _require_from(permit, "approve")
    from_status = permit.status
    permit.checklist = _check_checklist(permit.zone, permit.checklist if checklist is None else checklist,
                                        complete=True)
    permit.issued_by, permit.issued_at = _user(acting_user), clock.now()
    permit.full_clean()
    _grant(permit, today=_today())
    _event(permit, "approve", from_status, acting_user=acting_user, note=note)
    return permit


@transaction.atomic
def stall_permit_issue(*, acting_user, vendor, zone=None, slot=None, stall_number=None, valid_from=None,
                       valid_to=None, checklist=None) -> StallPermit:
    """Issue a permit directly (the bureau's admin, migrated paper permits): applied and approved at once."""
    _authorise(acting_user, "issue")
    slot = _lock_slot(_resolve_slot(zone, slot, stall_number, acting_user))
    valid_from, valid_to = _period(valid_from, valid_to)
    zone = slot.zone
    checklist = _check_checklist(zone, checklist if checklist is not None else (
        dict.fromkeys(NightSnackRule.values, True) if zone.kind == ZoneKind.NIGHT_SNACK else {}), complete=True)
    permit = StallPermit(vendor=vendor, zone=zone, slot=slot, valid_from=valid_from, valid_to=valid_to,
                         status=PermitStatus.APPLIED, checklist=checklist, applied_at=clock.now(),
                         issued_by=_user(acting_user), issued_at=clock.now())
    permit.full_clean()
    if StallPermit.objects.filter(slot=slot, status__in=IN_FORCE, valid_from__lte=valid_to,
                                  valid_to__gte=valid_from).exists():
        raise ValidationError({"stall_number": [_("该摊位已有有效许可。")]})
    _grant(permit, today=_today())
    _event(permit, "issue", "", acting_user=acting_user)
    return permit


@transaction.atomic
def stall_permit_revoke(*, acting_user, permit, reason) -> StallPermit:
    _authorise(acting_user, "revoke")
    permit = _locked(permit)
    _require_from(permit, "revoke")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写吊销原因。")]})
    from_status = permit.status
    permit.status, permit.revoked_at, permit.revoke_reason = PermitStatus.REVOKED, clock.now(), reason.strip()
    permit.full_clean()
    permit.save(update_fields=["status", "revoked_at", "revoke_reason"])
    _event(permit, "revoke", from_status, acting_user=acting_user, note=permit.revoke_reason)
    return permit


@transaction.atomic
def stall_permit_renew(*, acting_user, permit, valid_to=None) -> StallPermit:
    """A new period for the same vendor and stall, from the day after this permit ends: the old permit stays
    in force to its last day and the new one follows it (scheduled until then), so no day is uncovered."""
    _authorise(acting_user, "renew")
    permit = StallPermit.objects.select_related("slot").get(pk=permit.pk)
    _lock_slot(permit.slot)
    permit = _locked(permit)
    _require_from(permit, "renew")
    if StallPermit.objects.filter(renewal_of=permit).exists():
        raise PermitStateConflict(_("该摊位许可已续期。"))
    today = _today()
    if permit.valid_to < today:
        # past its last day but not yet ended by the daily job: it cannot be followed without a gap
        raise PermitStateConflict(_("该摊位许可已过期，请重新申请。"))
    start = permit.valid_to + timedelta(days=1)
    renewal = StallPermit(vendor=permit.vendor, zone=permit.zone, slot=permit.slot, valid_from=start,
                          valid_to=valid_to or start + timedelta(days=PERMIT_DEFAULT_DAYS - 1),
                          status=PermitStatus.APPLIED, applicant=permit.applicant, checklist=permit.checklist,
                          renewal_of=permit, applied_at=clock.now(), issued_by=_user(acting_user),
                          issued_at=clock.now())
    renewal.full_clean()
    _grant(renewal, today=today)
    _event(renewal, "renew", "", acting_user=acting_user, note=str(permit.pk))
    audit_record(actor=acting_user, action="stall_permit.renewed", obj=permit, detail={"renewal": renewal.pk})
    return renewal


@transaction.atomic
def stall_permit_expire_lapsed(*, acting_user=None, today=None) -> int:
    """End the permits past their last day, then switch on the renewals whose first day has come (in that
    order: the old permit leaves the slot before its successor takes it). Idempotent."""
    today = today or _today()
    n = 0
    for permit in StallPermit.objects.filter(status__in=IN_FORCE, valid_to__lt=today).select_for_update():
        from_status, permit.status = permit.status, PermitStatus.EXPIRED
        permit.save(update_fields=["status"])
        _event(permit, "expire", from_status, acting_user=acting_user)
        _notify_street(permit.zone.street_id, NoticeKind.PERMIT_LAPSED, f"permit:{permit.pk}",
                       _("摊位许可已过期：%(zone)s %(stall)s号（%(vendor)s），有效期至 %(to)s") % {
                           "zone": permit.zone.name, "stall": permit.slot.number, "vendor": permit.vendor.name,
                           "to": permit.valid_to.isoformat()})
        n += 1
    for permit in StallPermit.objects.starting(today).select_for_update():
        from_status, permit.status = permit.status, PermitStatus.ACTIVE
        permit.save(update_fields=["status"])
        _event(permit, "start", from_status, acting_user=acting_user)
    return n


def _street_recipients(street_id):
    from grids.models import StreetLeaderAssignment

    ids = StreetLeaderAssignment.objects.current().filter(street_id=street_id).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _notify_street(street_id, kind, subject_key, message):
    now = clock.now()
    for user in _street_recipients(street_id):
        MarketNotice.objects.get_or_create(user=user, kind=kind, subject_key=subject_key,
                                           defaults={"message": message[:255], "created_at": now})


@transaction.atomic
def stall_permit_warn_expiring(*, today=None) -> int:
    """An inbox message to the street's leaders for each active, unrenewed permit ending within
    PERMIT_WARNING_DAYS; once per permit (a rerun sends nothing new). The number of permits warned of."""
    today = today or _today()
    n = 0
    for permit in StallPermit.objects.expiring(today).select_related("zone", "slot", "vendor"):
        _notify_street(permit.zone.street_id, NoticeKind.PERMIT_EXPIRING, f"permit:{permit.pk}",
                       _("摊位许可将于 %(to)s 到期：%(zone)s %(stall)s号（%(vendor)s），请及时办理续期") % {
                           "zone": permit.zone.name, "stall": permit.slot.number, "vendor": permit.vendor.name,
                           "to": permit.valid_to.isoformat()})
        n += 1
    return n


@transaction.atomic
def vendor_link_case(*, acting_user, vendor, case, note="") -> VendorCaseLink:
    """Attribute a case to a vendor; linking the same pair again returns the existing link."""
    existing = VendorCaseLink.objects.filter(vendor=vendor, case=case).first()
    if existing is not None:
        return existing
    link = VendorCaseLink(vendor=vendor, case=case, note=note, linked_at=clock.now(),
                          linked_by=acting_user if getattr(acting_user, "is_authenticated", False) else None)
    link.full_clean()
    link.save()
    audit_record(actor=acting_user, action="vendor.link_case", obj=link,
                 detail={"vendor": vendor.pk, "case": case.number})
    return link


def _vendor_by_ref(ref) -> Vendor:
    vendor = None
    if isinstance(ref, int) and not isinstance(ref, bool) and ref > 0:
        vendor = Vendor.objects.select_related("party").filter(pk=ref).first()
    if vendor is None:
        raise ValidationError({"vendor": [_("没有该摊贩。")]})
    return vendor


@transaction.atomic
def vendor_party(ref, acting_user):
    """The register-of-parties entry of vendor `ref` (an id, district-wide: a vendor met in one street is the same
    party in the next), added for a vendor registered before parties existed. Enforcement's party source
    "vendor" (registered in MarketsConfig.ready())."""
    vendor = _vendor_by_ref(ref)
    if vendor.party_id is None:
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        if vendor.party_id is None:
            vendor.party = party_match_or_add(acting_user=acting_user, name=vendor.name)
            vendor.save(update_fields=["party"])
    return vendor.party


def vendor_case_reported(ref, case, acting_user) -> None:
    """A case reported against vendor `ref` (a patrol finding): kept on the vendor's trail of cases too."""
    vendor_link_case(acting_user=acting_user, vendor=_vendor_by_ref(ref), case=case, note=_("巡查发现"))


# --- shops, frontage agreements, commitment letters ------------------------------------------------

def _check_point(lat, lng, *, in_district=False):
    """A whole point (both or neither), in range; with `in_district`, inside one of the district's grid cells
    (found as cases' points are, by grids' locate)."""
    if (lat is None) != (lng is None):
        raise ValidationError({"lat": [_("经纬度须同时填写。")]})
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError({"lat": [_("经纬度超出范围。")]})
    if in_district and lat is not None:
        from grids.geometry import locate

        if locate(lat, lng) is None:
            raise ValidationError({"lat": [_("该点不在本区任何单元网格内。")]})


@transaction.atomic
def shop_register(*, acting_user, name, address, street, grid=None, licence_number="", lat=None,
                  lng=None) -> Shop:
    """A shop in a street (and, when known, its grid cell and point); its operator joins the register of
    parties, so cases naming the shop count against it."""
    if grid is not None and grid.street_id != street.pk:
        raise ValidationError({"grid": [_("单元网格不在该街道内。")]})
    _check_point(lat, lng)
    party = party_match_or_add(acting_user=acting_user, name=name, kind=PartyKind.ORGANISATION, address=address)
    shop = Shop(name=name, address=address, street=street, grid=grid, party=party,
                licence_number=(licence_number or "").strip(), lat=lat, lng=lng)
    shop.full_clean()
    shop.save()
    audit_record(actor=acting_user, action="shop.register", obj=shop, detail={"street": street.code})
    return shop


SHOP_EDITABLE = {"name", "address", "street", "grid", "is_active", "licence_number", "lat", "lng"}


@transaction.atomic
def shop_update(*, acting_user, shop, **changes) -> Shop:
    """Change a shop's name, address, licence number, street, grid cell, point or whether it trades; the cell
    must be in the street."""
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    changed = _apply(shop, changes, SHOP_EDITABLE)
    if shop.grid is not None and shop.grid.street_id != shop.street_id:
        raise ValidationError({"grid": [_("单元网格不在该街道内。")]})
    _check_point(shop.lat, shop.lng)
    shop.full_clean()
    shop.save()
    audit_record(actor=acting_user, action="shop.change", obj=shop, detail={"fields": changed})
    return shop


@transaction.atomic
def frontage_agreement_sign(*, acting_user, shop, signed_on, signer_name, signer_phone="",
                            kind=FrontageKind.FIVE) -> FrontageAgreement:
    """Record a signed agreement of `kind` (三包 or 五包) as the shop's next version of it; the earlier
    versions stay, unchanged, as its history. Versions of a shop are numbered under the shop's row lock."""
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    if kind not in FrontageKind.values:
        raise ValidationError({"kind": [_("未知的责任书类型。")]})
    if signed_on > _today():
        raise ValidationError({"signed_on": [_("签订日期不能晚于今天。")]})
    if not (signer_name or "").strip():
        raise ValidationError({"signer_name": [_("请填写签订人。")]})
    latest = FrontageAgreement.objects.filter(shop=shop, kind=kind).order_by("-version").first()
    if latest is not None and signed_on < latest.signed_on:
        raise ValidationError({"signed_on": [_("签订日期不能早于上一版本（%(date)s）。") % {
            "date": latest.signed_on.isoformat()}]})
    agreement = FrontageAgreement(
        shop=shop, kind=kind, version=(latest.version + 1) if latest else 1, signed_on=signed_on,
        signer_name=signer_name.strip(), signer_phone_masked=mask_phone(signer_phone),
        signer_phone_hash=phone_hash(signer_phone), recorded_by=_user(acting_user), recorded_at=clock.now(),
    )
    agreement.full_clean()
    agreement.save()
    audit_record(actor=acting_user, action="frontage_agreement.sign", obj=agreement,
                 detail={"shop": shop.pk, "kind": kind, "version": agreement.version,
                         "replaces": latest.pk if latest else None})
    return agreement


def shop_commitment_record(*, acting_user, shop, signed_on, signer_name, scan) -> ShopCommitment:
    """Record the shop's signed commitment letter (承诺书) with the scan of the signed page. The scan is checked
    (and its metadata stripped) before the transaction, as case photos are; a letter signed again is a new
    row, the earlier ones stay."""
    from enforcement.photos import photo_check

    try:
        photo = photo_check(scan) if scan else None
    except ValidationError as exc:
        raise ValidationError({"scan": exc.message_dict.get("photos", exc.messages)}) from None
    if photo is None:
        raise ValidationError({"scan": [_("请上传承诺书扫描件。")]})
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=shop.pk)
        if signed_on > _today():
            raise ValidationError({"signed_on": [_("签订日期不能晚于今天。")]})
        if not (signer_name or "").strip():
            raise ValidationError({"signer_name": [_("请填写签订人。")]})
        extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[photo.content_type]
        letter = ShopCommitment(shop=shop, signed_on=signed_on, signer_name=signer_name.strip(),
                                scan_sha256=photo.sha256, recorded_by=_user(acting_user), recorded_at=clock.now())
        letter.scan.save(f"{photo.sha256[:16]}.{extension}", ContentFile(photo.display or photo.content), save=False)
        letter.full_clean()
        letter.save()
        audit_record(actor=acting_user, action="shop_commitment.record", obj=letter,
                     detail={"shop": shop.pk, "signed_on": signed_on.isoformat()})
        return letter


# --- outdoor ads ------------------------------------------------------------------------------------

class AdStateConflict(Conflict):
    default_detail = _lazy("该广告当前状态下不能执行此操作。")


def ad_status_for(approval_number, approved_until, today) -> str:
    """What an ad's approval says on `today`: none, approved, expiring (within AD_WARNING_DAYS) or expired."""
    if not approval_number:
        return AdStatus.NO_APPROVAL
    if approved_until is None:
        return AdStatus.APPROVED
    if approved_until < today:
        return AdStatus.EXPIRED
    if approved_until <= today + timedelta(days=AD_WARNING_DAYS):
        return AdStatus.EXPIRING
    return AdStatus.APPROVED


def _check_approval(approval_number, approved_from, approved_until):
    if (approved_until is not None or approved_from is not None) and not approval_number:
        raise ValidationError({"approval_number": [_("有审批有效期时必须填写审批文号。")]})
    if approved_from and approved_until and approved_until < approved_from:
        raise ValidationError({"approved_until": [_("审批有效期至不能早于有效期起。")]})


def _ad_move(ad, to, *, acting_user, reason="", action="outdoor_ad.status"):
    """Move a locked ad to `to` along AD_TRANSITIONS (removed is final), audited."""
    if ad.status == to:
        return ad
    if to not in AD_TRANSITIONS[AdStatus(ad.status)]:
        raise AdStateConflict(_("该广告已拆除，状态不能再改变。") if ad.status == AdStatus.REMOVED else
                              _("广告状态不能从「%(from)s」改为「%(to)s」。") % {
                                  "from": AdStatus(ad.status).label, "to": AdStatus(to).label})
    old, ad.status = ad.status, to
    ad.full_clean()
    ad.save(update_fields=["status"])
    audit_record(actor=acting_user, action=action, obj=ad, detail={"from": old, "to": to, "reason": reason[:255]},
                 username="" if acting_user else "system")
    return ad


@transaction.atomic
def outdoor_ad_register(*, acting_user, owner, location, street, kind=AdKind.AD, approval_number="",
                        approved_from=None, approved_until=None, hazard=False, area_m2=None, lat=None,
                        lng=None) -> OutdoorAd:
    """An ad or sign as found (and, when known, where it stands: a point inside the district); its status
    follows its approval (or hazard, when found so)."""
    approval_number = (approval_number or "").strip()
    _check_approval(approval_number, approved_from, approved_until)
    _check_point(lat, lng, in_district=True)
    status = AdStatus.HAZARD if hazard else ad_status_for(approval_number, approved_until, _today())
    ad = OutdoorAd(owner=owner, location=location, street=street, kind=kind, approval_number=approval_number,
                   approved_from=approved_from, approved_until=approved_until, status=status, area_m2=area_m2,
                   registered_at=clock.now(), lat=lat, lng=lng)
    ad.full_clean()
    ad.save()
    audit_record(actor=acting_user, action="outdoor_ad.register", obj=ad,
                 detail={"street": street.code, "status": status})
    return ad


AD_EDITABLE = {"owner", "location", "street", "kind", "area_m2", "lat", "lng"}


@transaction.atomic
def outdoor_ad_update(*, acting_user, ad, **changes) -> OutdoorAd:
    """Change an ad's description (owner, location, street, kind, area, point). Its approval changes by
    `outdoor_ad_approve` and its status by `outdoor_ad_set_status`; a removed ad is not changed at all."""
    ad = OutdoorAd.objects.select_for_update().get(pk=ad.pk)
    if ad.status == AdStatus.REMOVED:
        raise AdStateConflict(_("该广告已拆除，不能修改。"))
    changed = _apply(ad, changes, AD_EDITABLE)
    _check_point(ad.lat, ad.lng, in_district=True)
    ad.full_clean()
    ad.save()
    audit_record(actor=acting_user, action="outdoor_ad.change", obj=ad, detail={"fields": changed})
    return ad


@transaction.atomic
def outdoor_ad_approve(*, acting_user, ad, approval_number, approved_from=None, approved_until=None) -> OutdoorAd:
    """Record the ad's approval (a new one, or a renewal): its status becomes what the period says today
    (a hazard stays a hazard until dealt with)."""
    ad = OutdoorAd.objects.select_for_update().get(pk=ad.pk)
    approval_number = (approval_number or "").strip()
    if not approval_number:
        raise ValidationError({"approval_number": [_("请填写审批文号。")]})
    _check_approval(approval_number, approved_from, approved_until)
    if ad.status == AdStatus.REMOVED:
        raise AdStateConflict(_("该广告已拆除，状态不能再改变。"))
    ad.approval_number, ad.approved_from, ad.approved_until = approval_number, approved_from, approved_until
    ad.full_clean()
    ad.save(update_fields=["approval_number", "approved_from", "approved_until"])
    audit_record(actor=acting_user, action="outdoor_ad.approve", obj=ad,
                 detail={"approval_number": approval_number, "from": str(approved_from or ""),
                         "until": str(approved_until or "")})
    if ad.status != AdStatus.HAZARD:
        _ad_move(ad, ad_status_for(approval_number, approved_until, _today()), acting_user=acting_user,
                 reason=approval_number)
    return ad


@transaction.atomic
def outdoor_ad_set_status(*, acting_user, ad, status, reason="") -> OutdoorAd:
    """A hazard found (`hazard`), a hazard dealt with (back to what the approval says: pass that status, or
    `approved`), or the ad taken down (`removed`, final). The dates-driven statuses are the job's."""
    ad = OutdoorAd.objects.select_for_update().get(pk=ad.pk)
    if ad.status == AdStatus.REMOVED:
        raise AdStateConflict(_("该广告已拆除，状态不能再改变。"))
    if status not in AdStatus.values:
        raise ValidationError({"status": [_("未知的状态。")]})
    if status not in (AdStatus.HAZARD, AdStatus.REMOVED):
        # only a hazard is cleared by hand; the rest follows the approval
        if ad.status != AdStatus.HAZARD:
            raise AdStateConflict(_("广告状态由审批有效期决定；请登记审批。"))
        status = ad_status_for(ad.approval_number, ad.approved_until, _today())
    return _ad_move(ad, status, acting_user=acting_user, reason=reason or "")


@transaction.atomic
def outdoor_ad_expire_due(*, acting_user=None, today=None) -> dict:
    """The daily job: approved ads within AD_WARNING_DAYS of their approval's end become expiring, and those past
    it expired, on their day; the street's leaders get one inbox message per ad and step (a rerun sends nothing
    new). Ads whose removal order's follow-up found it complied with become removed. Idempotent."""
    today = today or _today()
    moved = {AdStatus.EXPIRING: 0, AdStatus.EXPIRED: 0, AdStatus.REMOVED: 0}
    for ad in OutdoorAd.objects.due_to_move(today).select_for_update().select_related("street"):
        to = ad_status_for(ad.approval_number, ad.approved_until, today)
        if to not in (AdStatus.EXPIRING, AdStatus.EXPIRED):
            continue
        _ad_move(ad, to, acting_user=acting_user, reason=today.isoformat(), action="outdoor_ad.expire")
        kind, text = ((NoticeKind.AD_EXPIRING, _("户外广告审批将于 %(to)s 到期：%(owner)s，%(location)s（%(number)s）"))
                      if to == AdStatus.EXPIRING else
                      (NoticeKind.AD_EXPIRED, _("户外广告审批已过期：%(owner)s，%(location)s（%(number)s），有效期至 %(to)s")))
        _notify_street(ad.street_id, kind, f"ad:{ad.pk}:{ad.approved_until.isoformat()}", text % {
            "owner": ad.owner, "location": ad.location, "number": ad.approval_number,
            "to": ad.approved_until.isoformat()})
        moved[to] += 1
    for ad in OutdoorAd.objects.removal_done().select_for_update():
        _ad_move(ad, AdStatus.REMOVED, acting_user=acting_user, reason=ad.removal_order.number,
                 action="outdoor_ad.removed")
        moved[AdStatus.REMOVED] += 1
    return {"expiring": moved[AdStatus.EXPIRING], "expired": moved[AdStatus.EXPIRED],
            "removed": moved[AdStatus.REMOVED]}


REMOVAL_CATEGORIES = ("07003", "07006")  # 违规户外广告, 违规牌匾标识


def outdoor_ad_order_removal(*, acting_user, ad, case, legal_basis, deadline_days, items=None,
                             facts="") -> OutdoorAd:
    """Order the ad's removal: a rectification order (enforcement's order service) from `case` (a 07003 or
    07006 case in the ad's street) to its party; the ad's owner becomes that party when the case names none.
    The order's follow-up decides: complied with, the ad is removed."""
    from enforcement.models import Case
    from enforcement.services.orders import order_issue
    from enforcement.services.parties import case_set_party

    with transaction.atomic():
        ad = OutdoorAd.objects.select_for_update().get(pk=ad.pk)
        if ad.status == AdStatus.REMOVED:
            raise AdStateConflict(_("该广告已拆除。"))
        if ad.removal_order_id is not None and ad.removal_order.outcome == "":
            raise AdStateConflict(_("该广告已有未复查的拆除整改通知书：%(number)s") % {"number": ad.removal_order.number})
        case = Case.objects.select_related("category").filter(pk=getattr(case, "pk", case)).first()
        if case is None or case.street_id != ad.street_id or case.category.code not in REMOVAL_CATEGORIES:
            raise ValidationError({"case": [_("请选择本街道的违规户外广告或违规牌匾标识案件。")]})
        if case.party_id is None:
            party = party_match_or_add(acting_user=acting_user, name=ad.owner, kind=PartyKind.ORGANISATION)
            case = case_set_party(acting_user=acting_user, case=case, party=party)
        order = order_issue(
            acting_user=acting_user, case=case, legal_basis=legal_basis, deadline_days=deadline_days,
            items=items or [_("自行拆除%(location)s的户外广告（%(owner)s）") % {"location": ad.location,
                                                                        "owner": ad.owner}],
            facts=facts or _("%(owner)s 于 %(location)s 设置的户外广告：%(status)s") % {
                "owner": ad.owner, "location": ad.location, "status": AdStatus(ad.status).label},
        )
        ad.removal_order = order
        ad.save(update_fields=["removal_order"])
        audit_record(actor=acting_user, action="outdoor_ad.order_removal", obj=ad,
                     detail={"order": order.number, "case": case.number})
        return ad


def outdoor_ad_follow_up_removal(*, acting_user, ad, outcome, note="") -> OutdoorAd:
    """The removal order's follow-up (enforcement's service); complied with, the ad becomes removed."""
    from enforcement.choices import OrderOutcome
    from enforcement.services.orders import order_follow_up

    with transaction.atomic():
        ad = OutdoorAd.objects.select_for_update().get(pk=ad.pk)
        if ad.removal_order_id is None:
            raise AdStateConflict(_("该广告没有拆除整改通知书。"))
        order = order_follow_up(acting_user=acting_user, order=ad.removal_order, outcome=outcome, note=note)
        if order.outcome == OrderOutcome.COMPLIED and ad.status != AdStatus.REMOVED:
            _ad_move(ad, AdStatus.REMOVED, acting_user=acting_user, reason=order.number,
                     action="outdoor_ad.removed")
        return ad


@transaction.atomic
def ad_target_set(*, acting_user, street, public_service_ratio) -> AdTarget:
    """Set a street's public-service ad ratio target (bureau staff)."""
    if not getattr(acting_user, "is_bureau_staff", False):
        raise PermissionDenied(_("只有区城管局可以设置公益广告比例目标。"))
    target = AdTarget.objects.select_for_update().filter(street=street).first() or AdTarget(street=street)
    before = target.public_service_ratio if target.pk else None
    target.public_service_ratio, target.updated_by, target.updated_at = (
        public_service_ratio, _user(acting_user), clock.now())
    target.full_clean()
    target.save()
    audit_record(actor=acting_user, action="ad_target.set", obj=target,
                 detail={"street": street.code, "from": str(before) if before is not None else None,
                         "to": str(public_service_ratio)})
    return target
