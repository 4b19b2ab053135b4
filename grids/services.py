"""Writes to places. Every write goes through here, is atomic and audited.

`acting_user` is the person acting; None means the system itself (a management command or the demo
seed), which the audit log records by name instead.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureau import clock
from bureau.accounts.choices import Role
from bureau.audit.services import audit_record

from . import geometry, permissions
from .choices import StreetKind
from .models import (
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
# Two cells may share edges; an overlap (or a cell sticking out of its community) under this is
# digitising noise, not an error.
OVERLAP_TOLERANCE_M2 = 1.0
# Gaps smaller than this inside a community are not worth a warning.
GAP_TOLERANCE_M2 = 1.0


def _audit(acting_user, action, obj=None, detail=None):
    audit_record(actor=acting_user, action=action, obj=obj, detail=detail or {}, username=SYSTEM)


def _require_bureau(acting_user):
    if acting_user is not None and not permissions.can_change_places(acting_user):
        raise PermissionDenied(_("只有区局督查人员可以修改地点数据。"))


def kind_for_code(code: str) -> str:
    """DOMAIN §3: street codes 001-099 are 街道, 100-199 are 镇."""
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


# --- import ------------------------------------------------------------------------------------------

# Reason keys → (Chinese, English). Import reports name every offending feature with both.
REASONS = {
    "not_collection": ("文件必须是 GeoJSON FeatureCollection", "the file must be a GeoJSON FeatureCollection"),
    "not_feature": ("要素格式错误", "not a GeoJSON Feature"),
    "code_missing": ("缺少网格编码 code", "property code is missing"),
    "code_format": ("网格编码必须是 15 位数字", "the code must be 15 digits"),
    "code_prefix": ("网格编码前 6 位必须是本区代码 {district}", "the code must start with the district code {district}"),
    "code_parts": ("街道代码须为 001-199，社区代码和序号不能为 000",
                   "street code must be 001-199, community code and sequence must not be 000"),
    "duplicate_code": ("文件中网格编码重复", "the code appears more than once in the file"),
    "not_polygon": ("几何必须是 Polygon（实际为 {detail}）", "the geometry must be a Polygon (got {detail})"),
    "bad_geometry": ("几何无法解析（{detail}）", "the geometry cannot be read ({detail})"),
    "out_of_range": ("坐标超出经纬度范围", "coordinates out of the longitude/latitude range"),
    "invalid_polygon": ("多边形无效：{detail}", "invalid polygon: {detail}"),
    "missing_name": ("新街道或社区须提供 street_name 和 community_name",
                     "a new street or community needs street_name and community_name"),
    "outside_community": ("超出所属社区边界 {area:.1f} m²", "extends {area:.1f} m² outside its community boundary"),
    "overlap": ("与网格 {other} 重叠 {area:.1f} m²", "overlaps cell {other} by {area:.1f} m²"),
    "bad_attribute": ("属性 {detail} 无效", "invalid property {detail}"),
    "bad_boundary": ("社区边界无效：{detail}", "invalid community boundary: {detail}"),
    "gap": ("社区 {community} 内有 {area:.1f} m² 未被网格覆盖", "community {community} has {area:.1f} m² not covered by cells"),
}


def _reason(key, **params) -> dict:
    zh, en = REASONS[key]
    return {"reason": key, "message": f"{zh.format(**params)} / {en.format(**params)}"}


@dataclass
class ImportReport:
    """What an import found and did. `errors` name each offending feature; `warnings` list gaps."""

    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    streets_created: int = 0
    communities_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, feature_no, code, key, **params):
        self.errors.append({"feature": feature_no, "code": code, **_reason(key, **params)})

    def as_dict(self) -> dict:
        return {"ok": self.ok, "created": self.created, "updated": self.updated,
                "streets_created": self.streets_created, "communities_created": self.communities_created,
                "errors": self.errors, "warnings": self.warnings}

    def lines(self) -> list[str]:
        out = [f"[{e['code'] or '#' + str(e['feature'])}] {e['message']}" for e in self.errors]
        out += [f"(!) {w['community']}: {w['message']}" for w in self.warnings]
        return out


class GridImportError(ValidationError):
    """The file had at least one bad feature; nothing was imported. `report` names every offender."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__([f"{e['code'] or '#' + str(e['feature'])}: {e['message']}" for e in report.errors])


@dataclass
class _Candidate:
    feature_no: int
    code: str
    geom: object
    props: dict


def _date_or_none(value):
    if value in (None, ""):
        return None
    return datetime.date.fromisoformat(str(value))


