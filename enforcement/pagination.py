"""Case lists (API and workbench): the API's page shape ({count, next, previous, results}), with the total count cached between writes.

Counting tens of thousands of matching rows costs more than fetching the page itself. A large count is
cached under a version that every case write bumps (at once and again on commit), keyed by the caller's
scope and filters, so a count is not served after a write through the services; a short TTL bounds what a
process with a private cache could miss (a write made in another process with its own local cache).
"""
import functools
import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.utils.functional import cached_property

from bureau.api.pagination import StandardPagination

VERSION_KEY = "enforcement:cases:version"
COUNT_TTL = 30  # seconds
# Only large counts are cached: small ones cost little, and a list a person just changed stays exact.
CACHE_FROM = 1000


def bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def cases_changed():
    """Called by every service that writes cases: counts cached before the write are not used again."""
    bump()  # now, for readers inside this transaction (and tests, which never commit) ...
    transaction.on_commit(bump)  # ... and again once the write is visible to everybody


def count_key(request, ignore=("page", "page_size")) -> str:
    """The caller's scope and filters: bureau staff share one scope, everybody else has their own."""
    user = request.user
    scope = "bureau" if user.is_bureau_staff else f"user:{user.pk}"
    params = sorted((k, v) for k, v in request.GET.lists() if k not in ignore)
    digest = hashlib.sha1(f"{scope}|{params!r}".encode(), usedforsecurity=False).hexdigest()
    return f"{request.path}|{digest}"


class CachedCountPaginator(Paginator):
    """`counted`, when given, is the same rows as the page's queryset without its columns' joins: it is what
    gets counted (a `.values()` of related columns joins every related table into the count too, five times
    the cost of counting the cases alone)."""

    def __init__(self, *args, count_key=None, counted=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.counted = counted

    def _exact_count(self):
        return self.counted.count() if self.counted is not None else Paginator.count.func(self)

    @cached_property
    def count(self):
        if not self.count_key:
            return self._exact_count()
        key = count_cache_key(self.count_key)
        found = cache.get_many([VERSION_KEY, key])
        value = fresh_count(found.get(VERSION_KEY), found.get(key))
        if value is None:
            value = self._exact_count()
            keep_count(self.count_key, found.get(VERSION_KEY), value)
        return value


def count_cache_key(scope_key: str) -> str:
    return f"enforcement:cases:count:{scope_key}"


def fresh_count(version, entry) -> int | None:
    """The count kept in `entry` if it was counted at the cases' current `version` (no write since)."""
    if entry is None or not isinstance(entry, tuple) or entry[0] != (version or 0):
        return None
    return entry[1]


def keep_count(scope_key: str, version, value: int) -> None:
    if value >= CACHE_FROM:
        cache.set(count_cache_key(scope_key), (version or 0, value), COUNT_TTL)


class CasePagination(StandardPagination):
    count_key = None
    counted = None  # set by the view: the rows to count (see CachedCountPaginator)

    @property
    def django_paginator_class(self):
        return functools.partial(CachedCountPaginator, count_key=self.count_key, counted=self.counted)

    def paginate_queryset(self, queryset, request, view=None):
        self.count_key = count_key(request)
        return super().paginate_queryset(queryset, request, view)
