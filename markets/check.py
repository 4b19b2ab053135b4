""""May this vendor trade here now?": the zone at a point (from the in-memory zone index), whether it is open
at that moment, and whether the vendor holds a permit for it covering the day its current window started."""
from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from .hours import local, window_at
from .models import StallPermit, Vendor
from .querysets import IN_FORCE
from .zoneindex import zone_at


class UnknownVendor(Exception):
    pass


def _vendor_permitted(vendor_id: int, zone_id: int, day) -> bool:
    """One query: raises UnknownVendor when there is no such vendor."""
    permits = StallPermit.objects.filter(vendor=OuterRef("pk"), zone_id=zone_id, status__in=IN_FORCE,
                                         valid_from__lte=day, valid_to__gte=day)
    row = Vendor.objects.filter(pk=vendor_id).values_list(Exists(permits), flat=True).first()
    if row is None:
        raise UnknownVendor(vendor_id)
    return bool(row)


def _vendor_exists(vendor_id: int) -> None:
    if not Vendor.objects.filter(pk=vendor_id).exists():
        raise UnknownVendor(vendor_id)


def check(lat: float, lng: float, moment: datetime, vendor_id: int | None = None) -> dict:
    zone = zone_at(lat, lng)
    if zone is None:
        if vendor_id is not None:
            _vendor_exists(vendor_id)
        return {"zone": None, "open": False, "permitted": None if vendor_id is None else False,
                "reason": _("该地点不在任何摊点区域内，不得摆摊经营。")}
    window = window_at(zone.windows, moment, season=zone.in_season)
    is_open = window is not None
    body = {"zone": {"id": zone.id, "name": zone.name, "kind": zone.kind,
                     "street": {"code": zone.street_code, "name": zone.street_name}},
            "open": is_open, "permitted": None}
    names = {"zone": zone.name}
    if vendor_id is None:
        body["reason"] = (_("%(zone)s 正在营业时段内。") if is_open else _("%(zone)s 当前不在营业时段内。")) % names
        return body
    # the permit must cover the day the open window started (01:30 on Saturday is Friday's evening)
    at = local(moment)
    day = at.date() if window is None else _window_day(window, at)
    permitted = _vendor_permitted(vendor_id, zone.id, day)
    body["permitted"] = is_open and permitted
    if not is_open:
        body["reason"] = _("%(zone)s 当前不在营业时段内，不得经营。") % names
    elif permitted:
        body["reason"] = _("该摊贩持有 %(zone)s 的有效摊位许可，可以经营。") % names
    else:
        body["reason"] = _("该摊贩没有 %(zone)s 的有效摊位许可，不得经营。") % names
    return body


def _window_day(window, at):
    from .hours import window_start_day

    return window_start_day(window["weekday"], window["opens"], window["closes"], at)
