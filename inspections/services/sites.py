"""Writes and reads of construction sites, their dust-control inspections and muck-transport approvals.

`site_inspection_record` files one visit with the whole checklist; every failed item goes through
`site_finding_escalate`, the one place that decides what a failure becomes (a case against the site's
contractor, reported with the inspector's own source, and a rectification order issued from it with its
deadline in working days on the work calendar); a later inspection that finds the item met closes the
follow-up and records the order as complied. `site_census` says which
sites under construction were inspected in a period and which were not.
"""
from dataclasses import dataclass
from datetime import date as date_cls
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.audit.services import audit_record
from grids.models import Street

from ..choices import SiteInspectionResult
from ..models import ConstructionSite, DustCheckItem, MuckTransportApproval, SiteInspection, SiteInspectionItem
from ..permissions import may_approve_muck, may_inspect_sites
from .patrols import CLOCK_SKEW, MAX_PHOTO_BYTES, MAX_PHOTOS_PER_FINDING, _photo_size, decode_photo, source_for

SITE_EDITABLE = ("name", "developer", "contractor", "permit_number", "lat", "lng", "boundary", "address",
                 "starts_on", "ends_on", "completed_on", "responsible_persons", "agreement_signed_on")
MAX_ROUTE_POINTS = 2000


class SiteForbidden(PermissionDenied):
    """The user's role may not do this with sites, or not with this site (403)."""


# ---------------------------------------------------------------------------------------------- the file


def _place(acting_user, lat, lng):
    """The cell and street of a site's point; a leader registers only in the streets they lead."""
    from enforcement.effects import cell_at, parse_point

    lat, lng = parse_point(lat, lng)
    cell = cell_at(lat, lng)
    if not acting_user.is_bureau_staff and not Street.objects.led_by(acting_user).filter(pk=cell.street_id).exists():
        raise ValidationError({"lat": [_("该位置位于网格 %(cell)s，不在您负责的街道") % {"cell": cell.code}]})
    return lat, lng, cell


def _check_boundary(boundary):
    if boundary in (None, "", {}):
        return None
    from grids.geometry import polygon_from_geojson

    geom, problem = polygon_from_geojson(boundary)
    if geom is None:
        raise ValidationError({"boundary": [_("红线范围须为有效的 GeoJSON Polygon（%(reason)s）") % {"reason": problem[0]}]})
    return boundary


