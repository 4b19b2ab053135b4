"""Which zone a point is in, from an in-memory STRtree of the active zones with an area, built lazily in
each process. A write to zones bumps a version token in the shared cache when its transaction commits;
each process compares its token with the shared one at most once a second and rebuilds when they differ,
and the writing process rebuilds at its next lookup (the same scheme as the grid cells' index)."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import shapely
from django.db import connection, transaction
from shapely.geometry import Point

from bureau.shared_version import publish_version, shared_version

from .hours import window_at

logger = logging.getLogger(__name__)

VERSION_KEY = "markets:zone-index-version"
CHECK_INTERVAL_SECONDS = 1.0


@dataclass(frozen=True)
class IndexedZone:
    """What the check needs of a zone, detached from the database."""

    id: int
    name: str
    kind: str
    street_code: str
    street_name: str
    valid_from: date | None
    valid_to: date | None
    windows: tuple = field(default_factory=tuple)  # ({weekday, opens, closes}, ...)

    def in_season(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def open_at(self, moment) -> bool:
        return window_at(self.windows, moment, season=self.in_season) is not None


@dataclass(frozen=True)
class _Index:
    version: str | None
    tree: shapely.STRtree | None
    zones: list


_lock = threading.Lock()
_index: _Index | None = None
_checked_at = 0.0
_dirty = False


def _shared_version() -> str | None:
    return shared_version(VERSION_KEY)


def _build(version) -> _Index:
    from .models import VendorZone
    from .zonegeometry import area_shape

    zones, shapes = [], []
    rows = (VendorZone.objects.active().filter(geometry__isnull=False).select_related("street")
            .prefetch_related("windows").order_by("pk"))
    for z in rows:
        geom = area_shape(z.geometry, z.half_width_m)
        if geom is None:
            continue  # a stored area that no longer parses stays out rather than break every lookup
        windows = tuple({"weekday": w.weekday, "opens": w.opens, "closes": w.closes} for w in z.windows.all())
        zones.append(IndexedZone(z.pk, z.name, z.kind, z.street.code, z.street.name, z.valid_from, z.valid_to,
                                 windows))
        shapes.append(geom)
    if shapes:
        shapely.prepare(shapes)
    return _Index(version, shapely.STRtree(shapes) if shapes else None, zones)


def _pending_here() -> bool:
    return connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit)


def _current() -> _Index:
    global _index, _checked_at, _dirty
    index = _index
    if index is not None and not _dirty and time.monotonic() - _checked_at < CHECK_INTERVAL_SECONDS:
        return index
    with _lock:
        version = _shared_version()
        _checked_at = time.monotonic()
        if _index is None or _dirty or version is None or version != _index.version:
            _index = _build(version)
            _dirty = _pending_here()
        return _index


def _bump() -> None:
    global _dirty
    publish_version(VERSION_KEY, "zone index")
    _dirty = True


def invalidate() -> None:
    """Zones changed: rebuild here at the next lookup, and everywhere once the transaction commits."""
    global _dirty
    _dirty = True
    if not _pending_here():
        transaction.on_commit(_bump)


def reset() -> None:
    global _index, _dirty
    with _lock:
        _index, _dirty = None, False


def zone_at(lat: float, lng: float) -> IndexedZone | None:
    """The active zone whose area contains the point; of several, the one created first (lowest id)."""
    index = _current()
    if index.tree is None:
        return None
    hits = index.tree.query(Point(lng, lat), predicate="intersects")
    return index.zones[int(hits.min())] if len(hits) else None
