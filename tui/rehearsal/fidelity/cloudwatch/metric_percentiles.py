"""Percentile statistics (p50, p90, p99, pNN.NN) computed from published CloudWatch data.

moto answers a percentile `Stat` in `get_metric_data` with a null value and ignores
`ExtendedStatistics` in `get_metric_statistics`. This extension computes every statistic
(SampleCount, Average, Sum, Minimum, Maximum and pNN) from the raw datapoints, as the CloudWatch
User Guide ("Percentiles") describes:
- raw values, including `Values`/`Counts` (each value counted `Counts[i]` times), take part;
- a statistic set (`StatisticValues`) takes part only where a percentile is well defined:
  SampleCount 1 with Min = Max = Sum, or Min = Max with Sum = Min x SampleCount; otherwise, as on
  AWS, the percentile is not available for that period;
- percentiles are not available when any value is negative.
The percentile of n values is the nearest-rank value: the ceil(p/100 x n)-th smallest (p0 is the
minimum). `get_metric_statistics` is answered here in full, with datapoints on periods aligned
to StartTime as CloudWatch rounds it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterCombination, InvalidParameterValue
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.cloudwatch import metric_series, metric_sources, metric_store
from tui.rehearsal.fidelity.cloudwatch.metric_store import Samples
from tui.rehearsal.fidelity.world_time import WorldTime

BASIC_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_PERCENTILE = re.compile(r"^p(\d{1,3}(?:\.\d{1,10})?)$")


def percentile_of(stat: str) -> float | None:
    """The percentile a stat names (`p99` -> 99.0), or None when it is not a valid pNN."""
    m = _PERCENTILE.match(stat)
    if not m:
        return None
    p = float(m.group(1))
    return p if 0 <= p <= 100 else None


def is_supported(stat: str) -> bool:
    """True for the statistics this world computes."""
    return stat in BASIC_STATISTICS or percentile_of(stat) is not None


def nearest_rank(values: Sequence[float], p: float) -> float:
    """The p-th percentile of `values` by nearest rank (values need not be sorted)."""
    return _weighted_rank(sorted((v, 1.0) for v in values), p)


def _weighted_rank(pairs: Sequence[tuple[float, float]], p: float) -> float:
    """The p-th percentile by nearest rank of sorted (value, times counted) pairs."""
    if p <= 0:
        return pairs[0][0]
    total = sum(c for _, c in pairs)
    rank = max(math.ceil(p / 100.0 * total), 1)
    seen = 0.0
    for value, count in pairs:
        seen += count
        if seen >= rank:
            return value
    return pairs[-1][0]


def _percentile_pairs(samples: Samples) -> list[tuple[float, float]] | None:
    """Every sample as (value, count), or None if a statistic set hides them (not available)."""
    pairs = list(zip(samples.values, samples.counts, strict=True))
    for count, total, low, high in samples.sets:
        single = count == 1 and low == high == total
        flat = low == high and math.isclose(total, low * count)
        if not (single or flat) or count != int(count):
            return None
        pairs.append((low, count))
    return sorted(pairs)


def statistic(stat: str, samples: Samples) -> float | None:
    """The value of `stat` over one period's `samples`, or None if not available."""
    if not samples:
        return None
    values, counts, sets = samples.values, samples.counts, samples.sets
    ones = counts.count(1.0) == len(counts)
    if stat == "SampleCount":
        return float(sum(counts) + sum(s[0] for s in sets))
    if stat in ("Sum", "Average"):
        raw = sum(values) if ones else math.fsum(v * c for v, c in zip(values, counts, strict=True))
        total = raw + sum(s[1] for s in sets)
        if stat == "Sum":
            return float(total)
        count = sum(counts) + sum(s[0] for s in sets)
        return total / count if count else None
    if stat == "Minimum":
        return min([*([min(values)] if values else []), *(s[2] for s in sets)])
    if stat == "Maximum":
        return max([*([max(values)] if values else []), *(s[3] for s in sets)])
    p = percentile_of(stat)
    if p is None:
        return None
    pairs = _percentile_pairs(samples)
    if not pairs or pairs[0][0] < 0:
        return None
    return _weighted_rank(pairs, p)


def _unit_of(samples: Samples) -> str:
    units = {u for u in samples.units if u and u != "None"}
    return units.pop() if len(units) == 1 else "None"


def get_metric_statistics(time: WorldTime, self: CloudWatchResponse) -> ActionResult:
    """GetMetricStatistics with ExtendedStatistics (percentiles) and aligned periods."""
    with time.lock:
        metric_sources.catch_up(time.now())
        params = self._get_params()
        stats: list[str] = params.get("Statistics") or []
        extended: list[str] = params.get("ExtendedStatistics") or []
        if not stats and not extended:
            raise InvalidParameterCombination(
                "Must specify either Statistics or ExtendedStatistics"
            )
        if stats and extended:
            # "You must specify either Statistics or ExtendedStatistics, but not both."
            raise InvalidParameterCombination(
                "The parameters Statistics and ExtendedStatistics are mutually exclusive: "
                "specify one of them."
            )
        for s in stats:
            if s not in BASIC_STATISTICS:
                raise InvalidParameterValue(f"The value {s} for parameter Statistics is not valid.")
        for s in extended:
            if percentile_of(s) is None:
                raise InvalidParameterValue(
                    f"The value {s} for parameter ExtendedStatistics is not supported."
                )
        period = int(params["Period"])
        start = metric_series.naive_utc(params["StartTime"])
        end = metric_series.naive_utc(params["EndTime"])
        if start >= end:
            raise InvalidParameterValue(
                "The parameter StartTime must be less than the parameter EndTime."
            )
        periods = metric_store.of(self.cloudwatch_backend).periods(
            params.get("Namespace", ""),
            params.get("MetricName", ""),
            params.get("Dimensions") or [],
            params.get("Unit"),
            start,
            end,
            period,
        )
        datapoints: list[dict[str, Any]] = []
        for stamp, group in periods.items():
            point: dict[str, Any] = {"Timestamp": stamp, "Unit": _unit_of(group)}
            for s in stats:
                point[s] = statistic(s, group)
            ext = {s: v for s in extended if (v := statistic(s, group)) is not None}
            if ext:
                point["ExtendedStatistics"] = ext
            datapoints.append(point)
        return ActionResult({"Label": params.get("MetricName"), "Datapoints": datapoints})


def install(time: WorldTime) -> None:
    """Answer GetMetricStatistics here."""
    patching.patch(CloudWatchResponse, "get_metric_statistics", time.bound(get_metric_statistics))


def tick(time: WorldTime, now: object) -> None:
    """Percentiles have no state of their own to advance."""
