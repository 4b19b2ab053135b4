"""Which zone a point is in, from an in-memory STRtree of the active zones with an area, built lazily in
each process. A write to zones bumps a version token in the shared cache when its transaction commits;
each process compares its token with the shared one at most once a second and rebuilds when they differ,
and the writing process rebuilds at its next lookup (`bureau.shared_version.VersionedIndex`, the same scheme as
the grid cells' index)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

import shapely
from shapely.geometry import Point

from bureau.shared_version import VersionedIndex

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
    tree: shapely.STRtree | None
    zones: list


def _build() -> _Index:
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
    return _Index(shapely.STRtree(shapes) if shapes else None, zones)


_index = VersionedIndex(VERSION_KEY, "zone index", _build, check_interval=CHECK_INTERVAL_SECONDS)


def invalidate() -> None:
    """Zones changed: rebuild here at the next lookup, and everywhere once the transaction commits."""
    _index.invalidate()


def reset() -> None:
    _index.reset()


def zone_at(lat: float, lng: float) -> IndexedZone | None:
    """The active zone whose area contains the point; of several, the one created first (lowest id)."""
    index = _index.current()
    if index.tree is None:
        return None
    hits = index.tree.query(Point(lng, lat), predicate="intersects")
    return index.zones[int(hits.min())] if len(hits) else None