def _parse_boundaries(boundaries, report: ImportReport) -> dict:
    """Community boundaries from a boundary file: {(street code, community code): (geom, props)}."""
    out = {}
    if not boundaries:
        return out
    if not isinstance(boundaries, dict) or boundaries.get("type") != "FeatureCollection":
        report.add_error(0, "", "not_collection")
        return out
    district = settings.DISTRICT_CODE
    for no, feature in enumerate(boundaries.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        code = str(props.get("code") or "").strip()
        if len(code) == 12 and code.startswith(district):
            code = code[6:]
        if not (len(code) == 6 and code.isdigit()):
            report.add_error(no, code, "bad_boundary", detail="code")
            continue
        geom = None
        try:
            geom = shapely.geometry.shape(feature.get("geometry"))
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException):
            geom = None
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon") or not geom.is_valid:
            report.add_error(no, code, "bad_boundary", detail="geometry")
            continue
        out[(code[:3], code[3:])] = (geom, props)
    return out


def _validate_features(collection, report: ImportReport) -> list[_Candidate]:
    district = settings.DISTRICT_CODE
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" or not isinstance(
        collection.get("features"), list
    ):
        report.add_error(0, "", "not_collection")
        return []
    seen: dict[str, int] = {}
    candidates = []
    for no, feature in enumerate(collection["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            report.add_error(no, "", "not_feature")
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            props = {}
        raw = props.get("code")
        code = str(raw).strip() if raw is not None else ""
        problems = []
        if not code:
            problems.append(("code_missing", {}))
        elif not (len(code) == 15 and code.isdigit()):
            problems.append(("code_format", {}))
        elif not code.startswith(district):
            problems.append(("code_prefix", {"district": district}))
        elif not (1 <= int(code[6:9]) <= 199) or code[9:12] == "000" or code[12:] == "000":
            problems.append(("code_parts", {}))
        if code and code in seen:
            problems.append(("duplicate_code", {}))
        seen.setdefault(code, no)
        geom, problem = geometry.polygon_from_geojson(feature.get("geometry"))
        if problem:
            key, detail = problem
            problems.append((key, {"detail": detail}))
        for attr, limit in (("land_use", 64), ("management_level", 32), ("responsible_body", 128)):
            value = props.get(attr)
            if value is not None and (not isinstance(value, str | int) or len(str(value)) > limit):
                problems.append(("bad_attribute", {"detail": attr}))
        for attr in ("valid_from", "valid_to"):
            try:
                _date_or_none(props.get(attr))
            except ValueError:
                problems.append(("bad_attribute", {"detail": attr}))
        for key, params in problems:
            report.add_error(no, code, key, **params)
        if not problems:
            candidates.append(_Candidate(no, code, geom, props))
    return candidates


def _check_names(candidates, report):
    streets = {s.code: s for s in Street.objects.all()}
    communities = {(c.street.code, c.code): c for c in Community.objects.select_related("street")}
    for cand in candidates:
        s_code, c_code = cand.code[6:9], cand.code[9:12]
        if s_code not in streets and not str(cand.props.get("street_name") or "").strip():
            report.add_error(cand.feature_no, cand.code, "missing_name")
        elif (s_code, c_code) not in communities and not str(cand.props.get("community_name") or "").strip():
            report.add_error(cand.feature_no, cand.code, "missing_name")
    return streets, communities


def _check_containment(candidates, boundaries, communities, report, tolerance_m2):
    for cand in candidates:
        key = (cand.code[6:9], cand.code[9:12])
        boundary = boundaries[key][0] if key in boundaries else None
        if boundary is None and key in communities and communities[key].boundary:
            boundary, _problem = geometry.polygon_from_geojson(communities[key].boundary)
            if boundary is None:
                try:
                    boundary = shapely.geometry.shape(communities[key].boundary)
                except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
                    boundary = None
        if boundary is None:
            continue
        outside = geometry.area_m2(cand.geom.difference(boundary))
        if outside > tolerance_m2:
            report.add_error(cand.feature_no, cand.code, "outside_community", area=outside)


def _check_overlaps(candidates, report, tolerance_m2):
    """Overlaps among the file's cells and with stored cells the file does not replace."""
    file_codes = {c.code for c in candidates}
    others = [
        (code, geom)
        for code, raw in GridCell.objects.exclude(code__in=file_codes).values_list("code", "geometry")
        for geom in [geometry.polygon_from_geojson(raw)[0]]
        if geom is not None
    ]
    codes = [c.code for c in candidates] + [code for code, _g in others]
    geoms = [c.geom for c in candidates] + [g for _c, g in others]
    if len(geoms) < 2:
        return
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right  # each unordered pair once, never a cell with itself
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return
    geoms_arr = np.asarray(geoms, dtype=object)
    areas = shapely.area(shapely.intersection(geoms_arr[left], geoms_arr[right]))
    n_file = len(candidates)
    for i, j, area_deg2 in zip(left.tolist(), right.tolist(), areas.tolist(), strict=True):
        if area_deg2 <= 0:
            continue
        lat = geoms[i].centroid.y
        area = area_deg2 / geometry.deg2_for_m2(1.0, lat)
        if area <= tolerance_m2:
            continue
        if i < n_file:
            cand = candidates[i]
            report.add_error(cand.feature_no, cand.code, "overlap", other=codes[j], area=area)
        if j < n_file:
            cand = candidates[j]
            report.add_error(cand.feature_no, cand.code, "overlap", other=codes[i], area=area)


def _gap_warnings(touched, boundaries, report, tolerance_m2):
    """Per community the import touched: uncovered area inside its boundary, or holes in its cells' union."""
    for street_code, community_code in sorted(touched):
        community = (
            Community.objects.filter(street__code=street_code, code=community_code).first()
        )
        cells = [
            geometry.polygon_from_geojson(raw)[0]
            for raw in GridCell.objects.filter(street__code=street_code, community__code=community_code)
            .values_list("geometry", flat=True)
        ]
        cells = [c for c in cells if c is not None]
        if not cells:
            continue
        union = shapely.union_all(cells)
        boundary = None
        if (street_code, community_code) in boundaries:
            boundary = boundaries[(street_code, community_code)][0]
        elif community is not None and community.boundary:
            try:
                boundary = shapely.geometry.shape(community.boundary)
            except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
                boundary = None
        if boundary is not None:
            gap = geometry.area_m2(boundary.difference(union))
        else:
            parts = getattr(union, "geoms", [union])
            gap = sum(geometry.area_m2(shapely.Polygon(ring)) for part in parts for ring in part.interiors)
        if gap > tolerance_m2:
            label = street_code + community_code
            report.warnings.append({"community": label, **_reason("gap", community=label, area=gap)})


@transaction.atomic
def grid_import(*, acting_user, collection, boundaries=None, source: str = "",
                tolerance_m2: float = OVERLAP_TOLERANCE_M2) -> ImportReport:
    """Import cells (and optionally community boundaries) from GeoJSON; all or nothing.

    Creates missing streets and communities from the features' `street_name`/`community_name`, updates
    cells whose code exists, creates the others. Raises GridImportError naming every offending feature.
    """
    _require_bureau(acting_user)
    report = ImportReport()
    parsed_boundaries = _parse_boundaries(boundaries, report)
    candidates = _validate_features(collection, report)
    streets, communities = _check_names(candidates, report)
    _check_containment(candidates, parsed_boundaries, communities, report, tolerance_m2)
    _check_overlaps(candidates, report, tolerance_m2)
    if report.errors:
        report.errors.sort(key=lambda e: (e["feature"], e["reason"]))
        raise GridImportError(report)

    # Streets and communities first (names from the file for new ones only: a rename is street_update's job).
    for cand in candidates:
        s_code, c_code = cand.code[6:9], cand.code[9:12]
        if s_code not in streets:
            street = Street(code=s_code, name=str(cand.props["street_name"]).strip()[:64], kind=kind_for_code(s_code))
            street.full_clean()
            street.save()
            streets[s_code] = street
            report.streets_created += 1
        if (s_code, c_code) not in communities:
            community = Community(street=streets[s_code], code=c_code,
                                  name=str(cand.props["community_name"]).strip()[:64])
            community.full_clean()
            community.save()
            communities[(s_code, c_code)] = community
            report.communities_created += 1
    for (s_code, c_code), (geom, props) in parsed_boundaries.items():
        community = communities.get((s_code, c_code))
        if community is None:
            street = streets.get(s_code)
            if street is None:
                street = Street.objects.create(code=s_code, name=str(props.get("street_name") or s_code)[:64],
                                               kind=kind_for_code(s_code))
                streets[s_code] = street
                report.streets_created += 1
            community = Community.objects.create(street=street, code=c_code,
                                                 name=str(props.get("community_name") or c_code)[:64])
            communities[(s_code, c_code)] = community
            report.communities_created += 1
        community.boundary = shapely.geometry.mapping(geom)
        community.save(update_fields=["boundary"])

    existing = {c.code: c for c in GridCell.objects.filter(code__in=[c.code for c in candidates])}
    to_create, to_update = [], []
    for cand in candidates:
        s_code, c_code = cand.code[6:9], cand.code[9:12]
        props = cand.props
        values = {
            "street": streets[s_code],
            "community": communities[(s_code, c_code)],
            "geometry": shapely.geometry.mapping(cand.geom),
            "area_m2": round(geometry.area_m2(cand.geom), 1),
            "land_use": str(props.get("land_use") or "")[:64],
            "management_level": str(props.get("management_level") or "")[:32],
            "responsible_body": str(props.get("responsible_body") or "")[:128],
            "valid_from": _date_or_none(props.get("valid_from")),
            "valid_to": _date_or_none(props.get("valid_to")),
        }
        # mapping() gives tuples; store plain lists so the JSON round-trips identically on both databases.
        values["geometry"] = {"type": "Polygon",
                              "coordinates": [[list(p) for p in ring] for ring in values["geometry"]["coordinates"]]}
        cell = existing.get(cand.code)
        if cell is None:
            cell = GridCell(code=cand.code, **values)
            to_create.append(cell)
        else:
            for key, value in values.items():
                setattr(cell, key, value)
            to_update.append(cell)
        # street and community are the rows just looked up: skip the per-row existence query for each.
        cell.clean_fields(exclude=["street", "community"])
    GridCell.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        GridCell.objects.bulk_update(
            to_update, ["street", "community", "geometry", "area_m2", "land_use", "management_level",
                        "responsible_body", "valid_from", "valid_to"], batch_size=500)
    report.created, report.updated = len(to_create), len(to_update)
    touched = {(c.code[6:9], c.code[9:12]) for c in candidates} | set(parsed_boundaries)
    _gap_warnings(touched, parsed_boundaries, report, GAP_TOLERANCE_M2)
    geometry.invalidate()
    _audit(acting_user, "grids.import", None, {
        "source": source[:200], "created": report.created, "updated": report.updated,
        "streets_created": report.streets_created, "communities_created": report.communities_created,
        "warnings": len(report.warnings),
    })
    return report


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

def _end_current(queryset, at):
    for row in queryset.select_for_update():
        row.end = at
        row.save(update_fields=["end"])


@transaction.atomic
def officer_assign(*, acting_user, cell: GridCell, officer, start=None) -> OfficerAssignment:
    """Make `officer` the cell's grid officer from `start` (default now); the previous one's row is ended."""
    if acting_user is not None and not permissions.can_assign_officer(acting_user, cell):
        raise PermissionDenied(_("只有区局督查人员或本街道大队长可以分配网格员。"))
    if officer.role != Role.OFFICER or not officer.is_active:
        raise ValidationError({"officer": [_("只能分配在职的网格员账号。")]})
    start = start or clock.now()
    cell = GridCell.objects.select_for_update().get(pk=cell.pk)
    current = OfficerAssignment.objects.current(start).filter(cell=cell).select_for_update()
    same = [a for a in current if a.officer_id == officer.pk]
    if same:
        return same[0]
    _end_current(OfficerAssignment.objects.current(start).filter(cell=cell), start)
    assignment = OfficerAssignment(cell=cell, officer=officer, start=start,
                                   assigned_by=acting_user if getattr(acting_user, "pk", None) else None)
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    _audit(acting_user, "grids.officer_assign", assignment, {"cell": cell.code, "officer": officer.username})
    return assignment


@transaction.atomic
def officer_unassign(*, acting_user, cell: GridCell, end=None) -> int:
    if acting_user is not None and not permissions.can_assign_officer(acting_user, cell):
        raise PermissionDenied(_("只有区局督查人员或本街道大队长可以分配网格员。"))
    end = end or clock.now()
    rows = list(OfficerAssignment.objects.current(end).filter(cell=cell).select_for_update())
    for row in rows:
        row.end = end
        row.save(update_fields=["end"])
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
    start = start or clock.now()
    street = Street.objects.select_for_update().get(pk=street.pk)
    current = list(StreetLeaderAssignment.objects.current(start).filter(street=street, user=user))
    if current:
        return current[0]
    _end_current(StreetLeaderAssignment.objects.current(start).filter(user=user), start)
    _end_current(StreetLeaderAssignment.objects.current(start).filter(street=street), start)
    assignment = StreetLeaderAssignment(street=street, user=user, start=start,
                                        assigned_by=acting_user if getattr(acting_user, "pk", None) else None)
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    _audit(acting_user, "grids.street_leader_assign", assignment, {"street": street.code, "user": user.username})
    return assignment


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
    start = start or clock.now()
    segment = RoadSegment.objects.select_for_update().get(pk=segment.pk)
    current = list(StreetChiefAssignment.objects.current(start).filter(segment=segment))
    same = [a for a in current if a.chief_id == chief.pk]
    if same:
        return same[0]
    _end_current(StreetChiefAssignment.objects.current(start).filter(segment=segment), start)
    assignment = StreetChiefAssignment(segment=segment, chief=chief, start=start,
                                       assigned_by=acting_user if getattr(acting_user, "pk", None) else None)
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    _audit(acting_user, "grids.street_chief_assign", assignment, {"segment": segment.code or segment.name,
                                                                  "chief": chief.username})
    return assignment


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
