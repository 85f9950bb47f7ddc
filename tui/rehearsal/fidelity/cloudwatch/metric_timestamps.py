"""PutMetricData on the world's clock, into the world's metric store: undated means "now".

CloudWatch stamps a datapoint that carries no Timestamp with the time it was received; moto uses
the wall clock, which in a rehearsal (a ManualClock, or a ScaledClock at 30x) is not the world's
time, so alarms and guardrails would look for it in the wrong period. This extension stamps it
with the world's time and, before storing anything, lets metric sources and alarms catch up, so
that an alarm period which ended before the datapoint arrived is evaluated without it. What is
stored goes to `metric_store` (moto's validation first), not to moto's list of objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult, EmptyResult

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.cloudwatch import metric_series, metric_sources, metric_store
from tui.rehearsal.fidelity.world_time import WorldTime


def put_metric_data(time: WorldTime, self: CloudWatchResponse) -> ActionResult:
    """PutMetricData, stamping undated datapoints with the world's time."""
    with time.lock:
        now = time.now()
        metric_sources.catch_up(now)
        namespace = self._get_param("Namespace")
        metric_data = self._get_param("MetricData", [])
        for datum in metric_data:
            stamp = datum.get("Timestamp")
            datum["Timestamp"] = (
                metric_series.naive_utc(stamp)
                if isinstance(stamp, datetime | str)
                else metric_series.naive_utc(now)
            )
        self.cloudwatch_backend.put_metric_data(namespace, metric_data)
        return EmptyResult()


def store_metric_data(
    time: WorldTime, self: CloudWatchBackend, namespace: str, metric_data: list[dict[str, Any]]
) -> None:
    """moto's backend PutMetricData: validated as moto does, kept in the metric store."""
    for i, datum in enumerate(metric_data):
        self._validate_parameters_put_metric_data(datum, i + 1)
    store = metric_store.of(self)
    received = metric_series.naive_utc(time.now())
    for datum in metric_data:
        stamp = datum.get("Timestamp")
        stamp = time.event_now() if stamp is None else stamp
        store.put(namespace, {**datum, "Timestamp": metric_series.naive_utc(stamp)}, received)


def install(time: WorldTime) -> None:
    """Answer PutMetricData here, and keep what moto's backend is given in the metric store."""
    patching.patch(CloudWatchResponse, "put_metric_data", time.bound(put_metric_data))
    patching.patch(CloudWatchBackend, "put_metric_data", time.bound(store_metric_data))


def tick(time: WorldTime, now: object) -> None:
    """Nothing to advance: stamping happens as data arrives."""
