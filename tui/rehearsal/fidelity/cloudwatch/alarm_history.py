"""Alarm state changes and their history, as DescribeAlarmHistory shows them.

Every state change (from evaluation or SetAlarmState), configuration change and action an alarm
performs is kept as a history item with the world's timestamp, `HistoryItemType`
(StateUpdate, ConfigurationUpdate, Action), a `HistorySummary` ("Alarm updated from OK to
ALARM") and JSON `HistoryData` (old and new state with reason and reason data), as CloudWatch
records them. moto does not implement DescribeAlarmHistory; this module answers it, with
AlarmName, HistoryItemType, StartDate/EndDate, ScanBy and MaxRecords/NextToken.

History lives on the CloudWatch backend, so it outlives a deleted alarm (as on AWS) and goes
away with a reset world.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterValue
from moto.cloudwatch.models import Alarm, CloudWatchBackend, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.cloudwatch import metric_series, metric_sources
from tui.rehearsal.fidelity.world_time import WorldTime

# Called as listener(alarm, backend, new_state, at) after each state *change* (alarm actions).
TransitionListener = Callable[[Alarm, CloudWatchBackend, str, datetime], None]
_listeners: list[TransitionListener] = []


def register_transition_listener(fn: TransitionListener) -> None:
    """Call `fn` after every alarm state change (idempotent)."""
    if fn not in _listeners:
        _listeners.append(fn)


def backend_of(alarm: Alarm) -> CloudWatchBackend:
    """The CloudWatch backend that holds `alarm` (from its ARN: region and account)."""
    parts = alarm.alarm_arn.split(":")
    return cloudwatch_backends[parts[4]][parts[3]]


def items(backend: CloudWatchBackend) -> list[dict[str, Any]]:
    """Every history item of `backend`'s alarms, oldest first (created on first use)."""
    if not hasattr(backend, "_turnout_alarm_history"):
        backend._turnout_alarm_history = []  # type: ignore[attr-defined]
    return backend._turnout_alarm_history  # type: ignore[attr-defined]


def record(
    backend: CloudWatchBackend,
    alarm: Alarm,
    kind: str,
    summary: str,
    data: dict[str, Any],
    at: datetime,
) -> None:
    """Append one history item."""
    items(backend).append(
        {
            "AlarmName": alarm.name,
            "AlarmType": "CompositeAlarm" if alarm.rule else "MetricAlarm",
            "Timestamp": at,
            "HistoryItemType": kind,
            "HistorySummary": summary,
            "HistoryData": json.dumps(data),
        }
    )


def transition(alarm: Alarm, state: str, reason: str, reason_data: str, at: datetime) -> None:
    """Set `alarm`'s state as CloudWatch does: record it, and on a change run its actions."""
    backend = backend_of(alarm)
    old_state, old_reason = alarm.state_value, alarm.state_reason
    try:
        parsed_data = json.loads(reason_data) if reason_data else {}
    except ValueError:
        parsed_data = {}
    alarm.state_value = state
    alarm.state_reason = reason
    alarm.state_reason_data = reason_data or "{}"
    alarm.state_updated_timestamp = at
    changed = old_state != state
    if changed:
        alarm.state_transitioned_timestamp = at
    record(
        backend,
        alarm,
        "StateUpdate",
        f"Alarm updated from {old_state} to {state}",
        {
            "version": "1.0",
            "oldState": {"stateValue": old_state, "stateReason": old_reason},
            "newState": {
                "stateValue": state,
                "stateReason": reason,
                "stateReasonData": parsed_data,
            },
        },
        at,
    )
    if changed:
        for listener in list(_listeners):
            listener(alarm, backend, state, at)


def describe_alarm_history(time: WorldTime, self: CloudWatchResponse) -> ActionResult:
    """DescribeAlarmHistory from the recorded items."""
    with time.lock:
        metric_sources.catch_up(time.now())
        params = self._get_params()
        found = list(items(self.cloudwatch_backend))
        if params.get("AlarmName"):
            found = [i for i in found if i["AlarmName"] == params["AlarmName"]]
        if params.get("HistoryItemType"):
            found = [i for i in found if i["HistoryItemType"] == params["HistoryItemType"]]
        if params.get("AlarmTypes"):
            found = [i for i in found if i["AlarmType"] in params["AlarmTypes"]]
        if params.get("StartDate"):
            start = metric_series.naive_utc(params["StartDate"])
            found = [i for i in found if i["Timestamp"] >= start]
        if params.get("EndDate"):
            end = metric_series.naive_utc(params["EndDate"])
            found = [i for i in found if i["Timestamp"] <= end]
        if (params.get("ScanBy") or "TimestampDescending") == "TimestampDescending":
            found.reverse()
        limit = int(params.get("MaxRecords") or 100)
        if not 1 <= limit <= 100:
            raise InvalidParameterValue(
                f"The value {limit} for parameter MaxRecords is not valid: it must be 1 to 100."
            )
        offset = 0
        if params.get("NextToken"):
            try:
                offset = int(params["NextToken"])
            except ValueError:
                raise InvalidParameterValue("The value of NextToken is invalid.") from None
        page = found[offset : offset + limit]
        token = str(offset + limit) if offset + limit < len(found) else None
        return ActionResult({"AlarmHistoryItems": page, "NextToken": token})


def update_state(
    time: WorldTime, self: Alarm, reason: str, reason_data: str, state_value: str
) -> None:
    """moto's Alarm.update_state (SetAlarmState) made to record history and run actions."""
    transition(self, state_value, reason, reason_data, metric_series.naive_utc(time.now()))


def install(time: WorldTime) -> None:
    """Answer DescribeAlarmHistory and route SetAlarmState through `transition`."""
    patching.patch(CloudWatchResponse, "describe_alarm_history", time.bound(describe_alarm_history))
    patching.patch(Alarm, "update_state", time.bound(update_state))


def tick(time: WorldTime, now: object) -> None:
    """History only grows as alarms change; nothing to advance."""
