"""The figures of street commerce: stall zones and permits, frontage agreements, outdoor ads (see
bureau/statistics.py)."""
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from bureau.statistics import Figure, in_period, local_date, register

from .choices import AdKind, AdStatus
from .farmers.choices import ComplaintStatus
from .models import (
    FarmersMarket,
    FrontageAgreement,
    MarketComplaint,
    MarketInspection,
    OutdoorAd,
    Shop,
    StallPermit,
    VendorZone,
)


def _zones(query):
    """Zones open at some point of the period: active, and in season (no season: all year)."""
    first, last = query.period.first, query.period.last
    return query.base(VendorZone, "street").filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=last), Q(valid_to__isnull=True) | Q(valid_to__gte=first),
        is_active=True)


def _permits_in_force(query):
    """Permits issued, in force on some day of the period and not revoked before it."""
    return query.base(StallPermit, "zone__street").filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gte=query.period.start_at), issued_at__isnull=False,
        valid_from__lte=query.period.last, valid_to__gte=query.period.first)


def _covered_shops(query):
    """Shops in business with a frontage agreement (any kind, any version) signed by the period's last day: the
    coverage of markets' `frontage_coverage`, as of the period's end (agreements are append-only versions, so a
    shop once covered stays covered; whether it is in business is as of now)."""
    signed = FrontageAgreement.objects.filter(shop=OuterRef("pk"), signed_on__lte=query.period.last)
    return query.base(Shop, "street").filter(Exists(signed), is_active=True)


def _removed_ads(query):
    """Ads whose removal was recorded in the period: the audited move to removed, by hand (`outdoor_ad.status`)
    or when the removal order's follow-up found it complied with (`outdoor_ad.removed`, by the follow-up or the
    daily job). The ad keeps no removal date of its own; the audit log is the only place the moment is kept."""
    from bureau.audit.models import AuditEntry

    removal = AuditEntry.objects.filter(
        action__in=("outdoor_ad.status", "outdoor_ad.removed"), detail__to=AdStatus.REMOVED.value,
        object_type=OutdoorAd._meta.label, object_id=Cast(OuterRef("pk"), CharField()), **in_period("at", query))
    # one statement whatever the audit holds (a correlated test, not a list of ids read first)
    return query.base(OutdoorAd, "street").filter(Exists(removal), status=AdStatus.REMOVED)


def _zone_text(zone):
    return {"text": str(zone), "street": zone.street.name, "date": None}


def _permit_text(permit):
    return {"text": f"{permit.zone.name} {permit.slot.number} {permit.vendor.name}", "street": permit.zone.street.name,
            "date": local_date(permit.issued_at)}


def _agreement_text(agreement):
    return {"text": f"{agreement.shop.name} {agreement.signer_name}", "street": agreement.shop.street.name,
            "date": local_date(agreement.signed_on)}


def _shop_text(shop):
    return {"text": f"{shop.name} {shop.address}", "street": shop.street.name, "date": None}


def _ad_text(ad):
    return {"text": f"{ad.owner} {ad.location}", "street": ad.street.name, "date": local_date(ad.registered_at)}


register(
    Figure(code="vendor_zones", name=_("固定摊点区域"), unit=_("个"), definition=_("期间开放的摊点区域（启用且在季节内）"),
           section="commerce", rows=_zones, describe=_zone_text, select_related=("street",), order=10,
           models=(VendorZone,)),
    Figure(code="stall_permits_issued", name=_("发放摊位许可"), unit=_("份"), definition=_("期间发证的摊位许可"),
           section="commerce", rows=lambda q: q.base(StallPermit, "zone__street").filter(**in_period("issued_at", q)),
           describe=_permit_text, select_related=("zone__street", "slot", "vendor"), order=12, models=(StallPermit,)),
    Figure(code="stall_permits_in_force", name=_("有效摊位许可"), unit=_("份"),
           definition=_("期间至少一天有效、且未在期间前吊销的摊位许可"), section="commerce", rows=_permits_in_force,
           describe=_permit_text, select_related=("zone__street", "slot", "vendor"), order=14, models=(StallPermit,)),
    Figure(code="frontage_agreements_signed", name=_("签订门前五包责任书"), unit=_("份"),
           definition=_("期间签订的门前五包责任书"), section="commerce",
           rows=lambda q: q.base(FrontageAgreement, "shop__street").filter(**in_period("signed_on", q, dates=True)),
           describe=_agreement_text, select_related=("shop__street",), order=20, models=(FrontageAgreement,),
           street_path="shop__street"),
    Figure(code="shops_registered", name=_("在营商户"), unit=_("户"), definition=_("登记在营的沿街商户（现状）"),
           section="commerce", rows=lambda q: q.base(Shop, "street").filter(is_active=True), describe=_shop_text,
           select_related=("street",), order=22, models=(Shop,)),
    Figure(code="shops_covered", name=_("门前五包覆盖商户"), unit=_("户"),
           definition=_("在营商户中持有期末前签订、现仍有效的门前五包责任书的"), section="commerce", rows=_covered_shops,
           describe=_shop_text, select_related=("street",), order=24, models=(Shop, FrontageAgreement)),
    Figure(code="ads_removed", name=_("拆除户外广告"), unit=_("处"), definition=_("期间拆除（状态改为已拆除）的户外广告和招牌"),
           section="commerce", rows=_removed_ads, describe=_ad_text, select_related=("street",), order=30,
           models=(OutdoorAd,)),
)



