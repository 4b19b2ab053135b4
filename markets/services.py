"""Writes over street commerce. Each service: keyword-only arguments, the acting user, one transaction,
full_clean() before save, an audit record. Plain phone and ID numbers enter here and leave as mask + hash."""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.api.exceptions import Conflict
from bureau.audit.services import audit_record

from .choices import PERMIT_DEFAULT_DAYS, AdKind, AdStatus, PermitStatus
from .models import FrontageAgreement, OutdoorAd, Shop, StallPermit, Vendor, VendorCaseLink, VendorZone
from .pii import id_hashes, mask_id, mask_phone, phone_hash, phone_hashes


class PermitStateConflict(Conflict):
    default_detail = _("该摊位许可当前状态下不能执行此操作。")


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


@transaction.atomic
def vendor_zone_create(*, acting_user, street, kind, name, opens_at, closes_at, road="", area=None, trades="",
                       responsible_person="", complaint_phone="", capacity=0, is_active=True) -> VendorZone:
    zone = VendorZone(
        street=street, kind=kind, name=name, road=road, area=area, opens_at=opens_at, closes_at=closes_at,
        trades=trades, responsible_person=responsible_person, complaint_phone_masked=mask_phone(complaint_phone),
        complaint_phone_hash=phone_hash(complaint_phone), capacity=capacity, is_active=is_active,
    )
    zone.full_clean()
    zone.save()
    audit_record(actor=acting_user, action="vendor_zone.create", obj=zone,
                 detail={"street": street.code, "kind": kind})
    return zone


ZONE_EDITABLE = {"street", "kind", "name", "road", "area", "opens_at", "closes_at", "trades", "responsible_person",
                 "capacity", "is_active"}


@transaction.atomic
def vendor_zone_update(*, acting_user, zone, complaint_phone: str | None = None, **changes) -> VendorZone:
    """Change a zone's fields. A new complaint phone (plain) is stored as mask + hash; none keeps the old."""
    zone = VendorZone.objects.select_for_update().get(pk=zone.pk)
    changed = _apply(zone, changes, ZONE_EDITABLE)
    if complaint_phone:
        zone.complaint_phone_masked, zone.complaint_phone_hash = mask_phone(complaint_phone), phone_hash(complaint_phone)
        changed.append("complaint_phone")
    zone.full_clean()
    zone.save()
    audit_record(actor=acting_user, action="vendor_zone.change", obj=zone, detail={"fields": changed})
    return zone


@transaction.atomic
def vendor_register(*, acting_user, name, phone="", id_number="") -> Vendor:
    """The vendor with this ID number or phone if already known (district-wide), else a new one.

    A vendor is recognised under any configured hash key (PII_HASH_KEY, newest first); one found under an
    older key gets its hashes made again under the current key, since the number is at hand only now."""
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
        if changed:
            vendor.full_clean()
            vendor.save(update_fields=changed)
            audit_record(actor=acting_user, action="vendor.update", obj=vendor, detail={"fields": changed})
        return vendor
    vendor = Vendor(name=name, phone_masked=mask_phone(phone), phone_hash=p_hash,
                    id_number_masked=mask_id(id_number), id_number_hash=i_hash, created_at=clock.now())
    vendor.full_clean()
    vendor.save()
    audit_record(actor=acting_user, action="vendor.register", obj=vendor)
    return vendor


@transaction.atomic
def stall_permit_issue(*, acting_user, vendor, zone, stall_number, valid_from=None, valid_to=None) -> StallPermit:
    valid_from = valid_from or _today()
    valid_to = valid_to or valid_from + timedelta(days=PERMIT_DEFAULT_DAYS - 1)
    zone = VendorZone.objects.select_for_update().get(pk=zone.pk)
    if not zone.is_active:
        raise ValidationError({"zone": [_("该摊点区域已停用。")]})
    active = StallPermit.objects.filter(zone=zone, status=PermitStatus.ACTIVE)
    if active.filter(stall_number=stall_number).exists():
        raise ValidationError({"stall_number": [_("该摊位已有有效许可。")]})
    if zone.capacity and active.count() >= zone.capacity:
        raise ValidationError({"zone": [_("该摊点区域摊位已满。")]})
    permit = StallPermit(vendor=vendor, zone=zone, stall_number=stall_number, valid_from=valid_from,
                         valid_to=valid_to, status=PermitStatus.ACTIVE,
                         issued_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                         issued_at=clock.now())
    permit.full_clean()
    permit.save()
    audit_record(actor=acting_user, action="stall_permit.issue", obj=permit,
                 detail={"zone": zone.pk, "valid_to": valid_to.isoformat()})
    return permit


@transaction.atomic
def stall_permit_revoke(*, acting_user, permit, reason) -> StallPermit:
    permit = StallPermit.objects.select_for_update().get(pk=permit.pk)
    if permit.status != PermitStatus.ACTIVE:
        raise PermitStateConflict()
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写吊销原因。")]})
    permit.status, permit.revoked_at, permit.revoke_reason = PermitStatus.REVOKED, clock.now(), reason.strip()
    permit.full_clean()
    permit.save(update_fields=["status", "revoked_at", "revoke_reason"])
    audit_record(actor=acting_user, action="stall_permit.revoke", obj=permit, detail={"reason": permit.revoke_reason})
    return permit


