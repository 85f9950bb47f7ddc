"""The plan document: order, risk, undo (automatic, explicit, none) and the operations it lists."""

from __future__ import annotations

from pathlib import Path

from tui.runbook.loader import load_runbook
from tui.runbook.plan import plan_document

RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"


def _plan(name: str) -> dict:
    return plan_document(load_runbook(RUNBOOKS / f"{name}.yaml"))


def _step(doc: dict, step_id: str) -> dict:
    return next(s for s in doc["steps"] if s["id"] == step_id)


def test_a_rollback_step_replaces_the_automatic_undo_it_names() -> None:
    doc = _plan("route53-canary")
    assert _step(doc, "canary-5")["undo"] == {
        "kind": "explicit",
        "summary": "Rollback step(s) all-to-blue replace the automatic undo.",
        "operations": [],
        "steps": ["all-to-blue"],
    }
    later = _step(doc, "canary-25")["undo"]
    assert (
        later["kind"] == "automatic" and "route53.ChangeResourceRecordSets" in later["operations"]
    )
    (back,) = doc["rollback"]["steps"]
    assert back["id"] == "all-to-blue" and back["undoes"] == "canary-5"
    assert back["arguments"]["weights"] == {"blue": 100, "green": 0}


def test_an_irreversible_step_has_no_undo_and_a_typed_confirmation() -> None:
    step = _step(_plan("rds-blue-green"), "switchover")
    assert step["risk"] == "irreversible"
    assert step["undo"]["kind"] == "none" and step["undo"]["operations"] == []
    assert step["confirm"] == {"required": True, "phrase": "switch over orders-bgd"}
    assert step["arguments"]["timeout"] == 300
    kinds = [p["kind"] for p in step["preconditions"]]
    assert kinds == ["blue_green_status", "db_instance_status", "metric", "metric", "route53_ttl"]
    lag = step["preconditions"][2]
    assert lag["max"] == 1 and lag["metric"]["dimensions"]["DBInstanceIdentifier"] == {
        "resource": "blue_green_target",
        "name": "orders-bgd",
    }
    assert "rds.DescribeBlueGreenDeployments" in step["check_operations"]


def test_multi_service_runs_dependencies_first() -> None:
    doc = _plan("multi-service")
    assert doc["waves"] == [["inventory-db"], ["api", "worker", "batch"], ["web"]]
    order = [s["id"] for s in doc["steps"]]
    assert order[0] == "web-backup" and order[-1] == "all-done"
    assert order.index("db-shift") < order.index("api-roll") < order.index("web-refresh")
    assert [s["wave"] for s in doc["steps"][1:-1]] == sorted(s["wave"] for s in doc["steps"][1:-1])


def test_guardrails_carry_their_thresholds_and_policies() -> None:
    (rate, latency, hosts) = _step(_plan("asg-instance-refresh"), "refresh")["guardrails"]
    assert (
        rate["condition"]["expr"] == "100 * errors / requests" and rate["condition"]["max"] == 1.0
    )
    assert (rate["for"], rate["on_breach"], rate["confirm_timeout_seconds"]) == (3, "rollback", 300)
    assert latency["on_breach"] == "pause" and latency["confirm_timeout_seconds"] is None
    assert hosts["condition"]["min"] == 3 and hosts["missing_data"] == "breach"
