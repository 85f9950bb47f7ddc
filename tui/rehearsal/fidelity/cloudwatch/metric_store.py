"""The world's CloudWatch metric store: every datapoint, indexed by metric and time, in arrays.

A helper for the CloudWatch extensions (no install/tick), and the one place datapoints live:
GetMetricData, GetMetricStatistics, ListMetrics, metric math, percentiles and alarm evaluation
all read it, and PutMetricData writes it. moto keeps each datapoint as an object in one list
that every query scanned whole (a 500-metric poll of an 8-hour world read millions of them, at
about 1 kB each); here each metric (namespace, name, complete dimension set, as CloudWatch
identifies one) holds, per unit, sorted `array('d')`s of timestamps (epoch seconds), values and
counts, so a query bisects to its time range and reads only that (24 bytes a sample).

Statistic sets (`StatisticValues`) are kept apart, in arrays of their own, because a percentile
can be computed from them only in the cases AWS defines (see `metric_percentiles`).

Whatever a metric source or a test appends to moto's `backend.metric_data` (the status checks
publish that way) is moved into the store at the next read, so that list stays a way in.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend, MetricAggregatedDatum, MetricDatum

from tui.rehearsal.fidelity.cloudwatch.metric_series import align_start, dimension_key, naive_utc

MetricKey = tuple[str, str, frozenset[tuple[str, str]]]  # namespace, name, dimensions
_EPOCH = datetime(1970, 1, 1)
_ATTRIBUTE = "turnout_metric_store"  # on moto's backend, so a moto reset drops the store too


def seconds(moment: datetime) -> float:
    """A naive UTC datetime as epoch seconds (the store's time axis)."""
    return (moment - _EPOCH).total_seconds()


def moment(epoch_seconds: float) -> datetime:
    """Epoch seconds as the naive UTC datetime moto and the handlers use."""
    return _EPOCH + timedelta(seconds=epoch_seconds)


@dataclass(slots=True)
class Samples:
    """One period's data of a metric: raw values (each counted `counts[i]` times) and sets."""

    values: Sequence[float] = ()
    counts: Sequence[float] = ()
    sets: list[tuple[float, float, float, float]] = field(default_factory=list)  # n, sum, min, max
    units: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.values) or bool(self.sets)

    def extend(self, other: Samples) -> None:
        """Add another unit's samples of the same period (a query that names no Unit)."""
        self.values = [*self.values, *other.values]
        self.counts = [*self.counts, *other.counts]
        self.sets.extend(other.sets)
        self.units |= other.units


class UnitSeries:
    """One metric's datapoints published with one unit, sorted by time."""

    __slots__ = ("counts", "set_counts", "set_maxs", "set_mins", "set_sums", "set_times")
    __slots__ += ("times", "values")

    def __init__(self) -> None:
        self.times, self.values, self.counts = array("d"), array("d"), array("d")
        self.set_times, self.set_counts = array("d"), array("d")
        self.set_sums, self.set_mins, self.set_maxs = array("d"), array("d"), array("d")

    def add(self, at: float, value: float, count: float = 1.0) -> None:
        """A raw value (counted `count` times) at epoch second `at`."""
        if not self.times or at >= self.times[-1]:
            self.times.append(at)
            self.values.append(value)
            self.counts.append(count)
            return
        i = bisect_right(self.times, at)  # a late datapoint: rare, so an insert is fine
        self.times.insert(i, at)
        self.values.insert(i, value)
        self.counts.insert(i, count)

    def add_set(self, at: float, count: float, total: float, low: float, high: float) -> None:
        """A statistic set at epoch second `at`."""
        i = bisect_right(self.set_times, at)
        for column, value in zip(self._set_columns(), (at, count, total, low, high), strict=True):
            column.insert(i, value)

    def _set_columns(self) -> tuple[array, ...]:
        return (self.set_times, self.set_counts, self.set_sums, self.set_mins, self.set_maxs)

    def periods(self, origin: float, end: float, period: int, unit: str) -> dict[float, Samples]:
        """Samples in [origin, end) by the start of their `period` (empty periods omitted)."""
        out: dict[float, Samples] = {}
        times = self.times
        i, stop = bisect_left(times, origin), bisect_left(times, end)
        while i < stop:
            start = origin + (times[i] - origin) // period * period
            j = min(bisect_left(times, start + period, i, stop), stop)
            out[start] = Samples(self.values[i:j], self.counts[i:j], [], {unit})
            i = j
        k, set_stop = bisect_left(self.set_times, origin), bisect_left(self.set_times, end)
        for n in range(k, set_stop):
            start = origin + (self.set_times[n] - origin) // period * period
            got = out.setdefault(start, Samples((), (), [], {unit}))
            got.sets.append(
                (self.set_counts[n], self.set_sums[n], self.set_mins[n], self.set_maxs[n])
            )
        return out

    def nbytes(self) -> int:
        """Bytes the arrays hold (for the benchmark's memory figure)."""
        columns = (self.times, self.values, self.counts, *self._set_columns())
        return sum(c.buffer_info()[1] * c.itemsize for c in columns)