def _standing_ads(query, **extra):
    """Ads standing now (not removed), as markets' `ad_ratios` counts them for the public-service ratio."""
    return query.base(OutdoorAd, "street").exclude(status=AdStatus.REMOVED).filter(**extra)


register(
    Figure(code="ads_standing", name=_("现有户外广告"), unit=_("处"), definition=_("现有（未拆除）的户外广告和招牌（现状）"),
           section="commerce", rows=_standing_ads, describe=_ad_text, select_related=("street",), order=32,
           models=(OutdoorAd,), street_path="street"),
    Figure(code="ads_public_service", name=_("现有公益广告"), unit=_("处"),
           definition=_("现有（未拆除）的公益广告（现状）；与现有户外广告之比即公益广告比例"), section="commerce",
           rows=lambda q: _standing_ads(q, kind=AdKind.PUBLIC_SERVICE), describe=_ad_text, select_related=("street",),
           order=34, models=(OutdoorAd,), street_path="street"),
)

# --- farmers markets --------------------------------------------------------------------------------------


def _market_text(market):
    return {"text": f"{market.name} {market.address}", "street": market.street.name, "date": None}


def _market_inspection_text(inspection):
    return {"text": f"{inspection.market.name}（{inspection.failed_count}）", "street": inspection.market.street.name,
            "date": local_date(inspection.inspected_at)}


def _complaint_text(complaint):
    return {"text": f"{complaint.market.name} {complaint.get_kind_display()}", "street": complaint.market.street.name,
            "date": local_date(complaint.received_at)}


def _complaints(query, **extra):
    return query.base(MarketComplaint, "market__street").filter(**in_period("received_at", query), **extra)


def _market_figure(code, name, unit, definition, order, rows, describe, select_related, street_path, models):
    return Figure(code=code, name=name, unit=unit, definition=definition, section="commerce", rows=rows,
                  describe=describe, select_related=select_related, order=order, models=models,
                  street_path=street_path)


register(
    _market_figure("farmers_markets", _("在营农贸市场"), _("个"), _("登记在营的农贸市场（现状）"), 40,
                   lambda q: q.base(FarmersMarket, "street").filter(is_active=True), _market_text, ("street",),
                   "street", (FarmersMarket,)),
    _market_figure("market_inspections", _("农贸市场检查"), _("次"), _("期间对农贸市场的检查"), 42,
                   lambda q: q.base(MarketInspection, "market__street").filter(**in_period("inspected_at", q)),
                   _market_inspection_text, ("market__street",), "market__street", (MarketInspection,)),
    _market_figure("market_complaints", _("农贸市场投诉受理"), _("件"), _("期间受理的农贸市场投诉"), 44,
                   _complaints, _complaint_text, ("market__street",), "market__street", (MarketComplaint,)),
    _market_figure("market_complaints_on_time", _("农贸市场投诉按时处理"), _("件"),
                   _("期间受理、在处理时限内处理完毕的农贸市场投诉"), 46,
                   lambda q: _complaints(q, status=ComplaintStatus.HANDLED, handled_at__lte=F("due_at")),
                   _complaint_text, ("market__street",), "market__street", (MarketComplaint,)),
)
