"""Fixed-window rate limits (skillreg.core.ratelimit.hit) on the configured cache: LocMem by default, Redis when
REDIS_URL is set (the PostgreSQL + Redis pass of scripts/test runs these against a real Redis)."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache

from skillreg.core import ratelimit


def _on_redis() -> bool:
    from django.conf import settings

    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


@pytest.fixture
def key():
    return uuid.uuid4().hex  # a fresh key, so that runs against a shared Redis never meet


@pytest.fixture
def frozen(monkeypatch):
    """Pin ratelimit's clock; returns a setter."""
    now = {"t": 1_800_000_010.0}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def test_counts_up_to_the_limit_then_refuses(key, frozen):
    answers = [ratelimit.hit("t", key, "3/60")[0] for _ in range(5)]
    assert answers == [True, True, True, False, False]


def test_retry_after_is_the_rest_of_the_window(key, frozen):
    frozen["t"] = 60 * 30_000_000 + 45.5  # 45.5 s into a 60 s window
    assert ratelimit.hit("t", key, "1/60") == (True, 15)


def test_a_new_window_starts_again(key, frozen):
    frozen["t"] = 60 * 30_000_000 + 59.0
    assert [ratelimit.hit("t", key, "1/60")[0] for _ in range(2)] == [True, False]
    frozen["t"] += 2  # the next window
    assert ratelimit.hit("t", key, "1/60")[0] is True


def test_scopes_and_keys_count_apart(key, frozen):
    assert ratelimit.hit("a", key, "1/60")[0] and ratelimit.hit("b", key, "1/60")[0]
    assert ratelimit.hit("a", key + "x", "1/60")[0]
    assert not ratelimit.hit("a", key, "1/60")[0]


def test_zero_refuses_at_once(key, frozen):
    assert ratelimit.hit("t", key, "0/60")[0] is False


@pytest.mark.skipif(_on_redis(), reason="Redis counts with INCR in a pipeline: no add() to race")
def test_a_racing_first_request_is_counted(key, frozen, monkeypatch):
    """Two requests open a window at once: both miss the key, one add() wins; the other must increment the
    winner's key instead of resetting it (which would forget a request)."""
    real_incr, misses = cache.incr, {"n": 0}

    def incr(k, delta=1, version=None):
        if misses["n"] == 0:  # the first incr sees no key ...
            misses["n"] += 1
            cache.add(k, 1, timeout=61)  # ... because the other request's add() lands in between
            raise ValueError(k)
        return real_incr(k, delta, version=version)

    monkeypatch.setattr(cache, "incr", incr)
    assert ratelimit.hit("t", key, "2/60") == (True, 60 - 10 + 1)  # counted as the second request
    assert ratelimit.hit("t", key, "2/60")[0] is False  # so the third is refused


def test_several_windows_count_together(key, frozen):
    windows = [("m", key, "2/60"), ("d", key, "3/86400")]
    assert [ratelimit.hit_many(windows)[0] for _ in range(2)] == [True, True]
    allowed, retry = ratelimit.hit_many(windows)  # the third: refused by the minute window only
    assert not allowed and retry == 60 - 10 + 1
    frozen["t"] += 60  # a new minute: the day window still has room for none
    allowed, retry = ratelimit.hit_many(windows)
    assert not allowed and retry == 86400 - (1_800_000_070 % 86400) + 1


def test_a_window_is_an_ordinary_cache_entry_that_expires(key, frozen):
    """Counters are the cache's own keys (cache.clear() resets them) and carry the window's lifetime."""
    ratelimit.hit("t", key, "5/60")
    ratelimit.hit("t", key, "5/60")
    cache_key = f"rl:t:{key}:{int(frozen['t'] // 60)}"
    assert cache.get(cache_key) == 2
    if _on_redis():
        client = cache._cache.get_client(write=True)
        assert 0 < client.ttl(cache.make_and_validate_key(cache_key)) <= 61
    cache.clear()
    assert ratelimit.hit("t", key, "1/60")[0] is True


def test_on_redis_every_window_is_counted_by_one_command_that_survives_a_restart(key, frozen, monkeypatch):
    """Issue 16: one script call (EVALSHA) for all windows, not INCR + EXPIRE per window; after a Redis restart
    (scripts flushed) redis-py loads the script again and the count goes on."""
    if not _on_redis():
        pytest.skip("Redis only (LocMem counts with incr/add)")
    client = cache._cache.get_client(write=True)
    sent: list[str] = []
    real = client.execute_command
    monkeypatch.setattr(client, "execute_command", lambda *a, **kw: (sent.append(a[0]), real(*a, **kw))[1])
    windows = [("m", key, "3/60"), ("h", key, "5/3600"), ("d", key, "9/86400")]
    assert ratelimit.hit_many(windows)[0] is True
    assert sent[-1] == "EVALSHA" and "INCR" not in sent and "EXPIRE" not in sent
    # A script Redis has not seen (as after a restart, without flushing the shared server's scripts)
    monkeypatch.setattr(ratelimit, "_LUA", ratelimit._LUA + f"-- {key}\n")
    monkeypatch.setattr(ratelimit, "_scripts", [])
    sent.clear()
    assert ratelimit.hit_many(windows)[0] is True
    assert sent.count("EVALSHA") == 2 and "SCRIPT LOAD" in sent
    for scope, _, rate in windows:
        seconds = int(rate.split("/")[1])
        raw = cache.make_and_validate_key(f"rl:{scope}:{key}:{int(frozen['t'] // seconds)}")
        assert int(real("GET", raw)) == 2 and 0 < int(real("TTL", raw)) <= seconds + 1
