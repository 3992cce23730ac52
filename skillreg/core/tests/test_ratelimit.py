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


def _redis_only() -> None:
    if not _on_redis():
        pytest.skip("Redis only (LocMem counts with incr/add)")


@pytest.fixture
def sent(monkeypatch):
    """The commands the rate limits send to Redis (their names), in order."""
    names: list[str] = []
    real = ratelimit._send

    def spy(conn, command):
        parts = command[0].split(b"\r\n")
        names.append(" ".join(p.decode() for p in parts[2:5:2] if p.isupper()))
        return real(conn, command)

    monkeypatch.setattr(ratelimit, "_send", spy)
    return names


def _raw(scope: str, key: str, rate: str, now: float) -> str:
    seconds = int(rate.split("/")[1])
    return cache.make_and_validate_key(f"rl:{scope}:{key}:{int(now // seconds)}")


def test_on_redis_every_window_is_counted_by_one_command_that_survives_a_restart(key, frozen, monkeypatch, sent):
    """Issue 16: one script call (EVALSHA) for all windows, not INCR + EXPIRE per window; after a Redis restart
    (scripts flushed) the script is loaded again and the count goes on."""
    _redis_only()
    client = cache._cache.get_client(write=True)
    windows = [("m", key, "3/60"), ("h", key, "5/3600"), ("d", key, "9/86400")]
    assert ratelimit.hit_many(windows)[0] is True
    assert sent == ["EVALSHA"] or sent == ["EVALSHA", "SCRIPT LOAD", "EVALSHA"]  # first use on this server
    # A script Redis has not seen (as after a restart, without flushing the shared server's scripts)
    monkeypatch.setattr(ratelimit, "_LUA", ratelimit._LUA + f"-- {key}\n")
    sent.clear()
    assert ratelimit.hit_many(windows)[0] is True
    assert sent == ["EVALSHA", "SCRIPT LOAD", "EVALSHA"]
    for scope, _, rate in windows:
        raw = _raw(scope, key, rate, frozen["t"])
        assert int(client.get(raw)) == 2 and 0 < int(client.ttl(raw)) <= int(rate.split("/")[1]) + 1


def test_on_redis_the_counts_are_the_servers_shared_by_every_client(key, frozen):
    """The windows live in Redis, not in the process: another client (another node, another thread's connection)
    sees and adds to the same counts; two addresses count apart, a shared target together (issue 16)."""
    _redis_only()
    import threading

    def both(ip: str) -> list[tuple[str, str, str]]:
        return [("ip", f"{key}-{ip}", "3/60"), ("target", key, "4/86400")]

    assert ratelimit.hit_many(both("a"))[0] is True
    done: list[tuple[bool, int]] = []
    other = threading.Thread(target=lambda: done.append(ratelimit.hit_many(both("b"))))  # its own connection
    other.start()
    other.join()
    assert done[0][0] is True
    client = cache._cache.get_client(write=True)
    assert int(client.get(_raw("ip", f"{key}-a", "3/60", frozen["t"]))) == 1
    assert int(client.get(_raw("ip", f"{key}-b", "3/60", frozen["t"]))) == 1
    assert int(client.get(_raw("target", key, "4/86400", frozen["t"]))) == 2
    client.incr(_raw("target", key, "4/86400", frozen["t"]))  # a third request, counted by another node
    assert ratelimit.hit_many(both("a"))[0] is True  # 4 of 4
    assert ratelimit.hit_many(both("b"))[0] is False  # 5: refused, whichever address asks


def test_on_redis_a_broken_connection_is_made_again(key, frozen):
    """The thread's connection killed by the server (a Redis restart, an idle timeout): the next call reconnects
    and counts; a forked process never shares its parent's socket."""
    _redis_only()
    windows = [("m", key, "5/60")]
    assert ratelimit.hit_many(windows)[0] is True
    conn = ratelimit._local.conn
    conn.disconnect()  # as if the server had closed it
    assert ratelimit.hit_many(windows)[0] is True
    client = cache._cache.get_client(write=True)
    client.execute_command("CLIENT", "KILL", "ID", str(_client_id(conn)))  # killed under its feet
    assert ratelimit.hit_many(windows)[0] is True
    assert int(client.get(_raw("m", key, "5/60", frozen["t"]))) == 3
    ratelimit._local.pid = -1  # a forked child: a new connection, not the inherited socket
    assert ratelimit.hit_many(windows)[0] is True and ratelimit._local.conn is not conn


def _client_id(conn) -> int:
    conn.send_command("CLIENT", "ID")
    return int(conn.read_response())


def test_on_redis_an_interrupted_call_leaves_no_answer_behind(key, frozen, monkeypatch):
    """An exchange cut between sending and reading (an exception in the thread) closes the connection: the next
    call must read its own count, never the answer left unread on the socket."""
    _redis_only()
    windows = [("m", key, "9/60")]
    assert ratelimit.hit_many(windows)[0] is True  # 1; the thread's connection is open
    conn = ratelimit._local.conn
    real = conn.read_response

    def interrupted(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(conn, "read_response", interrupted)
    with pytest.raises(RuntimeError):
        ratelimit.hit_many(windows)  # 2: counted by Redis, its answer never read
    monkeypatch.setattr(conn, "read_response", real)
    pool = cache._cache.get_client(write=True).connection_pool
    assert ratelimit._count_on_redis(pool, [_raw("m", key, "9/60", frozen["t"])], [61]) == [3]
