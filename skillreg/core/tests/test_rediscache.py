"""The Redis cache keeps one redis-py client per pool (skillreg.core.rediscache). Runs against a real Redis in the
PostgreSQL + Redis pass of scripts/test (REDIS_URL), skipped on the LocMem default."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches

pytestmark = pytest.mark.skipif(
    "rediscache" not in settings.CACHES["default"]["BACKEND"], reason="REDIS_URL not set: LocMem cache"
)


def test_one_client_serves_every_operation_and_every_thread():
    cache = caches["default"]
    first = cache._cache.get_client(write=True)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(cache._cache.get_client(write=True))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(c is first for c in seen) and cache._cache.get_client() is first  # one server: reads use it too


def test_it_is_still_djangos_redis_cache():
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)  # ratelimit's pipelined counting looks for this
    key = f"test-rediscache-{uuid.uuid4().hex}"
    cache.set(key, {"a": 1}, 5)
    assert cache.get(key) == {"a": 1}
    assert cache.incr(key + "n", 1) if cache.add(key + "n", 1, 5) else False
    assert cache.get(key + "n") == 2
    cache.delete_many([key, key + "n"])
    assert cache.get(key) is None
