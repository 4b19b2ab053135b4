"""Writes to places. Every write goes through here (the GeoJSON import through grids/imports.py, which
uses the same checks and audit), is atomic and audited.

`acting_user` is the person acting; None means the system itself (a management command or the demo
seed), which the audit log records by name instead.
"""
from __future__ import annotations

import shapely
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureau import clock
from bureau.accounts.choices import Role
from bureau.audit.services import audit_record

from . import permissions
from .choices import StreetKind
from .models import (
    Assignment,
    Community,
    GridCell,
    NamedPlace,
    OfficerAssignment,
    RoadSegment,
    Street,
    StreetChiefAssignment,
    StreetLeaderAssignment,
)

SYSTEM = "system"


def _audit(acting_user, action, obj=None, detail=None):
    audit_record(actor=acting_user, action=action, obj=obj, detail=detail or {}, username=SYSTEM)


def _require_bureau(acting_user):
    if acting_user is not None and not permissions.can_change_places(acting_user):
        raise PermissionDenied(_("只有区局督查人员可以修改地点数据。"))


def kind_for_code(code: str) -> str:
    """GB/T 2260 numbering below the district: street codes 001-099 are 街道, 100-199 are 镇."""
    return StreetKind.TOWN if code and code.isdigit() and 100 <= int(code) <= 199 else StreetKind.STREET


# --- streets and communities -------------------------------------------------------------------------

@transaction.atomic
def street_create(*, acting_user, code: str, name: str, kind: str | None = None, boundary=None) -> Street:
    _require_bureau(acting_user)
    street = Street(code=code, name=name, kind=kind or kind_for_code(code), boundary=boundary)
    street.full_clean()
    street.save()
    _audit(acting_user, "street.create", street, {"code": code, "name": name})
    return street


