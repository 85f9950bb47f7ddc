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
from moto.cloudwatch.models import MetricAggregatedDatum, MetricDatum, MetricDatumBase
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.cloudwatch import metric_series, metric_sources
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
    ordered = sorted(values)
    if p <= 0:
        return ordered[0]
    rank = math.ceil(p / 100.0 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def _raw_samples(datums: Sequence[MetricDatumBase]) -> list[float] | None:
    """Every sample value, or None if a statistic set hides them (percentile not available)."""
    samples: list[float] = []
    for d in datums:
        if isinstance(d, MetricDatum):
            samples.append(d.value)
        elif isinstance(d, MetricAggregatedDatum):
            count = d.sample_count
            single = count == 1 and d.min == d.max == d.sum
            flat = d.min == d.max and math.isclose(d.sum, d.min * count)
            if not (single or flat) or count != int(count):
                return None
            samples.extend([d.min] * int(count))
    return samples


def statistic(stat: str, datums: Sequence[MetricDatumBase]) -> float | None:
    """The value of `stat` over `datums` (one period's data), or None if not available."""
    if not datums:
        return None
    singles = [d.value for d in datums if isinstance(d, MetricDatum)]
    sets = [d for d in datums if isinstance(d, MetricAggregatedDatum)]
    count = len(singles) + sum(s.sample_count for s in sets)
    total = sum(singles) + sum(s.sum for s in sets)
    if stat == "SampleCount":
        return float(count)
    if stat == "Sum":
        return float(total)
    if stat == "Average":
        return total / count if count else None
    if stat == "Minimum":
        return min(singles + [s.min for s in sets])
    if stat == "Maximum":
        return max(singles + [s.max for s in sets])
    p = percentile_of(stat)
    if p is None:
        return None
    samples = _raw_samples(datums)
    if not samples or min(samples) < 0:
        return None
    return nearest_rank(samples, p)


def _unit_of(datums: Sequence[MetricDatumBase]) -> str:
    units = {d.unit for d in datums if d.unit}
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
        backend = self.cloudwatch_backend
        datums = metric_series.matching(
            backend,
            params.get("Namespace", ""),
            params.get("MetricName", ""),
            params.get("Dimensions") or [],
            params.get("Unit"),
        )
        datapoints: list[dict[str, Any]] = []
        for stamp, group in metric_series.buckets(datums, start, end, period).items():
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
