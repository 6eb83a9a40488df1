"""The ``split`` operator's hash: a stable bucket in 0..99999 for a seed and a value.

AWS does not document its hash, so this one is specified in docs/formats.md precisely
enough to reimplement in any language:

* key bytes = UTF-8 of ``seed + ":" + value``;
* bucket = the first 8 bytes of SHA-256(key bytes) as an unsigned big-endian integer,
  modulo 100000;
* a split with percentage ``pct`` accepts the value when ``bucket < floor(pct * 1000 + 0.5)``.

Splits that share a seed therefore share a bucket and nest (``pct::20`` then ``pct::25``
gives 20% / 5% / 75%), and splits with different seeds are independent. SHA-256 rather
than Python's ``hash()`` keeps buckets identical across processes and Python versions.
"""

from __future__ import annotations

import math
from hashlib import sha256
from typing import Final

BUCKETS: Final = 100_000


def bucket(seed: str, value: str) -> int:
    """The bucket (0..99999) that ``value`` falls in under ``seed``."""
    digest = sha256(f"{seed}:{value}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def threshold(pct: float) -> int:
    """How many of the 100000 buckets a split of ``pct`` percent accepts."""
    return min(BUCKETS, max(0, math.floor(pct * 1000 + 0.5)))


def in_split(seed: str, value: str, pct: float) -> bool:
    """Whether ``value`` is among the ``pct`` percent that a split with ``seed`` accepts."""
    return bucket(seed, value) < threshold(pct)


__all__ = ["BUCKETS", "bucket", "in_split", "threshold"]
