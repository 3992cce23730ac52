"""A Bloom filter: "certainly not seen" or "maybe seen", in about 2 bytes per key. Pure.

The import keeps one for the certificate numbers and one for the holder keys of the institution (those
already registered, then those it writes), so that a chunk asks the database only about the few keys that
may be duplicates instead of all 2,000 — the database stays the authority for every "maybe".
"""

from __future__ import annotations

from collections.abc import Iterable

HASHES = 7
BITS_PER_KEY = 16  # ~0.05 % false positives at the expected size, still < 1 % at four times it


class Bloom:
    def __init__(self, expected: int):
        self.size = max(expected, 1024) * BITS_PER_KEY
        self.bits = bytearray(self.size // 8 + 1)

    @staticmethod
    def _pair(key: str) -> tuple[int, int]:
        # Python's own string hash (SipHash, 64 bits, keyed per process): computed in C and cached on the string.
        # A filter lives in one process, so the per-process key does no harm; a collision only costs a lookup.
        h = hash(key) & 0xFFFF_FFFF_FFFF_FFFF
        return h & 0xFFFF_FFFF, (h >> 32) | 1

    def add(self, key: str) -> None:
        h1, h2 = self._pair(key)
        bits, size = self.bits, self.size
        for i in range(HASHES):
            pos = (h1 + i * h2) % size
            bits[pos >> 3] |= 1 << (pos & 7)

    def update(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.add(key)

    def __contains__(self, key: str) -> bool:
        h1, h2 = self._pair(key)
        bits, size = self.bits, self.size
        for i in range(HASHES):
            pos = (h1 + i * h2) % size
            if not bits[pos >> 3] & (1 << (pos & 7)):
                return False
        return True
