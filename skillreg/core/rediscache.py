"""Django's Redis cache, keeping one redis-py client per connection pool (issue 16: verification on the
production stack).

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache operation; its
constructor fills a case-insensitive table of about 170 response callbacks each time. Profiled on a certificate
verification (three rate-limit windows in one pipeline), that construction was a tenth of the request's CPU time —
more than the database lookup's client side. A ``redis.Redis`` object is safe to share between threads (each
command takes a connection from the pool), so one per pool is kept; the pools themselves are Django's, unchanged.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # Django's private attributes (not in django-stubs)
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._clients_lock:
                if index not in django._pools:  # as Django's _get_connection_pool builds it
                    django._pools[index] = django._pool_class.from_url(django._servers[index], **django._pool_options)
                client = self._clients.setdefault(index, django._client(connection_pool=django._pools[index]))
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient
