"""How an instance refresh looks to the operator: the one-line summary and `detail["refresh"]`.

Built from DescribeInstanceRefreshes (status, progress, checkpoints, rollback details) and the
group's instances (DescribeAutoScalingGroups: zone, launch-template version, image, lifecycle;
target health when the group is behind a load balancer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Still replacing instances towards the desired configuration.
FORWARD = frozenset({"Pending", "InProgress", "Baking"})
# Every status in which AWS is still doing something (CancelInstanceRefresh applies).
ACTIVE = FORWARD | {"Cancelling", "RollbackInProgress"}


def checkpoint_reached(refresh: Mapping[str, Any]) -> int | None:
    """The highest checkpoint percentage the refresh has reached, if it has checkpoints."""
    points = (refresh.get("Preferences") or {}).get("CheckpointPercentages") or []
    percent = refresh.get("PercentageComplete") or 0
    reached = [p for p in points if p <= percent]
    return max(reached) if reached else None


def reason(refresh: Mapping[str, Any]) -> str:
    """Why the refresh stopped or is rolling back, in AWS's words."""
    words = [refresh.get("StatusReason") or ""]
    rollback = (refresh.get("RollbackDetails") or {}).get("RollbackReason")
    if rollback and rollback not in words[0]:
        words.append(rollback)
    text = " ".join(w for w in words if w).strip()
    return text or f"the instance refresh ended {refresh.get('Status')}"


def summary(refresh: Mapping[str, Any], label: str = "Instance refresh") -> str:
    """One line: status, percent, instances left, the checkpoint reached or the rollback."""
    status = refresh.get("Status", "?")
    rollback = refresh.get("RollbackDetails")
    if rollback and status.startswith("Rollback"):
        percent, left = rollback_progress(rollback)
        return f"{label} {status}: rollback {percent} % ({left} to update)"
    text = (
        f"{label} {status}: {refresh.get('PercentageComplete', 0)} % "
        f"({refresh.get('InstancesToUpdate', 0)} to update)"
    )
    point = checkpoint_reached(refresh)
    if point is not None and status in FORWARD:
        text += f", checkpoint {point} % reached"
    return text


def rollback_progress(rollback: Mapping[str, Any]) -> tuple[int, int]:
    """How far a rollback has got: percent done and instances left. AWS's
    PercentageCompleteOnRollback and InstancesToUpdateOnRollback are the refresh's values when
    the rollback began; the rollback's own progress is ProgressDetailsOnRollback's."""
    live = (rollback.get("ProgressDetailsOnRollback") or {}).get("LivePoolProgress") or {}
    percent = live.get("PercentageComplete", rollback.get("PercentageCompleteOnRollback", 0))
    left = live.get("InstancesToUpdate", rollback.get("InstancesToUpdateOnRollback", 0))
    return int(percent or 0), int(left or 0)


def instances(group: Mapping[str, Any], target_health: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each instance of the group: id, zone, launch-template version, image, health."""
    out = []
    for member in sorted(group.get("Instances", []), key=lambda m: m["InstanceId"]):
        template = member.get("LaunchTemplate") or {}
        health = target_health.get(member["InstanceId"]) or member.get("HealthStatus", "")
        out.append(
            {
                "id": member["InstanceId"],
                "zone": member.get("AvailabilityZone"),
                "version": template.get("Version"),
                "image": member.get("ImageId"),
                "health": health,
                "lifecycle": member.get("LifecycleState"),
            }
        )
    return out


def detail(refresh: Mapping[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
    """`detail["refresh"]` as tui/aws/protocol.py's Progress documents it."""
    rollback = refresh.get("RollbackDetails")
    out: dict[str, Any] = {
        "id": refresh.get("InstanceRefreshId"),
        "status": refresh.get("Status"),
        "percent": refresh.get("PercentageComplete", 0),
        "instances_to_update": refresh.get("InstancesToUpdate", 0),
        "reason": refresh.get("StatusReason") or "",
        "checkpoint": checkpoint_reached(refresh),
        "instances": members,
    }
    if rollback:
        percent, left = rollback_progress(rollback)
        out["rollback"] = {
            "reason": rollback.get("RollbackReason", ""),
            "percent": percent,
            "instances_to_update": left,
        }
    return out
