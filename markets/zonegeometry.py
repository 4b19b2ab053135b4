"""A zone's area: a GeoJSON Polygon (or MultiPolygon) or a road segment (LineString) covering
`half_width_m` metres either side of the line. WGS84, GeoJSON order (lng, lat)."""
from __future__ import annotations

import math

import shapely
from django.utils.translation import gettext as _
from shapely import affinity
from shapely.geometry import shape
from shapely.validation import explain_validity

from grids.geometry import METRES_PER_DEGREE

KINDS = ("Polygon", "MultiPolygon", "LineString")


def parse(geometry):
    """(shapely geometry, None) or (None, a message) for a zone's GeoJSON geometry."""
    if not isinstance(geometry, dict) or geometry.get("type") not in KINDS:
        return None, _("范围须为 GeoJSON 的 Polygon、MultiPolygon 或 LineString。")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError, KeyError, shapely.errors.GEOSException):
        return None, _("范围不是有效的 GeoJSON 几何。")
    if geom.is_empty:
        return None, _("范围不是有效的 GeoJSON 几何。")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, _("范围的坐标超出经纬度范围（WGS84，经度在前）。")
    if not geom.is_valid:
        return None, _("范围不是有效的多边形：%(why)s") % {"why": explain_validity(geom)}
    return geom, None


def zone_shape_problem(geometry) -> str | None:
    return parse(geometry)[1]


def area_shape(geometry, half_width_m: float):
    """The area a point must fall in: the polygon itself, or the road segment widened on both sides (by a
    local equirectangular projection: metres are scaled by the cosine of the latitude along longitude)."""
    geom, problem = parse(geometry)
    if problem:
        return None
    if geom.geom_type != "LineString":
        return geom
    lat = geom.centroid.y
    k = math.cos(math.radians(lat))
    squeezed = affinity.scale(geom, xfact=k, yfact=1.0, origin=(0, 0))
    widened = squeezed.buffer(half_width_m / METRES_PER_DEGREE, cap_style="flat")
    return affinity.scale(widened, xfact=1 / k, yfact=1.0, origin=(0, 0))
