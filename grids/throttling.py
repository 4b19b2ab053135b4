"""A constant-cost throttle for the hot lookup endpoint.

DRF's SimpleRateThrottle keeps every request time of the last window in the cache and pickles the whole
list on each request: at a few thousand requests a minute that costs more than the lookup itself. This
one counts requests in fixed windows with one atomic increment, and allows the same configured rate
(the `user` rate, at least 6,000 a minute per CONTRACT §3).
"""
import time

from django.core.cache import cache
from rest_framework.throttling import UserRateThrottle


class FixedWindowUserThrottle(UserRateThrottle):
    scope = "user"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"{ident}:fw:{window}"
        self._window_end = (window + 1) * self.duration
        self._now = now
        try:
            count = cache.incr(key)  # one round trip in the common case: the window's key exists
        except ValueError:  # the first request of the window
            count = 1 if cache.add(key, 1, timeout=int(self.duration) + 5) else cache.incr(key)
        return count <= self.num_requests

    def wait(self):
        return max(0.0, self._window_end - self._now)
