"""A version token in the shared cache that tells every process when data it keeps in memory has changed.

A process builds an in-memory structure (grids' cell index, the gazetteer's road segments, markets' zone and permit
indexes) and remembers the token it was built from; a writer publishes a new token when its transaction commits;
every process compares now and then and rebuilds when the token moved. Redis in production, so web and worker processes on any host agree.
`VersionedIndex` is that scheme once, for the indexes that use it (grids' cell index keeps its own).
"""
import logging
import threading
import time
import uuid

from django.core.cache import cache

logger = logging.getLogger(__name__)


def new_token() -> str:
    return f"{time.time_ns()}-{uuid.uuid4().hex[:12]}"


def shared_version(key: str) -> str | None:
    """The token now published under `key`, publishing one if there is none (a fresh or evicted cache), so that
    every process agrees on it instead of rebuilding at each check; add() keeps a concurrent publisher's token.
    None when the cache does not answer: the caller rebuilds rather than go stale."""
    try:
        version = cache.get(key)
        if version is None:
            cache.add(key, new_token(), timeout=None)
            version = cache.get(key)
        return version
    except Exception:  # noqa: BLE001 - a cache outage must not stop lookups
        return None


def publish_version(key: str, what: str) -> None:
    """Publish a new token under `key`; other processes rebuild when the cache answers again if this fails."""
    try:
        cache.set(key, new_token(), timeout=None)
    except Exception:  # noqa: BLE001
        logger.warning("could not publish the %s version", what, exc_info=True)


class VersionedIndex:
    """Something built from the database and kept in this process, rebuilt when the version under `key` moves.

    `current()` answers from memory while the version it was built from is checked at most once every
    `check_interval` seconds; `invalidate()` (a writer, or a signal receiver) marks it stale in this process at
    once and publishes a new version when the transaction commits, so every other process rebuilds too. A build
    inside a transaction that wrote the data sees rows that may yet roll back, so the index stays stale while that
    write's commit hook is pending (a rollback discards the hook). `max_age` (seconds) rebuilds it anyway now and
    then, a backstop for writes that bypass signals. With `database_fallback`, `current()` gives None instead of
    building when the answer could be wrong (inside such a transaction, or when the shared cache does not answer)
    and the caller asks the database; without it, it builds from what this connection sees and, with no shared
    cache, rebuilds at every check.
    """

    def __init__(self, key: str, what: str, build, *, check_interval: float = 1.0, max_age: float | None = None,
                 database_fallback: bool = False):
        self.key, self.what, self.build = key, what, build
        self.check_interval, self.max_age, self.database_fallback = check_interval, max_age, database_fallback
        self._lock = threading.Lock()
        self._value = None
        self.version: str | None = None
        self._built_at = 0.0
        self._checked_at = 0.0
        self.dirty = False
        # one object, registered with on_commit and recognised there by identity (a bound method is new each time)
        self._bump_hook = self._bump

    def _fresh(self, now: float) -> bool:
        return (self._value is not None and not self.dirty and now - self._checked_at < self.check_interval
                and (self.max_age is None or now - self._built_at < self.max_age))

    def current(self):
        value = self._value
        if value is not None and self._fresh(time.monotonic()):
            return value
        if self.database_fallback and self.pending_here():
            return None
        with self._lock:
            # the version before the rows: a commit landing in between bumps it again, so the next check rebuilds
            version = shared_version(self.key)
            self._checked_at = now = time.monotonic()
            if version is None and self.database_fallback:
                return None
            if (self._value is None or self.dirty or version is None or version != self.version
                    or (self.max_age is not None and now - self._built_at >= self.max_age)):
                self.dirty = False  # before the build: a commit landing during it marks the index stale again
                try:
                    self._value = self.build()
                except Exception:
                    self.dirty = True  # the database failed: the next call tries again
                    raise
                self.version, self._built_at = version, time.monotonic()
                if self.pending_here():
                    self.dirty = True
            return self._value

    def pending_here(self) -> bool:
        """This connection's open transaction wrote the data (its version bump waits for the commit)."""
        from django.db import connection

        return connection.in_atomic_block and any(entry[1] is self._bump_hook for entry in connection.run_on_commit)

    def invalidate(self) -> None:
        """The data changed: rebuild here at the next lookup, and everywhere once the transaction commits."""
        from django.db import transaction

        self.dirty = True
        if not self.pending_here():
            transaction.on_commit(self._bump_hook)

    def _bump(self) -> None:
        publish_version(self.key, self.what)
        self.dirty = True

    def reset(self) -> None:
        """Forget the index in this process (tests)."""
        with self._lock:
            self._value, self.version, self.dirty = None, None, False
