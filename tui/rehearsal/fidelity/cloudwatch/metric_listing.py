"""ListMetrics as the API reference documents it: each metric once, 500 a page, filtered.

moto lists one entry per *datapoint* (its duplicate check compares every dimension of one
datapoint with every dimension of the other, so a metric with two dimensions never matches
itself), pages by handing out the unread rest of that list, and scans every datapoint ever
stored: a few world-hours in, one call outlasted the engine's read timeout. Here the listing is
read from `metric_store`'s index of metrics (one entry per namespace, name and dimension set,
whatever its units), as the ListMetrics API reference says:

- "Up to 500 results are returned for any one call. To retrieve additional results, use the
  returned token with subsequent calls." The order is fixed (namespace, name, dimensions), and
  a token names the last metric returned, so a metric published between pages does not shift
  the pages already read;
- Namespace and MetricName "match exactly"; each DimensionFilter must be one of the metric's
  dimensions (its Value too, when given): "If you specify one dimension name and a metric has
  that dimension and also other dimensions, it will be returned";
- RecentlyActive `PT3H`: "only metrics that have had data points published in the past three
  hours" (of the world's time);
- "ListMetrics doesn't return information about metrics if those metrics haven't reported data
  in the past two weeks."

Not modelled: the up-to-15-minute delay before a new metric appears (it appears at once), and
the cross-account parameters (IncludeLinkedAccounts, OwningAccount), which are ignored.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterValue
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.cloudwatch import metric_series, metric_sources, metric_store
from tui.rehearsal.fidelity.cloudwatch.metric_store import MetricKey
from tui.rehearsal.fidelity.world_time import WorldTime

PAGE = 500  # "Up to 500 results are returned for any one call."
RECENTLY_ACTIVE = {"PT3H": 3 * 3600.0}
RETENTION = 14 * 86400.0  # not listed after two weeks without data

SortKey = tuple[str, str, tuple[tuple[str, str], ...]]


def _sort_key(key: MetricKey) -> SortKey:
    namespace, name, dimensions = key
    return namespace, name, tuple(sorted(dimensions))


def _token(after: SortKey) -> str:
    return base64.urlsafe_b64encode(json.dumps(after).encode()).decode()


def _after(token: str) -> SortKey:
    try:
        namespace, name, dims = json.loads(base64.urlsafe_b64decode(token.encode()))
        return str(namespace), str(name), tuple((str(n), str(v)) for n, v in dims)
    except (ValueError, TypeError) as err:
        raise InvalidParameterValue("Request parameter NextToken is invalid") from err


def _matches(dimensions: frozenset[tuple[str, str]], filters: Sequence[dict[str, Any]]) -> bool:
    names = {n for n, _ in dimensions}
    for f in filters:
        name, value = str(f.get("Name")), f.get("Value")
        if (name, str(value)) not in dimensions if value is not None else name not in names:
            return False
    return True


def listed(
    store: metric_store.MetricStore,
    now: float,
    namespace: str | None = None,
    name: str | None = None,
    filters: Sequence[dict[str, Any]] = (),
    recently_active: str | None = None,
) -> list[SortKey]:
    """Every metric ListMetrics would show at epoch second `now`, in listing order."""
    since = now - (RECENTLY_ACTIVE[recently_active] if recently_active else RETENTION)
    out = []
    for key, published in store.published():
        if published < since:
            continue
        if (namespace and key[0] != namespace) or (name and key[1] != name):
            continue
        if _matches(key[2], filters):
            out.append(_sort_key(key))
    return sorted(out)


def list_metrics(time: WorldTime, self: CloudWatchResponse) -> ActionResult:
    """ListMetrics from the store's index: each metric once, a page at a time."""
    with time.lock:
        now = time.now()
        metric_sources.catch_up(now)
        params = self._get_params()
        active = params.get("RecentlyActive")
        if active is not None and active not in RECENTLY_ACTIVE:
            raise InvalidParameterValue(
                f"The value {active} for parameter RecentlyActive is not valid: only PT3H is."
            )
        keys = listed(
            metric_store.of(self.cloudwatch_backend),
            metric_store.seconds(metric_series.naive_utc(now)),
            params.get("Namespace"),
            params.get("MetricName"),
            params.get("Dimensions") or [],
            active,
        )
        token = params.get("NextToken")
        if token:
            after = _after(token)
            keys = [k for k in keys if k > after]
        page = keys[:PAGE]
        result: dict[str, Any] = {
            "Metrics": [
                {
                    "Namespace": namespace,
                    "MetricName": name,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in dims],
                }
                for namespace, name, dims in page
            ]
        }
        if len(keys) > PAGE:
            result["NextToken"] = _token(page[-1])
        return ActionResult(result)


def install(time: WorldTime) -> None:
    """Answer ListMetrics here."""
    patching.patch(CloudWatchResponse, "list_metrics", time.bound(list_metrics))


def tick(time: WorldTime, now: object) -> None:
    """The listing is read on demand; nothing to advance."""
