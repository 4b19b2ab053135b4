"""The vendors and their permits in force, kept in each process for the vendor check, so that asking "may
this vendor trade here?" needs no query once warm. The same scheme as the zone index (zoneindex.py,
`bureau.shared_version.VersionedIndex`): a save or delete of a vendor or permit marks the index stale here at
once and bumps a version token in the shared cache when its transaction commits; each process compares its token with the shared one at most once a
second, and rebuilds at least once a minute as a backstop for writes that bypass signals (`QuerySet.update`).
Inside a transaction that wrote vendors or permits, or without a shared cache, the check asks the database."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from bureau.shared_version import VersionedIndex

VERSION_KEY = "markets:permit-index-version"
CHECK_INTERVAL_SECONDS = 1.0
MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class PermitIndex:
    vendors: frozenset
    permits: dict  # (vendor id, zone id) -> ((valid_from, valid_to), ...) of the permits in force

    def permitted(self, vendor_id: int, zone_id: int, day) -> bool:
        return any(start <= day <= end for start, end in self.permits.get((vendor_id, zone_id), ()))


def _build() -> PermitIndex:
    from .models import StallPermit, Vendor
    from .querysets import IN_FORCE

    permits: dict = {}
    rows = StallPermit.objects.filter(status__in=IN_FORCE).values_list("vendor_id", "zone_id", "valid_from", "valid_to")
    for vendor_id, zone_id, start, end in rows:
        permits.setdefault((vendor_id, zone_id), []).append((start, end))
    return PermitIndex(frozenset(Vendor.objects.values_list("pk", flat=True)),
                       {key: tuple(spans) for key, spans in permits.items()})


_index = VersionedIndex(VERSION_KEY, "permit index", _build, check_interval=CHECK_INTERVAL_SECONDS,
                        max_age=MAX_AGE_SECONDS, database_fallback=True)


def current() -> PermitIndex | None:
    """The index, or None when the caller must ask the database (see the module's docstring)."""
    return _index.current()


def invalidate(**kwargs) -> None:
    """Vendors or permits changed: stale here at once, and everywhere once the transaction commits."""
    _index.invalidate()


def reset() -> None:
    _index.reset()


def connect_signals() -> None:
    from .models import StallPermit, Vendor

    for model in (StallPermit, Vendor):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"markets.permitindex.{model.__name__}.save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"markets.permitindex.{model.__name__}.delete")
