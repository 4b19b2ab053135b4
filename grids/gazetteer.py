"""The bureau's gazetteer, both ways: an address as people write it → a point, and a point → an address.

Forward (`locate_address`), most specific first: a named place (a market, a square, a vendor zone) or one
of its aliases; a road and house number ("古南路128号"), interpolated along the road segment whose
house-number range holds the number; a road without a number (the middle of its first segment); a
community ("古南社区"); a street ("古南街道"). A street or community named in the text narrows the road
segments to that street's.

Backward (`describe_point`): the nearest road segment within NEAR_DEGREES gives "古南路 128 号附近"
(the number interpolated along its range, or just "古南路附近" without one), followed by the community
of the point's grid cell: "古南路 128 号附近, 古南社区". With no road near, the cell's code stands in for
the road. The address is stored on the case as data, in the district's own language, so it is not
translated.

`describe_point` runs for every case reported and every patrol finding, so its road segments are kept in
each process: their lines parsed once, in an STRtree, in a fixed order (the segments' own: street code, name,
then pk; of two segments equally near, the first wins). It is a `bureau.shared_version.VersionedIndex`: a save
or delete of a segment (grids/signals.py) marks it stale in the writing process at once and publishes a new
version in the shared cache when the transaction commits; every other process sees the version move within a
second and rebuilds. A write that sends no signal (a bulk write) calls `invalidate()` itself. A lookup with
the index warm asks the database nothing. The forward direction (`locate_address`) reads its tables at each
call: they are small and it runs only for addresses typed in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import shapely

from bureau.shared_version import VersionedIndex

from .models import Community, NamedPlace, RoadSegment, Street

# How far a road may be from a point to name it (degrees; about 200 m at the district's latitude).
NEAR_DEGREES = 0.002
_SPACES = re.compile(r"\s+")
ROADS_VERSION_KEY = "grids:road-index-version"
# How stale another process's edit of a road segment may leave this process's answer (one cache read at most).
CHECK_INTERVAL_SECONDS = 1.0


@dataclass(frozen=True)
class Match:
    """Where an address string points: WGS84 `lat`/`lng`, what matched (`kind`) and its name."""

    lat: float
    lng: float
    kind: str  # "place", "road_number", "road", "community", "street"
    label: str


def _normalise(text: str) -> str:
    text = _SPACES.sub("", str(text or "")).replace("（", "(").replace("）", ")")
    return text


def _centroid(geojson):
    if not geojson:
        return None
    try:
        point = shapely.geometry.shape(geojson).representative_point()
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
        return None
    return point.y, point.x


def _line(segment):
    if not segment.line:
        return None
    try:
        geom = shapely.geometry.shape(segment.line)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
        return None
    if geom.geom_type == "MultiLineString":
        geom = shapely.line_merge(geom)
    return geom if geom.geom_type == "LineString" and not geom.is_empty else None


def _road_name(segment) -> str:
    # Without its own road name, a segment's name up to the bracket ("井冈山大道（古南街道段）") is the road.
    return segment.road or segment.name.split("（")[0].split("(")[0].strip()


def _number_at(segment, line, fraction: float) -> int | None:
    if segment.number_from is None or segment.number_to is None:
        return None
    return max(1, round(segment.number_from + fraction * (segment.number_to - segment.number_from)))


def _fraction_of(segment, number: int) -> float | None:
    lo, hi = segment.number_from, segment.number_to
    if lo is None or hi is None or not min(lo, hi) <= number <= max(lo, hi):
        return None
    return 0.5 if lo == hi else (number - lo) / (hi - lo)


def locate_address(text: str) -> Match | None:
    """The point an address string names, or None when the gazetteer knows none of it."""
    # Names are looked for anywhere in the text, so a province/city/district prefix needs no stripping.
    rest = _normalise(text)
    if not rest:
        return None
    # 1. Named places: the longest name or alias found in the text wins ("人民广场" over "广场").
    best = None
    for place in NamedPlace.objects.all():
        for name in place.names:
            if name and name in rest and (best is None or len(name) > len(best[0])):
                best = (name, place)
    if best is not None:
        place = best[1]
        return Match(place.lat, place.lng, "place", place.name)
    streets = [s for s in Street.objects.all() if s.name and s.name in rest]
    communities = [c for c in Community.objects.select_related("street") if c.name and c.name in rest]
    if streets:  # two streets may each have a community of the same name: the street the text names decides
        communities = [c for c in communities if c.street_id in {st.pk for st in streets}] or communities
    # 2-3. Roads: a segment whose road name is in the text, in a street the text names if it names one.
    segments = list(RoadSegment.objects.select_related("street").order_by("street__code", "code", "pk"))
    if streets:
        narrowed = [s for s in segments if s.street_id in {st.pk for st in streets}]
        segments = narrowed or segments
    roads = sorted({_road_name(s) for s in segments if _road_name(s) and _road_name(s) in rest}, key=len,
                   reverse=True)
    for road in roads:
        on_road = [s for s in segments if _road_name(s) == road and _line(s) is not None]
        number = re.search(re.escape(road) + r"(\d{1,5})号?", rest)
        if number:
            wanted = int(number.group(1))
            for segment in on_road:
                fraction = _fraction_of(segment, wanted)
                if fraction is not None:
                    point = _line(segment).interpolate(fraction, normalized=True)
                    return Match(point.y, point.x, "road_number", f"{road}{wanted}号")
        if on_road:
            point = _line(on_road[0]).interpolate(0.5, normalized=True)
            return Match(point.y, point.x, "road", road)
    # 4-5. A community, then a street: a point inside its boundary.
    for community in sorted(communities, key=lambda c: len(c.name), reverse=True):
        point = _centroid(community.boundary) or _first_cell_point(community=community)
        if point:
            return Match(point[0], point[1], "community", community.name)
    for street in sorted(streets, key=lambda s: len(s.name), reverse=True):
        point = _centroid(street.boundary) or _first_cell_point(street=street)
        if point:
            return Match(point[0], point[1], "street", street.name)
    return None


def _first_cell_point(**filters):
    from .models import GridCell

    cell = GridCell.objects.filter(**filters).order_by("code").first()
    return _centroid(cell.geometry) if cell else None


@dataclass(frozen=True)
class _Roads:
    segments: list  # RoadSegment instances (the fields nearest_road reads), aligned with `lines`
    lines: list
    tree: shapely.STRtree | None


def _build_roads() -> _Roads:
    segments, lines = [], []
    rows = (RoadSegment.objects.only("id", "name", "road", "line", "number_from", "number_to")
            .order_by("street__code", "name", "pk"))  # the model's ordering, and the pk between equals
    for segment in rows:
        line = _line(segment)
        if line is not None:  # a segment without a usable line names no point
            segments.append(segment)
            lines.append(line)
    return _Roads(segments, lines, shapely.STRtree(lines) if lines else None)


_roads = VersionedIndex(ROADS_VERSION_KEY, "road index", _build_roads, check_interval=CHECK_INTERVAL_SECONDS)


def invalidate() -> None:
    """Road segments changed: rebuild here at the next lookup, and everywhere once the transaction commits."""
    _roads.invalidate()


def reset() -> None:
    """Forget the road index in this process (tests)."""
    _roads.reset()


def nearest_road(lat: float, lng: float):
    """(segment, house number or None, distance in degrees) of the road nearest the point, or None.

    The segment is shared by every caller in this process (it comes from the index): read it, do not modify it.
    """
    roads = _roads.current()
    if roads.tree is None:
        return None
    point = shapely.Point(lng, lat)
    # every segment at the smallest distance, if it is within NEAR_DEGREES; of those, the first in the order
    hits = roads.tree.query_nearest(point, max_distance=NEAR_DEGREES, all_matches=True)
    if len(hits) == 0:
        return None
    i = int(hits.min())
    segment, line = roads.segments[i], roads.lines[i]
    return segment, _number_at(segment, line, line.project(point, normalized=True)), line.distance(point)


def describe_point(lat: float, lng: float, *, cell=None) -> str:
    """"古南路 128 号附近, 古南社区" for a point of the district; "" outside it."""
    if cell is None:
        from .geometry import locate

        cell = locate(lat, lng)
    if cell is None:
        return ""
    if type(cell).community.is_cached(cell):  # the cell index's cells come with their community
        community = cell.community.name
    else:
        community = Community.objects.filter(pk=cell.community_id).values_list("name", flat=True).first() or ""
    near = nearest_road(lat, lng)
    if near is None:
        where = f"网格 {cell.code}"
    else:
        segment, number, _distance = near
        road = _road_name(segment)
        where = f"{road} {number} 号附近" if number is not None else f"{road}附近"
    return f"{where}, {community}" if community else where
