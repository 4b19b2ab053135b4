"""A version token in the shared cache that tells every process when data it keeps in memory has changed.

A process builds an in-memory structure (grids' cell index, markets' zone index) and remembers the token it was
built from; a writer publishes a new token when its transaction commits; every process compares now and then and
rebuilds when the token moved. Redis in production, so web and worker processes on any host agree.
"""
import logging
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
