"""Reading published CloudWatch datapoints: which belong to a metric, and which period holds each.

A helper for the CloudWatch extensions (no install/tick). A metric is identified, as in
CloudWatch, by namespace, name and its *complete* set of dimensions; a query for a metric with
dimensions {A} does not see datapoints published with {A, B}. Periods are laid on the request's
StartTime rounded as CloudWatch rounds it: down to the whole minute, or for a 1/5/10/20/30-second
period to that division of the minute. Times are naive UTC, as moto stores them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend, MetricDatumBase


def naive_utc(value: datetime | str) -> datetime:
    """`value` as a naive UTC datetime (moto's convention), whatever form it arrived in."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def align_start(start: datetime, period: int) -> datetime:
    """StartTime as CloudWatch rounds it for `period`."""
    start = start.replace(microsecond=0)
    if period < 60:
        return start.replace(second=start.second - start.second % period)
    return start.replace(second=0)


def align_epoch(moment: datetime, period: int) -> datetime:
    """The start of the `period`-second interval (counted from the epoch) holding `moment`."""
    epoch = datetime(1970, 1, 1)
    seconds = int((moment - epoch).total_seconds())
    return epoch + timedelta(seconds=seconds - seconds % period)


def dimension_key(dimensions: Iterable[Any]) -> frozenset[tuple[str, str]]:
    """A dimension list (dicts with Name/Value, or moto Dimension objects) as a comparable set."""
    out = set()
    for d in dimensions or ():
        if isinstance(d, dict):
            out.add((str(d.get("Name")), str(d.get("Value"))))
        else:
            out.add((str(d.name), str(d.value)))
    return frozenset(out)


def matching(
    backend: CloudWatchBackend,
    namespace: str,
    name: str,
    dimensions: Iterable[Any],
    unit: str | None = None,
) -> list[MetricDatumBase]:
    """Every datapoint published for exactly this metric (and unit, when given)."""
    want = dimension_key(dimensions)
    return [
        d
        for d in backend.get_all_metrics()
        if d.namespace == namespace
        and d.name == name
        and dimension_key(d.dimensions) == want
        and (not unit or d.unit == unit)
    ]


def buckets(
    datums: Sequence[MetricDatumBase],
    start: datetime,
    end: datetime,
    period: int,
    aligned: bool = False,
) -> dict[datetime, list[MetricDatumBase]]:
    """Datapoints in [start, end) grouped by period start, oldest first; empty periods omitted.

    With `aligned`, `start` is used as given (an alarm's epoch-aligned window); otherwise it is
    rounded as CloudWatch rounds a request's StartTime.
    """
    origin = start if aligned else align_start(start, period)
    groups: dict[datetime, list[MetricDatumBase]] = {}
    for d in datums:
        ts = naive_utc(d.timestamp)
        if not origin <= ts < end:
            continue
        k = int((ts - origin).total_seconds()) // period
        groups.setdefault(origin + timedelta(seconds=k * period), []).append(d)
    return dict(sorted(groups.items()))
