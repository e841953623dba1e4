"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new
``redis.Redis`` for every cache operation. Building one fills its table of ~500 response
callbacks, which costs more than the operation itself: a public page served from the cache
does three operations (the data's version, the page, the view counter), so the page paid
three client constructions per request. A ``redis.Redis`` is thread-safe and holds no state
of a request (the connection pool does the pooling), so one per pool is kept and reused.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class ReusedClientRedisCache(RedisCache):
    """``BACKEND`` for ``CACHES`` (settings.py, when ``REDIS_CACHE_URL`` is set)."""

    @cached_property
    def _cache(self):
        return ReusedClientRedisCacheClient(self._servers, **self._options)

    def count(self, key, version=None) -> int:
        """Redis's ``INCR`` of ``key`` in one round trip, the new value; 1 when the key was
        missing (Django's ``incr`` asks ``EXISTS`` first, to raise for a missing key)."""
        key = self.make_and_validate_key(key, version=version)
        return self._cache.get_client(key, write=True).incr(key)
