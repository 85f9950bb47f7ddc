"""Driver for `route53.set_weights`: the weights of a name's weighted records, followed with
GetChange until Route 53 reports the change INSYNC (propagated to its name servers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.aws.actions.base import Driver
from tui.aws.calls import call
from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.aws.readings import record_sets
from tui.aws.resolve import not_found, zone_name
from tui.runbook.model import Step


class SetWeights(Driver):
    """One ChangeResourceRecordSets (an UPSERT per weighted record named in `weights`), then
    GetChange until INSYNC. Capture keeps each of those records whole, so undo UPSERTs them back
    exactly (weight, TTL, values) and follows that change too."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.zone, self.record = self.args["zone"], zone_name(self.args["record"])
        self.type: str | None = self.args.get("type")
        self.weights = {name: int(w) for name, w in self.args["weights"].items()}
        self._change: str | None = None
        self._undo_change: str | None = None
        self._captured: dict[str, Any] | None = None
        self._undone: dict[str, int] = {}

    def _weighted(self) -> tuple[str, list[dict[str, Any]]]:
        """The zone's id and the record's weighted sets named in `weights`; every named set
        identifier must exist."""
        zone_id = self.ctx.resolve.hosted_zone(self.zone)
        weighted = [
            r
            for r in record_sets(self.ctx.clients, zone_id, self.record, self.type)
            if "Weight" in r and "SetIdentifier" in r
        ]
        have = sorted({r["SetIdentifier"] for r in weighted})
        unknown = sorted(set(self.weights) - set(have))
        if unknown:
            raise not_found(
                self.client("route53"),
                "ListResourceRecordSets",
                f"weighted record of {self.record} in {zone_name(self.zone)} with set identifier",
                ", ".join(unknown),
                account=self.ctx.resolve.account,
                advice=f"its weighted records are {', '.join(have) or 'none'}: check `weights` "
                "in the runbook",
            )
        return zone_id, [r for r in weighted if r["SetIdentifier"] in self.weights]

    def state(self) -> str:
        _, records = self._weighted()
        weights = ", ".join(f"{r['SetIdentifier']} {r['Weight']}" for r in records)
        return f"{self.record} in {zone_name(self.zone)} weighs {weights}"

    def capture(self) -> dict[str, Any]:
        """The zone id and every weighted record set the change touches, whole."""
        zone_id, records = self._weighted()
        self._captured = {"zone": zone_id, "record": self.record, "records": records}
        return self._captured

    def _upsert(self, zone_id: str, records: list[dict[str, Any]], why: str) -> str:
        changed = call(
            self.ctx.clients.client("route53"),
            "change_resource_record_sets",
            self.record,
            HostedZoneId=zone_id,
            ChangeBatch={
                "Comment": why,
                "Changes": [{"Action": "UPSERT", "ResourceRecordSet": r} for r in records],
            },
        )
        return changed["ChangeInfo"]["Id"]

    def _follow(self, change: str | None, weights: Mapping[str, int], undo: bool) -> Progress:
        shown = ", ".join(f"{name} {w}" for name, w in sorted(weights.items()))
        status = "INSYNC"
        if change is not None:
            status = call(self.ctx.clients.client("route53"), "get_change", self.record, Id=change)[
                "ChangeInfo"
            ]["Status"]
        detail = {"weights": {"resource": self.record, "weights": dict(weights)}}
        again = " again" if undo else ""
        if status == "INSYNC":
            return Progress("done", f"{self.record} weights {shown}{again} (INSYNC)", 100.0, detail)
        summary = f"{self.record} weights {shown}{again}: Route 53 change {status}"
        return Progress("running", summary, 50.0, detail)

    def start(self) -> Progress:
        captured = self._captured or self.capture()
        wanted = [{**r, "Weight": self.weights[r["SetIdentifier"]]} for r in captured["records"]]
        self._change = self._upsert(captured["zone"], wanted, f"turnout step {self.step.id}")
        return self.poll()

    def poll(self) -> Progress:
        self.progress = self._follow(self._change, self.weights, undo=False)
        return self.progress

    def find_started(self, captured: Mapping[str, Any]) -> bool:
        """True when every named set identifier already has its new weight."""
        _, records = self._weighted()
        return all(r["Weight"] == self.weights[r["SetIdentifier"]] for r in records)

    def undo(self, captured: Mapping[str, Any]) -> Progress:
        why = f"turnout undo of step {self.step.id}"
        self._undo_change = self._upsert(captured["zone"], list(captured["records"]), why)
        self._undone = {r["SetIdentifier"]: r["Weight"] for r in captured["records"]}
        return self.poll_undo()

    def find_undone(self, captured: Mapping[str, Any]) -> Progress | None:
        """Done when every captured record already has its old weight (a change still PENDING
        is followed to INSYNC by the undo's GetChange only when this driver sent it; Route 53
        answers reads with the new weights at once, so seeing them is enough)."""
        _, records = self._weighted()
        now = {r["SetIdentifier"]: r["Weight"] for r in records}
        before = {r["SetIdentifier"]: r["Weight"] for r in captured["records"]}
        if any(now.get(name) != weight for name, weight in before.items()):
            return None
        self._undone, self._undo_change = before, None
        return self.poll_undo()

    def poll_undo(self) -> Progress:
        self.undo_progress = self._follow(self._undo_change, self._undone, undo=True)
        return self.undo_progress


DRIVERS = {"route53.set_weights": SetWeights}
