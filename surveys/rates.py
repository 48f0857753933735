"""The statistics of survey rates: Wilson score intervals, target status and the sample-size helper."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist


def z_for(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(favourable: int, valid: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 0) when nothing was answered."""
    if valid == 0:
        return 0.0, 0.0
    z = z_for(confidence)
    p = favourable / valid
    denominator = 1 + z * z / valid
    centre = (p + z * z / (2 * valid)) / denominator
    half = z * math.sqrt(p * (1 - p) / valid + z * z / (4 * valid * valid)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def sample_size(margin: float = 0.03, confidence: float = 0.95, expected_rate: float = 0.5) -> int:
    """Responses needed so the 95% interval is ± margin around the expected rate (0.5 is the safe worst case)."""
    z = z_for(confidence)
    return math.ceil(z * z * expected_rate * (1 - expected_rate) / (margin * margin))


@dataclass
class Rate:
    favourable: int
    valid: int
    target: Decimal | None = None

    @property
    def value(self) -> float:
        return self.favourable / self.valid if self.valid else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.favourable, self.valid)

    @property
    def status(self) -> str:
        """met: at or above target; close: below, but the target lies inside the interval; missed: below that."""
        if self.target is None or not self.valid:
            return ""
        target = float(self.target)
        if self.value >= target:
            return "met"
        return "close" if self.interval[1] >= target else "missed"