def _check_period(site):
    errors = {}
    if site.starts_on and site.ends_on and site.ends_on < site.starts_on:
        errors["ends_on"] = [_("计划竣工日期不能早于开工日期")]
    if site.starts_on and site.completed_on and site.completed_on < site.starts_on:
        errors["completed_on"] = [_("实际竣工日期不能早于开工日期")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def site_register(*, acting_user, name, developer, contractor, lat, lng, starts_on, permit_number="", boundary=None,
                  address="", ends_on=None, completed_on=None, responsible_persons="",
                  agreement_signed_on=None) -> ConstructionSite:
    """Open a site's file; its street and cell come from its point."""
    if not may_inspect_sites(acting_user):
        raise SiteForbidden(_("只有街道执法大队长和区局督查人员可以登记建筑工地"))
    lat, lng, cell = _place(acting_user, lat, lng)
    site = ConstructionSite(
        name=(name or "").strip(), developer=(developer or "").strip(), contractor=(contractor or "").strip(),
        permit_number=(permit_number or "").strip(), street_id=cell.street_id, grid=cell, lat=lat, lng=lng,
        boundary=_check_boundary(boundary), address=(address or "").strip(), starts_on=starts_on, ends_on=ends_on,
        completed_on=completed_on, responsible_persons=(responsible_persons or "").strip(), agreement_signed_on=agreement_signed_on,
        registered_by=acting_user, registered_at=clock.now(),
    )
    _check_period(site)
    site.full_clean()
    site.save()
    audit_record(actor=acting_user, action="construction_site.register", obj=site,
                 detail={"name": site.name, "street": cell.street.code, "permit": site.permit_number})
    return site


@transaction.atomic
def site_update(*, acting_user, site, **changes) -> ConstructionSite:
    """Correct a site's file (a moved point moves it to that point's cell and street)."""
    unknown = sorted(set(changes) - set(SITE_EDITABLE))
    if unknown:
        raise ValidationError({k: [_("此字段不能修改")] for k in unknown})
    site = ConstructionSite.objects.select_for_update().get(pk=site.pk)
    if not may_inspect_sites(acting_user) or not ConstructionSite.objects.visible_to(acting_user).filter(pk=site.pk).exists():
        raise SiteForbidden(_("您不能修改此工地"))
    if "lat" in changes or "lng" in changes:
        lat, lng, cell = _place(acting_user, changes.pop("lat", site.lat), changes.pop("lng", site.lng))
        site.lat, site.lng, site.grid, site.street_id = lat, lng, cell, cell.street_id
    if "boundary" in changes:
        changes["boundary"] = _check_boundary(changes["boundary"])
    for field, value in changes.items():
        setattr(site, field, value.strip() if isinstance(value, str) else value)
    _check_period(site)
    site.full_clean()
    site.save()
    audit_record(actor=acting_user, action="construction_site.update", obj=site, detail={"changed": sorted(changes)})
    return site


# ---------------------------------------------------------------------------------------------- inspections


@dataclass(frozen=True)
class Escalation:
    """What a failed checklist item became: the case, the rectification order issued from it to the site's
    contractor, and the order's deadline (by which the site must rectify; the follow-up is due then)."""

    case: object
    order: object
    rectify_by: datetime


def site_contractor_party(*, acting_user, site):
    """The site's contractor in the district's register of parties: found again by the link the site keeps
    (so every order for the site names the same party), registered on the first order."""
    from enforcement.choices import PartyKind
    from enforcement.services.parties import party_match_or_add

    site = ConstructionSite.objects.select_for_update().get(pk=site.pk)
    if site.contractor_party_id is not None:
        return site.contractor_party
    party = party_match_or_add(acting_user=acting_user, name=site.contractor, kind=PartyKind.ORGANISATION,
                               address=site.address, representative=site.responsible_persons[:64])
    ConstructionSite.objects.filter(pk=site.pk).update(contractor_party=party)
    return party


def site_finding_escalate(*, acting_user, site, item, description, photos=()) -> Escalation:
    """The one place that decides what a failed checklist item becomes.

    A case of the item's category at the site, against the site's contractor, with the inspector's own
    source (a leader's brigade patrol, the bureau's supervision); and from that case a rectification order
    (责令限期整改通知书) to the contractor listing the item and its standard, due at the close of the
    item's `rectify_days`-th working day on the work calendar (holidays skipped, 调休 workdays counted)."""
    from enforcement.services import case_report
    from enforcement.services.orders import order_issue

    party = site_contractor_party(acting_user=acting_user, site=site)
    case = case_report(
        acting_user=acting_user, category=item.category.code, lat=site.lat, lng=site.lng,
        description=description, source=source_for(acting_user), photos=photos, party=party,
        address=(site.address or site.name)[:255], note=_("工地扬尘检查：%(site)s") % {"site": site.name},
    )
    rectify = _("%(item)s：%(standard)s") % {"item": item.name, "standard": item.standard} if item.standard else item.name
    order = order_issue(acting_user=acting_user, case=case, items=[rectify], legal_basis=item.legal_basis,
                        deadline_days=item.rectify_days, facts=description)
    return Escalation(case=case, order=order, rectify_by=order.deadline)


def _check_results(results, items, errors):
    """Each active item exactly once, passed or failed; a failure with its photos (at least one)."""
    by_code = {i.code: i for i in items}
    if not isinstance(results, list | tuple) or not results:
        errors.setdefault("results", []).append(_("请逐项填写检查结果"))
        return []
    cleaned, seen = [], set()
    for n, row in enumerate(results, start=1):
        if not isinstance(row, dict):
            errors.setdefault("results", []).append(_("第 %(n)d 项格式无效") % {"n": n})
            continue
        code = str(row.get("item") or "")
        item = by_code.get(code)
        if item is None:
            errors.setdefault("results", []).append(_("未知或已停用的检查项：%(code)s") % {"code": code[:32]})
            continue
        if code in seen:
            errors.setdefault("results", []).append(_("检查项 %(name)s 重复") % {"name": item.name})
            continue
        seen.add(code)
        result = row.get("result")
        if result not in SiteInspectionResult.values:
            errors.setdefault("results", []).append(
                _("%(name)s：结果须为 passed 或 failed") % {"name": item.name})
            continue
        photos = list(row.get("photos") or [])
        decoded = []
        if result == SiteInspectionResult.FAILED:
            if not photos:
                errors.setdefault("results", []).append(_("%(name)s 不合格：请拍摄现场照片") % {"name": item.name})
            if len(photos) > MAX_PHOTOS_PER_FINDING:
                errors.setdefault("results", []).append(
                    _("%(name)s：照片最多 %(max)d 张") % {"name": item.name, "max": MAX_PHOTOS_PER_FINDING})
                photos = []
            for i, photo in enumerate(photos, start=1):
                try:
                    photo = decode_photo(photo, index=i)
                except ValidationError as exc:
                    errors.setdefault("results", []).append(f"{item.name}：" + "；".join(exc.messages))
                    continue
                if _photo_size(photo) > MAX_PHOTO_BYTES:
                    errors.setdefault("results", []).append(
                        _("%(name)s：第 %(i)d 张照片超过 %(mb)d MB")
                        % {"name": item.name, "i": i, "mb": MAX_PHOTO_BYTES // (1024 * 1024)})
                    continue
                decoded.append(photo)
        note = (row.get("note") or "").strip() if isinstance(row.get("note") or "", str) else ""
        if len(note) > 500:
            errors.setdefault("results", []).append(_("%(name)s：说明最多 500 字") % {"name": item.name})
        cleaned.append({"item": item, "result": result, "note": note[:500], "photos": decoded})
    missing = [i.name for i in items if i.code not in seen]
    if missing:
        errors.setdefault("results", []).append(_("以下检查项未填写：%(names)s") % {"names": "、".join(missing)})
    return cleaned


@transaction.atomic
def site_inspection_record(*, acting_user, site, inspected_at, results, note="") -> SiteInspection:
    """File one inspection of a site with the whole checklist (or nothing is stored).

    Each failed item becomes what `site_finding_escalate` makes of it, with its rectification deadline; each
    item found met closes the follow-up of the same item's earlier failures at this site."""
    if not may_inspect_sites(acting_user):
        raise SiteForbidden(_("只有街道执法大队长和区局督查人员可以检查建筑工地"))
    if not ConstructionSite.objects.visible_to(acting_user).filter(pk=site.pk).exists():
        raise SiteForbidden(_("该工地不在您负责的街道"))
    errors: dict[str, list] = {}
    now = clock.now()
    if isinstance(inspected_at, datetime) and timezone.is_naive(inspected_at):
        inspected_at = timezone.make_aware(inspected_at)
    if not isinstance(inspected_at, datetime):
        errors.setdefault("inspected_at", []).append(_("请填写检查时间"))
    elif inspected_at > now + CLOCK_SKEW:
        errors.setdefault("inspected_at", []).append(_("检查时间晚于当前时间"))
    elif timezone.localtime(inspected_at).date() < site.starts_on:
        errors.setdefault("inspected_at", []).append(_("检查时间早于工地开工日期"))
    note = (note or "").strip()
    if len(note) > 2000:
        errors.setdefault("note", []).append(_("最多 %(n)d 个字") % {"n": 2000})
    items = list(DustCheckItem.objects.active().select_related("category"))
    cleaned = _check_results(results, items, errors)
    if errors:
        raise ValidationError(errors)

    inspection = SiteInspection(
        site=site, inspector=acting_user, source=source_for(acting_user), inspected_at=inspected_at,
        date=timezone.localtime(inspected_at).date(), note=note, recorded_at=now,
        failed_count=sum(1 for r in cleaned if r["result"] == SiteInspectionResult.FAILED),
    )
    inspection.full_clean()
    inspection.save()
    rows, cases = [], []
    for row in cleaned:
        item = row["item"]
        result = SiteInspectionItem(inspection=inspection, item=item, result=row["result"], note=row["note"],
                                    photo_count=len(row["photos"]))
        if row["result"] == SiteInspectionResult.FAILED:
            description = _("%(site)s：%(item)s不合格") % {"site": site.name, "item": item.name}
            if row["note"]:
                description += f"（{row['note']}）"
            try:
                escalation = site_finding_escalate(acting_user=acting_user, site=site, item=item,
                                                   description=description, photos=row["photos"])
            except ValidationError as exc:
                raise ValidationError({"results": [f"{item.name}：" + "；".join(exc.messages)]}) from exc
            result.case, result.order = escalation.case, escalation.order
            result.rectify_by = escalation.rectify_by
            cases.append(escalation.case.number)
        else:
            _follow_up_met(acting_user=acting_user, inspection=inspection, item=item)
        rows.append(result)
    SiteInspectionItem.objects.bulk_create(rows)
    audit_record(actor=acting_user, action="site_inspection.record", obj=inspection, detail={
        "site": site.pk, "date": inspection.date.isoformat(), "failed": inspection.failed_count, "cases": cases})
    return inspection


def _follow_up_met(*, acting_user, inspection, item):
    """The follow-up of this item's earlier failures at this site: found met now. Their orders still awaiting
    a follow-up are recorded as complied by this inspection."""
    from enforcement.choices import OrderOutcome, OrderStatus
    from enforcement.services.orders import order_follow_up

    earlier = SiteInspectionItem.objects.awaiting_follow_up().filter(
        inspection__site=inspection.site, item=item, inspection__inspected_at__lt=inspection.inspected_at)
    order_ids = list(earlier.filter(order__status=OrderStatus.ISSUED).values_list("order_id", flat=True))
    earlier.update(resolved_by=inspection)
    note = _("%(date)s 复查：%(item)s已合格") % {"date": inspection.date.isoformat(), "item": item.name}
    for order_id in order_ids:
        order_follow_up(acting_user=acting_user, order=order_id, outcome=OrderOutcome.COMPLIED, note=note)


# ---------------------------------------------------------------------------------------------- census


def month_bounds(month: str):
    """'2026-11' → (first day, last day); a ValidationError for anything else."""
    import calendar

    try:
        year, number = (int(x) for x in str(month).split("-"))
        first = date_cls(year, number, 1)
    except (ValueError, TypeError) as exc:
        raise ValidationError({"month": [_("月份格式应为 YYYY-MM")]}) from exc
    return first, first.replace(day=calendar.monthrange(year, number)[1])


def site_census(sites, first, last) -> dict:
    """Of `sites` (already scoped), those under construction in the period: which were inspected in it and
    which were not, with each one's last inspection in the period and its open follow-ups."""
    active = list(sites.active_between(first, last).select_related("street", "grid"))
    last_seen: dict[int, date_cls] = {}
    counts: dict[int, int] = {}
    for site_id, day in (SiteInspection.objects.filter(site__in=[s.pk for s in active]).on_days(first, last)
                         .values_list("site_id", "date")):
        counts[site_id] = counts.get(site_id, 0) + 1
        if day > last_seen.get(site_id, date_cls.min):
            last_seen[site_id] = day
    open_follow_ups: dict[int, int] = {}
    for site_id in (SiteInspectionItem.objects.awaiting_follow_up().filter(inspection__site__in=[s.pk for s in active])
                    .values_list("inspection__site_id", flat=True)):
        open_follow_ups[site_id] = open_follow_ups.get(site_id, 0) + 1

    def row(site):
        return {"site": site, "last_inspected_on": last_seen.get(site.pk), "inspections": counts.get(site.pk, 0),
                "open_follow_ups": open_follow_ups.get(site.pk, 0)}

    inspected = [row(s) for s in active if s.pk in last_seen]
    uninspected = [row(s) for s in active if s.pk not in last_seen]
    return {"start": first, "end": last, "total": len(active), "inspected": inspected, "uninspected": uninspected,
            "rate": round(len(inspected) / len(active), 4) if active else 1.0}


# ---------------------------------------------------------------------------------------------- muck transport


def _clean_route(route):
    if not isinstance(route, list) or len(route) < 2:
        raise ValidationError({"route": [_("路线至少需要两个坐标点")]})
    if len(route) > MAX_ROUTE_POINTS:
        raise ValidationError({"route": [_("路线最多 %(n)d 个点") % {"n": MAX_ROUTE_POINTS}]})
    points = []
    for point in route:
        try:
            lat, lng = float(point[0]), float(point[1])
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise ValidationError({"route": [_("路线中有无效的坐标点")]}) from exc
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationError({"route": [_("路线中有无效的坐标点")]})
        points.append([round(lat, 7), round(lng, 7)])
    return points


def route_streets(points) -> list:
    """The streets a route touches: those of the cells its points and the points between them lie in."""
    from grids.geometry import locate

    street_ids = []
    for (lat1, lng1), (lat2, lng2) in zip(points, points[1:], strict=False):
        steps = 20  # a segment longer than a cell is sampled, so a street it only crosses is still found
        for k in range(steps + 1):
            cell = locate(lat1 + (lat2 - lat1) * k / steps, lng1 + (lng2 - lng1) * k / steps)
            if cell is not None and cell.street_id not in street_ids:
                street_ids.append(cell.street_id)
    return street_ids


@transaction.atomic
def muck_approval_issue(*, acting_user, number, carrier, vehicles, route, valid_from, valid_to, hours_from, hours_to,
                        site=None, route_description="", conditions="") -> MuckTransportApproval:
    """Approve muck transport along a route in given hours; every street the route touches sees it."""
    if not may_approve_muck(acting_user):
        raise SiteForbidden(_("只有区局可以核准渣土运输"))
    points = _clean_route(route)
    streets = route_streets(points)
    if not streets:
        raise ValidationError({"route": [_("路线不经过本区")]})
    approval = MuckTransportApproval(
        number=(number or "").strip(), site=site, carrier=(carrier or "").strip(), vehicles=(vehicles or "").strip(),
        route=points, route_description=(route_description or "").strip(), valid_from=valid_from, valid_to=valid_to,
        hours_from=hours_from, hours_to=hours_to, conditions=(conditions or "").strip(), approved_by=acting_user,
        approved_at=clock.now(),
    )
    approval.full_clean()
    approval.save()
    approval.streets.set(streets)
    audit_record(actor=acting_user, action="muck_approval.issue", obj=approval,
                 detail={"number": approval.number, "streets": len(streets)})
    return approval
