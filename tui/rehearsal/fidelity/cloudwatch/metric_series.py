"""What identifies a CloudWatch metric and how its periods are laid: the store's vocabulary.

A helper for the CloudWatch extensions (no install/tick). A metric is identified, as in
CloudWatch, by namespace, name and its *complete* set of dimensions (`dimension_key`); a query
for a metric with dimensions {A} does not see datapoints published with {A, B}. Periods are laid
on the request's StartTime rounded as CloudWatch rounds it: down to the whole minute, or for a
1/5/10/20/30-second period to that division of the minute. Times are naive UTC, as moto stores
them. The datapoints themselves live in `metric_store`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any


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
