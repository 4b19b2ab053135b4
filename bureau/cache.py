"""Django's Redis cache backend, keeping one `redis.Redis` client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call (each one filling its table
of some 80 response callbacks): six times a request on the API's hot path (token, throttle, published rankings),
about a third of a millisecond of CPU per request. A client holds no per-call state (it borrows a connection from
the pool for each command and gives it back), so one per pool serves every thread of the process.
"""
import os
import threading

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


_lane = threading.local()


def _lane_connection(pool):
    """This thread's own connection to the cache's Redis for the fast lane's round trip: borrowing one from the
    pool and giving it back (with its check that the socket holds no stale reply) cost a third of the trip."""
    kept = getattr(_lane, "kept", None)
    if kept is None or kept[0] is not pool or kept[1] != os.getpid():
        # built as the pool builds its own, without counting it among the pool's connections
        kept = _lane.kept = (pool, os.getpid(), pool.connection_class(**pool.connection_kwargs))
    return kept[2]


def get_and_count(keys: list[str], counter: str, timeout: int) -> tuple[list, int]:
    """The values under `keys` (None where missing) and the counter `counter` after adding one (its expiry set
    to `timeout` seconds when this made it), in one round trip on Redis: the API's fast lane reads the auth
    generation and a cached document and counts the throttle's window together. Other caches: one call each.
    A connection lost on the way is dropped (the next call connects again) and the error raised."""
    from django.core.cache import cache

    backend = getattr(cache, "_cache", None)
    if isinstance(backend, RedisCacheClient):
        client = backend.get_client(counter, write=True)
        # make_key, not make_and_validate_key: these keys are the product's own (short, no spaces or controls)
        raw = [cache.make_key(key) for key in keys]
        raw_counter = cache.make_key(counter)
        connection = _lane_connection(client.connection_pool)
        try:
            connection.send_packed_command(connection.pack_commands(
                [("GET", key) for key in raw] + [("INCR", raw_counter)]))
            *values, count = [connection.read_response() for _ in range(len(raw) + 1)]
        except BaseException:  # replies left unread on the socket would answer the next call: start afresh
            connection.disconnect()
            _lane.kept = None
            raise
        if count == 1:
            client.expire(raw_counter, timeout)
        loads = backend._serializer.loads
        return [None if value is None else loads(value) for value in values], count
    from bureau.api.throttling import count_in_window

    found = cache.get_many(keys)
    return [found.get(key) for key in keys], count_in_window(counter, timeout)
