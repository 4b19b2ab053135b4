"""The GeoJSON import of grid cells (and optionally community boundaries): all or nothing.

`grid_import` validates every feature (codes, polygons, names, containment in the community, overlaps)
and reports each offending feature with its reason in Chinese and English before writing anything;
then it creates the missing streets and communities, creates or updates the cells, and audits the run.
Called by the admin upload, the `import_grids` command and the demo seed.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from . import geometry
from .models import Community, GridCell, Street
from .services import _audit, _require_bureau, kind_for_code

# Two cells may share edges; an overlap (or a cell sticking out of its community) under this is
# digitising noise, not an error.
OVERLAP_TOLERANCE_M2 = 1.0
# Gaps smaller than this inside a community are not worth a warning.
GAP_TOLERANCE_M2 = 1.0

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