@transaction.atomic
def stall_permit_renew(*, acting_user, permit) -> StallPermit:
    """A new year-long permit for the same stall starting the day after the old one ends; the old one expires."""
    permit = StallPermit.objects.select_for_update().get(pk=permit.pk)
    if permit.status != PermitStatus.ACTIVE:
        raise PermitStateConflict()
    permit.status = PermitStatus.EXPIRED
    permit.save(update_fields=["status"])
    audit_record(actor=acting_user, action="stall_permit.expire", obj=permit, detail={"renewed": True})
    return stall_permit_issue(acting_user=acting_user, vendor=permit.vendor, zone=permit.zone,
                              stall_number=permit.stall_number, valid_from=permit.valid_to + timedelta(days=1))


@transaction.atomic
def stall_permit_expire_lapsed(*, acting_user=None, today=None) -> int:
    """Mark active permits past their end date expired (an idempotent sweep)."""
    today = today or _today()
    n = 0
    for permit in StallPermit.objects.lapsed(today).select_for_update():
        permit.status = PermitStatus.EXPIRED
        permit.save(update_fields=["status"])
        audit_record(actor=acting_user, action="stall_permit.expire", obj=permit)
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


@transaction.atomic
def shop_register(*, acting_user, name, address, street, grid=None) -> Shop:
    if grid is not None and grid.street_id != street.pk:
        raise ValidationError({"grid": [_("单元网格不在该街道内。")]})
    shop = Shop(name=name, address=address, street=street, grid=grid)
    shop.full_clean()
    shop.save()
    audit_record(actor=acting_user, action="shop.register", obj=shop, detail={"street": street.code})
    return shop


@transaction.atomic
def shop_update(*, acting_user, shop, **changes) -> Shop:
    """Change a shop's name, address, street, grid cell or whether it trades; the cell must be in the street."""
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    changed = _apply(shop, changes, {"name", "address", "street", "grid", "is_active"})
    if shop.grid is not None and shop.grid.street_id != shop.street_id:
        raise ValidationError({"grid": [_("单元网格不在该街道内。")]})
    shop.full_clean()
    shop.save()
    audit_record(actor=acting_user, action="shop.change", obj=shop, detail={"fields": changed})
    return shop


@transaction.atomic
def frontage_agreement_sign(*, acting_user, shop, signed_on, signer_name, signer_phone="") -> FrontageAgreement:
    """Record a signed agreement; the shop's previous active agreement (if any) ends."""
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    if signed_on > _today():
        raise ValidationError({"signed_on": [_("签订日期不能晚于今天。")]})
    previous = list(FrontageAgreement.objects.select_for_update().filter(shop=shop, is_active=True))
    for old in previous:
        old.is_active = False
        old.save(update_fields=["is_active"])
    agreement = FrontageAgreement(
        shop=shop, signed_on=signed_on, signer_name=signer_name, signer_phone_masked=mask_phone(signer_phone),
        signer_phone_hash=phone_hash(signer_phone), is_active=True,
        recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    agreement.full_clean()
    agreement.save()
    audit_record(actor=acting_user, action="frontage_agreement.sign", obj=agreement,
                 detail={"shop": shop.pk, "replaces": [a.pk for a in previous]})
    return agreement


@transaction.atomic
def outdoor_ad_register(*, acting_user, owner, location, street, kind=AdKind.AD, approval_number="",
                        approved_until=None, status=AdStatus.NORMAL, area_m2=None) -> OutdoorAd:
    if approved_until is not None and not approval_number:
        raise ValidationError({"approval_number": [_("有审批有效期时必须填写审批文号。")]})
    ad = OutdoorAd(owner=owner, location=location, street=street, kind=kind, approval_number=approval_number,
                   approved_until=approved_until, status=status, area_m2=area_m2, registered_at=clock.now())
    ad.full_clean()
    ad.save()
    audit_record(actor=acting_user, action="outdoor_ad.register", obj=ad, detail={"street": street.code})
    return ad


@transaction.atomic
def outdoor_ad_update(*, acting_user, ad, **changes) -> OutdoorAd:
    """Change an ad's record; a removed ad stays removed (as with outdoor_ad_set_status)."""
    ad = OutdoorAd.objects.select_for_update().get(pk=ad.pk)
    was_removed = ad.status == AdStatus.REMOVED
    changed = _apply(ad, changes, {"owner", "location", "street", "kind", "approval_number", "approved_until",
                                   "status", "area_m2"})
    if was_removed and "status" in changed:
        raise ValidationError({"status": [_("该广告已拆除。")]})
    if ad.approved_until is not None and not ad.approval_number:
        raise ValidationError({"approval_number": [_("有审批有效期时必须填写审批文号。")]})
    ad.full_clean()
    ad.save()
    audit_record(actor=acting_user, action="outdoor_ad.change", obj=ad, detail={"fields": changed})
    return ad


@transaction.atomic
def outdoor_ad_set_status(*, acting_user, ad, status, reason="") -> OutdoorAd:
    ad = OutdoorAd.objects.select_for_update().get(pk=ad.pk)
    if ad.status == AdStatus.REMOVED:
        raise Conflict(_("该广告已拆除。"))
    old, ad.status = ad.status, status
    ad.full_clean()
    ad.save(update_fields=["status"])
    audit_record(actor=acting_user, action="outdoor_ad.status", obj=ad,
                 detail={"from": old, "to": status, "reason": reason})
    return ad
