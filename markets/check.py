""""May this vendor trade here now?": the zone at a point (from the in-memory zone index), whether it is open
at that moment, and whether the vendor holds a permit for it covering the day its current window started."""
from __future__ import annotations

import functools
from datetime import datetime

from django.db import connection
from django.utils.translation import gettext as _

from . import permitindex
from .hours import local, window_at
from .models import StallPermit, Vendor
from .querysets import IN_FORCE
from .zoneindex import zone_at


class UnknownVendor(Exception):
    pass


@functools.cache
def _permit_sql(vendor: str) -> str:
    """The permit question (for the database `vendor`) as one statement on the vendor's primary key and the permits' vendor index: the
    ORM's Exists() costs more to build on every call than the database takes to answer it."""
    permit, vendor, q = StallPermit._meta, Vendor._meta, connection.ops.quote_name
    col = {f.name: q(f.column) for f in permit.concrete_fields}
    statuses = ", ".join(["%s"] * len(IN_FORCE))
    # only quoted table and column names are interpolated; every value is a parameter
    return (f"SELECT EXISTS(SELECT 1 FROM {q(permit.db_table)} p WHERE p.{col['vendor']} = v.{q(vendor.pk.column)}"  # noqa: S608
            f" AND p.{col['zone']} = %s AND p.{col['status']} IN ({statuses}) AND p.{col['valid_from']} <= %s"
            f" AND p.{col['valid_to']} >= %s) FROM {q(vendor.db_table)} v WHERE v.{q(vendor.pk.column)} = %s")


def _vendor_permitted(vendor_id: int, zone_id: int, day) -> bool:
    """From the permit index, or one query when it cannot answer: raises UnknownVendor when there is no
    such vendor."""
    index = permitindex.current()
    if index is not None:
        if vendor_id not in index.vendors:
            raise UnknownVendor(vendor_id)
        return index.permitted(vendor_id, zone_id, day)
    value = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(_permit_sql(connection.vendor), [zone_id, *(str(s.value) for s in IN_FORCE), value, value, vendor_id])
        row = cursor.fetchone()
    if row is None:
        raise UnknownVendor(vendor_id)
    return bool(row[0])


def _vendor_exists(vendor_id: int) -> None:
    """From the permit index, or one query on the vendor's primary key (as above)."""
    index = permitindex.current()
    if index is not None:
        if vendor_id not in index.vendors:
            raise UnknownVendor(vendor_id)
        return
    vendor, q = Vendor._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {q(vendor.db_table)} WHERE {q(vendor.pk.column)} = %s", [vendor_id])  # noqa: S608
        if cursor.fetchone() is None:
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