@transaction.atomic
def street_update(*, acting_user, street: Street, **changes) -> Street:
    _require_bureau(acting_user)
    allowed = {"name", "kind", "boundary"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({k: _("不能修改此字段。") for k in unknown})
    street = Street.objects.select_for_update().get(pk=street.pk)
    for key, value in changes.items():
        setattr(street, key, value)
    street.full_clean()
    street.save()
    _audit(acting_user, "street.update", street, {k: str(v)[:200] for k, v in changes.items()})
    return street


@transaction.atomic
def community_create(*, acting_user, street: Street, code: str, name: str, boundary=None) -> Community:
    _require_bureau(acting_user)
    community = Community(street=street, code=code, name=name, boundary=boundary)
    community.full_clean()
    community.save()
    _audit(acting_user, "community.create", community, {"code": community.full_code, "name": name})
    return community


@transaction.atomic
def community_update(*, acting_user, community: Community, **changes) -> Community:
    _require_bureau(acting_user)
    unknown = set(changes) - {"name", "boundary"}
    if unknown:
        raise ValidationError({k: _("不能修改此字段。") for k in unknown})
    community = Community.objects.select_for_update().select_related("street").get(pk=community.pk)
    for key, value in changes.items():
        setattr(community, key, value)
    community.full_clean()
    community.save()
    _audit(acting_user, "community.update", community, {k: str(v)[:200] for k, v in changes.items()})
    return community


# --- export ------------------------------------------------------------------------------------------

def cell_feature(cell: GridCell, officer=None) -> dict:
    props = {
        "code": cell.code,
        "street_code": cell.street.code,
        "street_name": cell.street.name,
        "community_code": cell.community.code,
        "community_name": cell.community.name,
        "area_m2": cell.area_m2,
        "land_use": cell.land_use,
        "management_level": cell.management_level,
        "responsible_body": cell.responsible_body,
        "valid_from": cell.valid_from.isoformat() if cell.valid_from else None,
        "valid_to": cell.valid_to.isoformat() if cell.valid_to else None,
    }
    if officer is not None:
        props["officer"] = {"username": officer.username, "name": officer.get_full_name() or officer.username}
    return {"type": "Feature", "id": cell.code, "geometry": cell.geometry, "properties": props}


def cells_feature_collection(cells, *, with_officers: bool = False) -> dict:
    """A GeoJSON FeatureCollection of `cells` (a queryset; with_current_officer() when with_officers)."""
    features = []
    for cell in cells:
        officer = None
        if with_officers:
            current = getattr(cell, "current_officers", None)
            officer = current[0].officer if current else None
        feature = cell_feature(cell, officer)
        if with_officers and officer is None:
            feature["properties"]["officer"] = None
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


# --- assignments -------------------------------------------------------------------------------------

def _end_current(rows, at):
    for row in rows:
        row.end = at
        row.save(update_fields=["end"])


def _assign(model: type[Assignment], *, acting_user, place, person, start=None, action: str, detail: dict,
           one_place_per_person: bool = False) -> Assignment:
    """Make `person` the holder of `place` from `start` (default now), the one way every kind of assignment
    changes: lock the place; if the person already holds it, keep that row; otherwise end the current
    holder's row (and, when a person holds one place at a time, the person's other row), insert the new
    row and audit it. Callers check who may act and who may be assigned; they run inside their atomic."""
    start = start or clock.now()
    place = type(place).objects.select_for_update().get(pk=place.pk)
    current = model.objects.current(start)
    held = list(current.filter(**{model.place_field: place}).select_for_update())
    for row in held:
        if getattr(row, f"{model.person_field}_id") == person.pk:
            return row
    if one_place_per_person:
        _end_current(current.filter(**{model.person_field: person}).select_for_update(), start)
    _end_current(held, start)
    assignment = model(**{model.place_field: place, model.person_field: person}, start=start,
                       assigned_by=acting_user if getattr(acting_user, "pk", None) else None)
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    _audit(acting_user, action, assignment, detail)
    return assignment


@transaction.atomic
def officer_assign(*, acting_user, cell: GridCell, officer, start=None) -> OfficerAssignment:
    """Make `officer` the cell's grid officer from `start` (default now); the previous one's row is ended."""
    if acting_user is not None and not permissions.can_assign_officer(acting_user, cell):
        raise PermissionDenied(_("只有区局督查人员或本街道大队长可以分配网格员。"))
    if officer.role != Role.OFFICER or not officer.is_active:
        raise ValidationError({"officer": [_("只能分配在职的网格员账号。")]})
    return _assign(OfficerAssignment, acting_user=acting_user, place=cell, person=officer, start=start,
                  action="grids.officer_assign", detail={"cell": cell.code, "officer": officer.username})


@transaction.atomic
def officer_unassign(*, acting_user, cell: GridCell, end=None) -> int:
    if acting_user is not None and not permissions.can_assign_officer(acting_user, cell):
        raise PermissionDenied(_("只有区局督查人员或本街道大队长可以分配网格员。"))
    end = end or clock.now()
    rows = list(OfficerAssignment.objects.current(end).filter(cell=cell).select_for_update())
    _end_current(rows, end)
    if rows:
        _audit(acting_user, "grids.officer_unassign", cell, {"cell": cell.code})
    return len(rows)


@transaction.atomic
def officer_assign_many(*, acting_user, cells, officer, start=None) -> int:
    """Give `officer` every cell in `cells` that has no current officer (the demo seed's bulk path)."""
    cells = list(cells)
    if acting_user is not None and not all(permissions.can_assign_officer(acting_user, c) for c in cells):
        raise PermissionDenied(_("只有区局督查人员或本街道大队长可以分配网格员。"))
    if officer.role != Role.OFFICER:
        raise ValidationError({"officer": [_("只能分配在职的网格员账号。")]})
    start = start or clock.now()
    held = set(OfficerAssignment.objects.current(start).filter(cell__in=cells).values_list("cell_id", flat=True))
    by = acting_user if getattr(acting_user, "pk", None) else None
    rows = [OfficerAssignment(cell=c, officer=officer, start=start, assigned_by=by) for c in cells if c.pk not in held]
    OfficerAssignment.objects.bulk_create(rows)
    if rows:
        _audit(acting_user, "grids.officer_assign_many", None,
               {"officer": officer.username, "cells": [r.cell.code for r in rows][:50], "count": len(rows)})
    return len(rows)


@transaction.atomic
def street_leader_assign(*, acting_user, street: Street, user, start=None) -> StreetLeaderAssignment:
    """Make `user` the street's brigade leader; their previous street and the street's previous leader end."""
    _require_bureau(acting_user)
    if user.role != Role.LEADER or not user.is_active:
        raise ValidationError({"user": [_("只能任命在职的街道大队长账号。")]})
    return _assign(StreetLeaderAssignment, acting_user=acting_user, place=street, person=user, start=start,
                  action="grids.street_leader_assign", detail={"street": street.code, "user": user.username},
                  one_place_per_person=True)


# --- road segments -----------------------------------------------------------------------------------

def _validate_line(line):
    if line in (None, {}):
        return None
    try:
        geom = shapely.geometry.shape(line)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        raise ValidationError({"line": [_("走向必须是 GeoJSON LineString。")]}) from exc
    if geom.geom_type not in ("LineString", "MultiLineString") or geom.is_empty:
        raise ValidationError({"line": [_("走向必须是 GeoJSON LineString。")]})
    return line


@transaction.atomic
def road_segment_create(*, acting_user, street: Street, name: str, code: str | None = None,
                        line=None, road: str = "", number_from=None, number_to=None) -> RoadSegment:
    _require_bureau(acting_user)
    segment = RoadSegment(street=street, name=name, code=code or None, line=_validate_line(line), road=road,
                          number_from=number_from, number_to=number_to)
    segment.full_clean()
    segment.save()
    _audit(acting_user, "grids.road_segment_create", segment, {"street": street.code, "name": name})
    return segment


@transaction.atomic
def road_segment_update(*, acting_user, segment: RoadSegment, **changes) -> RoadSegment:
    _require_bureau(acting_user)
    unknown = set(changes) - {"name", "line", "street", "road", "number_from", "number_to"}
    if unknown:
        raise ValidationError({k: _("不能修改此字段。") for k in unknown})
    segment = RoadSegment.objects.select_for_update().get(pk=segment.pk)
    if "line" in changes:
        changes["line"] = _validate_line(changes["line"])
    for key, value in changes.items():
        setattr(segment, key, value)
    segment.full_clean()
    segment.save()
    _audit(acting_user, "grids.road_segment_update", segment, {k: str(v)[:200] for k, v in changes.items()})
    return segment


@transaction.atomic
def street_chief_assign(*, acting_user, segment: RoadSegment, chief, start=None) -> StreetChiefAssignment:
    """Make `chief` the segment's street chief (街长); the previous chief's row is ended."""
    _require_bureau(acting_user)
    if not chief.is_active or not chief.is_field_staff:
        raise ValidationError({"chief": [_("街长必须是在职的执法人员账号。")]})
    return _assign(StreetChiefAssignment, acting_user=acting_user, place=segment, person=chief, start=start,
                  action="grids.street_chief_assign",
                  detail={"segment": segment.code or segment.name, "chief": chief.username})


# --- named places (the gazetteer's markets, squares, zones) ---------------------------------------------

@transaction.atomic
def named_place_save(*, acting_user, name: str, street: Street, lat: float, lng: float, kind: str = "",
                     aliases: str = "") -> NamedPlace:
    """Create the named place, or update the one of that name; a second identical call changes nothing."""
    _require_bureau(acting_user)
    place = NamedPlace.objects.select_for_update().filter(name=name).first() or NamedPlace(name=name)
    values = {"street": street, "lat": lat, "lng": lng, "kind": kind, "aliases": aliases}
    if place.pk and all(getattr(place, k) == v for k, v in values.items()):
        return place
    for key, value in values.items():
        setattr(place, key, value)
    place.full_clean()
    place.save()
    _audit(acting_user, "grids.named_place_save", place, {"name": name, "street": street.code})
    return place
