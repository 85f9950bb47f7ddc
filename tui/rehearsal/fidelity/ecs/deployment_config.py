"""An ECS service's deploymentConfiguration: AWS's defaults, its checks, what the scheduler needs.

AWS answers DescribeServices for a rolling-update service with maximumPercent 200,
minimumHealthyPercent 100 and the circuit breaker off unless told otherwise; UpdateService
changes only the top-level fields it is given. moto 5.2.5 drops the whole structure.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.exceptions import InvalidParameterException

from tui.rehearsal.fidelity.ecs.scheduler import Config


def merged_configuration(current: dict[str, Any] | None, given: dict[str, Any] | None) -> dict:
    """AWS's defaults for a rolling-update service, overlaid with `current` then `given`.

    Raises InvalidParameterException (a ClientError to the caller) for impossible values.
    """
    merged: dict[str, Any] = {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    merged.update(current or {})
    merged.update(given or {})
    for key in ("maximumPercent", "minimumHealthyPercent"):
        value = merged.get(key)
        if not isinstance(value, int) or value < 0:
            raise InvalidParameterException(f"{key} must be a non-negative integer.")
    if merged["minimumHealthyPercent"] > 100:
        raise InvalidParameterException("minimumHealthyPercent must be between 0 and 100.")
    breaker = merged["deploymentCircuitBreaker"]
    if "enable" not in breaker or "rollback" not in breaker:
        raise InvalidParameterException("deploymentCircuitBreaker needs enable and rollback.")
    return merged


def to_config(raw: dict[str, Any]) -> Config:
    """The scheduler's view of a merged deploymentConfiguration."""
    breaker = raw.get("deploymentCircuitBreaker") or {}
    threshold = breaker.get("thresholdConfiguration") or {}
    alarms = raw.get("alarms") or {}
    return Config(
        minimum_healthy_percent=raw["minimumHealthyPercent"],
        maximum_percent=raw["maximumPercent"],
        breaker_enable=bool(breaker.get("enable")),
        breaker_rollback=bool(breaker.get("rollback")),
        reset_on_healthy_task=bool(breaker.get("resetOnHealthyTask", True)),
        threshold_type=threshold.get("type", "BOUNDED_PERCENT"),
        threshold_value=int(threshold.get("value", 50)),
        alarm_names=tuple(alarms.get("alarmNames") or ()),
        alarms_enable=bool(alarms.get("enable")),
        alarms_rollback=bool(alarms.get("rollback")),
    )