class MetricStore:
    """Every metric of one account and region: key -> {unit: UnitSeries}."""

    def __init__(self) -> None:
        self.metrics: dict[MetricKey, dict[str, UnitSeries]] = {}
        # When each metric last received data (epoch seconds of world time): ListMetrics'
        # RecentlyActive and two-week horizon count what was *published* then, whatever the
        # datapoints' own timestamps.
        self.received: dict[MetricKey, float] = {}

    def series(self, key: MetricKey, unit: str | None, received: float) -> UnitSeries:
        if self.received.get(key, received - 1) < received:
            self.received[key] = received
        return self.metrics.setdefault(key, {}).setdefault(unit or "None", UnitSeries())

    def put(self, namespace: str, datum: dict[str, Any], received: datetime) -> None:
        """One PutMetricData datum (already validated, Timestamp a naive UTC datetime) received
        at world time `received` (naive UTC)."""
        key = (namespace, datum["MetricName"], dimension_key(datum.get("Dimensions") or ()))
        series = self.series(key, datum.get("Unit"), seconds(received))
        at = seconds(datum["Timestamp"])
        if datum.get("Values"):
            counts = datum.get("Counts") or [1] * len(datum["Values"])
            for value, count in zip(datum["Values"], counts, strict=True):
                if float(count) > 0:
                    series.add(at, float(value), float(count))
        elif datum.get("StatisticValues"):
            s = datum["StatisticValues"]
            series.add_set(
                at,
                float(s["SampleCount"]),
                float(s["Sum"]),
                float(s["Minimum"]),
                float(s["Maximum"]),
            )
        else:
            series.add(at, float(datum.get("Value", 0)))

    def absorb(self, datums: list[Any]) -> None:
        """Move moto datum objects (appended to `backend.metric_data`) into the store."""
        for d in datums:
            key = (d.namespace, d.name, dimension_key(d.dimensions))
            at = seconds(naive_utc(d.timestamp))
            series = self.series(key, d.unit, at)  # a source publishes as its data happens
            if isinstance(d, MetricAggregatedDatum):
                series.add_set(at, d.sample_count, d.sum, d.min, d.max)
            elif isinstance(d, MetricDatum):
                series.add(at, float(d.value))
        datums.clear()

    def periods(
        self,
        namespace: str,
        name: str,
        dimensions: Iterable[Any],
        unit: str | None,
        start: datetime,
        end: datetime,
        period: int,
        aligned: bool = False,
    ) -> dict[datetime, Samples]:
        """A metric's samples in [start, end) by period start, oldest first.

        Periods are laid on `start` rounded as CloudWatch rounds a request's StartTime, or on
        `start` as given with `aligned` (an alarm's epoch-aligned window). A `unit` keeps only
        data published with that unit; without one, every unit's data counts.
        """
        by_unit = self.metrics.get((namespace, name, dimension_key(dimensions)), {})
        origin = seconds(start if aligned else align_start(start, period))
        merged: dict[float, Samples] = {}
        for series_unit, series in by_unit.items():
            if unit and series_unit != unit:
                continue
            for at, samples in series.periods(origin, seconds(end), period, series_unit).items():
                if at in merged:
                    merged[at].extend(samples)
                else:
                    merged[at] = samples
        return {moment(at): merged[at] for at in sorted(merged)}

    def published(self) -> Iterator[tuple[MetricKey, float]]:
        """Every metric with when it last received data (epoch seconds)."""
        yield from self.received.items()

    def nbytes(self) -> int:
        """Bytes held in the arrays (the benchmark reports it)."""
        return sum(s.nbytes() for by_unit in self.metrics.values() for s in by_unit.values())

    def samples(self) -> int:
        """Raw values and statistic sets held (what moto kept one object each for)."""
        return sum(
            len(s.times) + len(s.set_times) for b in self.metrics.values() for s in b.values()
        )


def of(backend: CloudWatchBackend) -> MetricStore:
    """The store of `backend`, with anything appended to moto's list moved into it first."""
    store = backend.__dict__.get(_ATTRIBUTE)
    if store is None:
        store = backend.__dict__[_ATTRIBUTE] = MetricStore()
    if backend.metric_data:
        store.absorb(backend.metric_data)
    return store
