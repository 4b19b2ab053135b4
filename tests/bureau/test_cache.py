"""The Redis cache backend (bureau/cache.py): Django's, with one client per connection pool."""
import pytest
from django.core.cache import caches


@pytest.mark.redis
def test_the_redis_cache_reuses_one_client_and_still_reads_and_writes():
    # given the production cache backend on Redis
    cache = caches["default"]
    assert type(cache).__module__ == "bureau.cache"

    # when values go through it (set, add, incr, get_many, delete)
    cache.set("cache-test:a", {"x": 1}, 30)
    assert cache.add("cache-test:a", "other", 30) is False
    cache.set("cache-test:n", 1, 30)
    assert cache.incr("cache-test:n") == 2
    assert cache.get_many(["cache-test:a", "cache-test:n"]) == {"cache-test:a": {"x": 1}, "cache-test:n": 2}
    cache.delete_many(["cache-test:a", "cache-test:n"])
    assert cache.get("cache-test:a") is None

    # then every call of the process used the same client (Django builds a new one per call)
    backend = cache._cache
    assert backend.get_client("cache-test:a") is backend.get_client("cache-test:b", write=True)
    assert len(backend._clients) == 1
