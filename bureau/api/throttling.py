"""The project's fixed-window throttle, for endpoints called thousands of times a minute.

DRF's SimpleRateThrottle keeps every request time of the last window in the cache and rewrites the whole
list on each request: at the rates a city platform or every field phone reaches, that costs more than the
answer itself (a cell lookup, a cached ranking). This one counts requests in fixed windows with one atomic
increment and allows the same configured rates: `user` for a signed-in client, `anon` otherwise, read from
the settings at each request (so a settings override in a test or a benchmark applies at once).

Each endpoint group keeps its own counters (`bucket`), so a client's lookups do not spend its budget for
the rankings, as with DRF's scoped throttles.
"""
import time
from functools import lru_cache

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@lru_cache(maxsize=32)
def parse_rate(rate: str) -> tuple[int, int]:
    """'6000/min' -> (6000, 60): DRF's rate syntax (only the period's first letter counts)."""
    number, period = rate.split("/")
    return int(number), _SECONDS[period[0]]


def count_in_window(key: str, timeout: int) -> int:
    """Add one to a window's counter and return it. On Redis one INCR (Django's cache.incr checks EXISTS
    first, two round trips); the window's first request sets the expiry."""
    redis_cache = getattr(cache, "_cache", None)
    if redis_cache is not None and hasattr(redis_cache, "get_client"):
        client = redis_cache.get_client(key, write=True)
        raw_key = cache.make_and_validate_key(key)
        count = client.incr(raw_key)
        if count == 1:
            client.expire(raw_key, timeout)
        return count
    try:
        return cache.incr(key)  # the window's key exists in the common case
    except ValueError:  # the first request of the window
        return 1 if cache.add(key, 1, timeout) else cache.incr(key)


class FixedWindowThrottle(BaseThrottle):
    """The configured `user`/`anon` rate, counted per client in fixed windows; subclasses name their bucket.

    `allow_request` also accepts a plain Django request with `user` set (a fast path outside DRF), and
    `view` may be None: nothing here reads the view.
    """

    bucket = "api"

    def window(self, request):
        """(the counter's cache key, the number allowed, the window's seconds) for this request's client now, or
        None when no rate is configured. Sets `wait_seconds` for `wait()`."""
        user = getattr(request, "user", None)
        scope = "user" if user is not None and user.is_authenticated else "anon"
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if not rate:
            return None
        number, seconds = parse_rate(rate)
        ident = user.pk if scope == "user" else self.get_ident(request)
        now = time.time()
        window = int(now // seconds)
        self.wait_seconds = (window + 1) * seconds - now
        return f"throttle:fw:{self.bucket}:{scope}:{ident}:{seconds}:{window}", number, seconds

    def allow_request(self, request, view):
        found = self.window(request)
        if found is None:
            return True
        key, number, seconds = found
        counted = getattr(request, "_fast_lane_count", None)  # the API's fast lane counted it already
        if counted is not None and counted[0] == key:
            return counted[1] <= number
        return count_in_window(key, seconds + 1) <= number

    def wait(self):
        return getattr(self, "wait_seconds", None)
