"""Point lookup and geometry helpers. WGS84 longitude/latitude throughout (GeoJSON order: lng, lat).

`locate(lat, lng)` answers from an in-memory STRtree of every cell, built lazily in each process. Any
change to cells bumps a version token in the shared cache (Redis in production) when its transaction
commits; every process (web workers, Celery workers, the embedded server) compares its own token with
the shared one at most once a second and rebuilds when they differ. The writing process also marks its
own index dirty at once, so its next lookup sees the change without waiting for the second to pass.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

import shapely
from django.db import connection, transaction
from shapely.geometry import Point, shape
from shapely.validation import explain_validity

from bureau.shared_version import publish_version, shared_version

logger = logging.getLogger(__name__)

VERSION_KEY = "grids:index-version"
# How stale a process may be after a commit elsewhere: one cache read per second per process at most.
CHECK_INTERVAL_SECONDS = 1.0
# Metres per degree of latitude (WGS84 mean); a degree of longitude is this times cos(latitude).
METRES_PER_DEGREE = 111_320.0


# --- measuring ---------------------------------------------------------------------------------------

def area_m2(geom) -> float:
    """Area in m² of a small WGS84 polygon, by a local equirectangular projection (good to <0.1 % for cells)."""
    if geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return abs(geom.area) * METRES_PER_DEGREE * METRES_PER_DEGREE * math.cos(math.radians(lat))


def deg2_for_m2(m2: float, lat: float) -> float:
    """The area in square degrees that `m2` square metres make at latitude `lat`."""
    return m2 / (METRES_PER_DEGREE * METRES_PER_DEGREE * math.cos(math.radians(lat)))


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Metres between two nearby WGS84 points, by the local equirectangular projection at their mean latitude
    (good to <0.1 % over a district; what "within 50 m" means everywhere in the product)."""
    dy = (lat2 - lat1) * METRES_PER_DEGREE
    dx = (lng2 - lng1) * METRES_PER_DEGREE * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def degree_box(lat: float, lng: float, metres: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) of a box holding every point within `metres` of (lat, lng), a little
    generous: what an SQL query filters on before `distance_m` decides (the same on SQLite and PostgreSQL)."""
    dlat = metres * 1.01 / METRES_PER_DEGREE
    dlng = metres * 1.01 / (METRES_PER_DEGREE * max(math.cos(math.radians(abs(lat) + dlat)), 1e-6))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def project_m(lat: float, lng: float, lat0: float) -> tuple[float, float]:
    """(x, y) in metres of a point on a plane tangent at latitude `lat0` (for a spatial index over a district)."""
    return lng * METRES_PER_DEGREE * math.cos(math.radians(lat0)), lat * METRES_PER_DEGREE


def polygon_from_geojson(geometry):
    """(shapely polygon, None) or (None, (reason_key, detail)) for a GeoJSON geometry dict."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        return None, ("not_polygon", str(geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__))
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException) as exc:
        return None, ("bad_geometry", str(exc)[:200])
    if geom.is_empty:
        return None, ("bad_geometry", "empty")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, ("out_of_range", f"{geom.bounds}")
    if not geom.is_valid:
        return None, ("invalid_polygon", explain_validity(geom))
    return geom, None


# --- the point index ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Index:
    version: str | None
    tree: shapely.STRtree | None
    cells: list  # GridCell instances, sorted by code, aligned with the tree's geometries
    built_at: float


_lock = threading.Lock()
_index: _Index | None = None
_checked_at = 0.0
# This process changed cells: rebuild at the next lookup without waiting for the shared version check.
_dirty = False


def _shared_version() -> str | None:
    return shared_version(VERSION_KEY)


def _build(version: str | None) -> _Index:
    from .models import GridCell

    cells = list(GridCell.objects.select_related("street", "community").order_by("code"))
    geoms = []
    for cell in cells:
        geom, _problem = polygon_from_geojson(cell.geometry)
        # A stored cell that no longer parses is kept out of the index rather than breaking every lookup.
        geoms.append(geom if geom is not None else shapely.Polygon())
    if geoms:
        # Prepared geometries make the point-in-polygon test after the tree's bounding-box pass cheap.
        shapely.prepare(geoms)
    tree = shapely.STRtree(geoms) if geoms else None
    return _Index(version=version, tree=tree, cells=cells, built_at=time.monotonic())


def _current_index() -> _Index:
    global _index, _checked_at, _dirty
    now = time.monotonic()
    index = _index
    if index is not None and not _dirty and now - _checked_at < CHECK_INTERVAL_SECONDS:
        return index
    with _lock:
        version = _shared_version()
        _checked_at = time.monotonic()
        if _index is None or _dirty or version is None or version != _index.version:
            # Read the version before the rows: a commit landing in between bumps it again, so the next
            # check rebuilds; never the other way round (rows newer than a version we then keep).
            _index = _build(version)
            # A rebuild inside a transaction that wrote cells sees rows that may yet roll back: keep the
            # index dirty while that write's commit hook is still pending (a rollback discards the hook).
            _dirty = _pending_here()
        return _index


def _pending_here() -> bool:
    """This connection's open transaction wrote cells (its version bump waits for the commit)."""
    return connection.in_atomic_block and any(
        entry[1] is _bump_shared_version for entry in connection.run_on_commit
    )


def invalidate() -> None:
    """Cells changed: rebuild here at the next lookup, and everywhere once the transaction commits."""
    global _dirty
    _dirty = True
    if not _pending_here():
        transaction.on_commit(_bump_shared_version)


def _bump_shared_version() -> None:
    global _dirty
    publish_version(VERSION_KEY, "cell index")
    _dirty = True


def reset() -> None:
    """Forget the index in this process (tests)."""
    global _index, _dirty
    with _lock:
        _index = None
        _dirty = False


def index_version() -> str | None:
    """The version this process's index was built from (for diagnostics and tests)."""
    return _index.version if _index else None


def _lookup(lat: float, lng: float):
    index = _current_index()
    if index.tree is None:
        return None
    hits = index.tree.query(Point(lng, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    # The cells are sorted by code, so the smallest position is the lowest code: a point on an edge
    # shared by two cells always gets the same one.
    return index.cells[int(hits.min())]


def locate(lat: float, lng: float):
    """The GridCell containing (lat, lng), or None outside the district. On a shared edge: the lowest code.

    The instance is shared by every caller in this process (it comes from the index): read it, do not
    modify it; re-fetch by pk before a write.
    """
    return _lookup(float(lat), float(lng))


def locate_code(lat: float, lng: float) -> str | None:
    cell = locate(lat, lng)
    return cell.code if cell is not None else None
