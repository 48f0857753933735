"""Fixed-window rate limits counted in the cache in one round trip for all of a request's limits.

django-ratelimit's `is_ratelimited` costs two or three cache calls per limit; the report page, the busiest
anonymous form, checks two limits on every submission. Same rates ("30/h", "100/10m"), same failure rule: with
the cache down nothing is limited.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence

from django.core.cache import caches

from core.cache import hit_counters

_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def split_rate(rate: str) -> tuple[int, int]:
    """ "30/h" → (30, 3600); "100/10m" → (100, 600)."""
    match = _RATE.fullmatch(rate)
    if match is None:
        raise ValueError(f"not a rate: {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _SECONDS[unit]


def over_limit(group: str, limits: Sequence[tuple[str, str]], now: float | None = None) -> bool:
    """Count one hit for each (value, rate) of `limits` under `group`; True when any is over its rate."""
    now = time.time() if now is None else now
    counters, caps = [], []
    for value, rate in limits:
        cap, period = split_rate(rate)
        window = int(now // period)
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        counters.append((f"rl:{group}:{digest}:{period}:{window}", period + 1))
        caps.append(cap)
    return any(
        count > cap for count, cap in zip(hit_counters(caches["default"], counters), caps, strict=True)
    )
