"""Route 53 changes that take time to propagate: PENDING, then INSYNC, on the world's clock.

moto 5.2.5 answers every ChangeResourceRecordSets with the same change id, INSYNC at once, and
GetChange with INSYNC for any id at all, with a SubmittedAt of whenever it was asked. AWS
instead (API Reference, GetChange and ChangeInfo; Route 53 FAQs):

- a change is PENDING ("the changes in this request have not propagated to all Amazon Route 53
  DNS servers managing the hosted zone. This is the initial status of all change batch
  requests"), then INSYNC once propagated, which Route 53 "is designed to" do "within 60
  seconds under normal conditions";
- each change has its own id, and its SubmittedAt is "The date and time that the change request
  was submitted": the same on every GetChange;
- GetChange of an id Route 53 never gave is NoSuchChange ("A change with the specified change
  ID does not exist", HTTP 404).

The records themselves change at once, as on AWS (ListResourceRecordSets shows the new values
while the change is PENDING). Changes are kept on moto's backend, so a moto reset forgets them.

World knob: `set_propagation_seconds(time, seconds)` (default 60).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from moto.core.responses import ActionResult
from moto.route53.exceptions import Route53ClientError
from moto.route53.responses import Route53

from tui.rehearsal.fidelity import patching
from tui.rehearsal.fidelity.world_time import WorldTime

PROPAGATION_SECONDS = 60.0
_SETTINGS: dict[str, float] = {"propagation": PROPAGATION_SECONDS}


class NoSuchChange(Route53ClientError):
    """GetChange of an id Route 53 never gave (HTTP 404, from the service's error model)."""

    def __init__(self, change_id: str) -> None:
        super().__init__(
            "NoSuchChange", f"A change with the specified change ID {change_id} does not exist."
        )


@dataclass(frozen=True)
class Change:
    """A change batch as Route 53 keeps it: when it was submitted, and its comment."""

    id: str
    submitted_at: datetime  # the world's time, timezone-aware UTC
    comment: str | None

    def info(self, now: datetime) -> dict[str, Any]:
        """ChangeInfo as of `now`: INSYNC once the change has propagated."""
        done = now >= self.submitted_at + timedelta(seconds=_SETTINGS["propagation"])
        info: dict[str, Any] = {
            "Id": f"/change/{self.id}",
            "Status": "INSYNC" if done else "PENDING",
            "SubmittedAt": self.submitted_at,
        }
        if self.comment:
            info["Comment"] = self.comment
        return info


def set_propagation_seconds(time: WorldTime, seconds: float) -> None:
    """How long a change stays PENDING, in world seconds (applies to changes already made)."""
    if seconds < 0:
        raise ValueError("propagation takes no negative time")
    with time.lock:
        _SETTINGS["propagation"] = float(seconds)


def _changes(backend: Any) -> dict[str, Change]:
    """The backend's changes by id (kept on moto's object, so a reset forgets them)."""
    return backend.__dict__.setdefault("_turnout_changes", {})


def change_resource_record_sets(time: WorldTime, self: Route53, original: Any) -> ActionResult:
    """moto's change (validation, the records), then a change of its own that is PENDING."""
    with time.lock:
        original(self)  # raises, changing nothing, when the batch is refused
        # A change id is at most 32 characters (ChangeInfo.Id): C and 20 of base 36.
        change = Change(
            f"C{uuid.uuid4().hex[:20].upper()}",
            time.event_now(),
            self._get_param("ChangeBatch.Comment"),
        )
        _changes(self.backend)[change.id] = change
        return ActionResult({"ChangeInfo": change.info(time.now())})


def get_change(time: WorldTime, self: Route53) -> ActionResult:
    """The change's status as of the world's time; NoSuchChange for an id never given."""
    change_id = str(self._get_param("Id")).removeprefix("/change/")
    with time.lock:
        change = _changes(self.backend).get(change_id)
        if change is None:
            raise NoSuchChange(change_id)
        return ActionResult({"ChangeInfo": change.info(time.now())})


def install(time: WorldTime) -> None:
    """Answer ChangeResourceRecordSets and GetChange here."""
    patching.wrap(
        Route53,
        "change_resource_record_sets",
        lambda moto_change: lambda self: change_resource_record_sets(time, self, moto_change),
    )
    patching.patch(Route53, "get_change", time.bound(get_change))


def tick(time: WorldTime, now: datetime) -> None:
    """Nothing to advance: a change's status is computed from when it was submitted."""
