"""The vendors and their permits in force, kept in each process for the vendor check, so that asking "may
this vendor trade here?" needs no query once warm. The same scheme as the zone index (zoneindex.py): a save
or delete of a vendor or permit marks the index stale here at once and bumps a version token in the shared
cache when its transaction commits; each process compares its token with the shared one at most once a
second, and rebuilds at least once a minute as a backstop for writes that bypass signals (`QuerySet.update`).
Inside a transaction that wrote vendors or permits, or without a shared cache, the check asks the database."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from bureau.shared_version import publish_version, shared_version

VERSION_KEY = "markets:permit-index-version"
CHECK_INTERVAL_SECONDS = 1.0
MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class PermitIndex:
    version: str
    built_at: float
    vendors: frozenset
    permits: dict  # (vendor id, zone id) -> ((valid_from, valid_to), ...) of the permits in force

    def permitted(self, vendor_id: int, zone_id: int, day) -> bool:
        return any(start <= day <= end for start, end in self.permits.get((vendor_id, zone_id), ()))


_lock = threading.Lock()
_index: PermitIndex | None = None
_checked_at = 0.0
_dirty = False


def _build(version: str) -> PermitIndex:
    from .models import StallPermit, Vendor
    from .querysets import IN_FORCE

    permits: dict = {}
    rows = StallPermit.objects.filter(status__in=IN_FORCE).values_list("vendor_id", "zone_id", "valid_from", "valid_to")
    for vendor_id, zone_id, start, end in rows:
        permits.setdefault((vendor_id, zone_id), []).append((start, end))
    return PermitIndex(version, time.monotonic(), frozenset(Vendor.objects.values_list("pk", flat=True)),
                       {key: tuple(spans) for key, spans in permits.items()})


def _pending_here() -> bool:
    return connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit)


def current() -> PermitIndex | None:
    """The index, or None when the caller must ask the database (see the module's docstring)."""
    global _index, _checked_at, _dirty
    index, now = _index, time.monotonic()
    if (index is not None and not _dirty and now - _checked_at < CHECK_INTERVAL_SECONDS
            and now - index.built_at < MAX_AGE_SECONDS):
        return index
    if _pending_here():
        return None
    with _lock:
        version = shared_version(VERSION_KEY)  # read before the rows: a commit in between bumps it again
        _checked_at = time.monotonic()
        if version is None:
            return None
        if (_index is None or _dirty or version != _index.version
                or _checked_at - _index.built_at >= MAX_AGE_SECONDS):
            _dirty = False  # before the build: a commit landing during it marks the index stale again
            try:
                _index = _build(version)
            except Exception:
                _dirty = True  # the database failed: the next call tries again
                raise
        return _index


def _bump() -> None:
    global _dirty
    publish_version(VERSION_KEY, "permit index")
    _dirty = True


def invalidate(**kwargs) -> None:
    """Vendors or permits changed: stale here at once, and everywhere once the transaction commits."""
    global _dirty
    _dirty = True
    if not _pending_here():
        transaction.on_commit(_bump)


def reset() -> None:
    global _index, _dirty
    with _lock:
        _index, _dirty = None, False


def connect_signals() -> None:
    from .models import StallPermit, Vendor

    for model in (StallPermit, Vendor):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"markets.permitindex.{model.__name__}.save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"markets.permitindex.{model.__name__}.delete")
