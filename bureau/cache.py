"""Django's Redis cache backend, keeping one `redis.Redis` client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call (each one filling its table
of some 80 response callbacks): six times a request on the API's hot path (token, throttle, published rankings),
about a third of a millisecond of CPU per request. A client holds no per-call state (it borrows a connection from
the pool for each command and gives it back), so one per pool serves every thread of the process.
"""
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)  # random among the replicas for a read: chosen once
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            # Two threads may both build one at first: either is fine, the pool is the same.
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache` with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def get_and_count(keys: list[str], counter: str, timeout: int) -> tuple[list, int]:
    """The values under `keys` (None where missing) and the counter `counter` after adding one (its expiry set
    to `timeout` seconds when this made it), in one round trip on Redis: the API's fast lane reads the auth
    generation and a cached document and counts the throttle's window together. Other caches: one call each."""
    from django.core.cache import cache

    backend = getattr(cache, "_cache", None)
    if isinstance(backend, RedisCacheClient):
        client = backend.get_client(counter, write=True)
        # make_key, not make_and_validate_key: these keys are the product's own (short, no spaces or controls)
        raw = [cache.make_key(key) for key in keys]
        raw_counter = cache.make_key(counter)
        pipe = client.pipeline(transaction=False)
        for key in raw:
            pipe.get(key)
        pipe.incr(raw_counter)
        *values, count = pipe.execute()
        if count == 1:
            client.expire(raw_counter, timeout)
        loads = backend._serializer.loads
        return [None if value is None else loads(value) for value in values], count
    from bureau.api.throttling import count_in_window

    found = cache.get_many(keys)
    return [found.get(key) for key in keys], count_in_window(counter, timeout)
