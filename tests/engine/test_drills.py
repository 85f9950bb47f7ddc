"""End to end: shipped runbooks against the rehearsal world (moto, in-process, on a clock the
engine moves), through the real adapters, the headless front end with --auto-approve and a real
audit log. The assertions are what a person would check in AWS afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.drill import RUNBOOKS, Drill, drill, missing_drivers
from tui.audit.chain import read_log, require_intact
from tui.engine.auto_approve import auto_approver
from tui.rehearsal.fidelity import throttling
from tui.runbook.loader import load_runbook

# Shorter bakes where the runbook offers a param for it: the drill is about the flow.
FAST = {"alb-canary": {"bake": "1m"}, "route53-canary": {"bake": "1m"}}
SHIPPED = sorted(p.stem for p in RUNBOOKS.glob("*.yaml"))
pytestmark = pytest.mark.slow


def records(d: Drill) -> list:
    reading = read_log(d.log)
    require_intact(reading)
    return reading.records


def intents(d: Drill, operation: str) -> list:
    return [r for r in records(d) if r.type == "api.intent" and r.payload["operation"] == operation]


@pytest.fixture
def run(tmp_path: Path):
    started: list[Drill] = []

    def go(*args, **kwargs) -> Drill:
        d = drill(args[0], tmp_path, *args[1:], **kwargs)
        started.append(d)
        return d

    yield go
    for d in started:
        d.world.stop()
    # The world leaves a scenario's throttling switched on in moto (process-wide): clear it,
    # or the next test's AWS calls in this process are throttled too.
    throttling.clear()


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_runbook_completes_on_the_healthy_world(run, name: str) -> None:
    """...held to exactly the policy `turnout policy` prints for it, preflight first: the
    policy's round trip (docs/real-aws.md). A call the policy misses is AccessDenied here."""
    missing = missing_drivers(load_runbook(RUNBOOKS / f"{name}.yaml"))
    if missing:
        pytest.skip(f"no adapter yet for {', '.join(missing)}")
    d = run(name, sets=FAST.get(name), poll=60, interval=60, policy=True)
    assert d.code == 0, d.output[-2000:]
    assert "preflight passed" in d.output
    end = records(d)[-1]
    assert end.type == "session.end" and end.payload["outcome"] == "completed"


def listener_weights(d: Drill) -> dict[str, int]:
    elbv2 = d.world.clients.client("elbv2")
    (action,) = elbv2.describe_listeners(ListenerArns=[d.world.seeded["listener"]])["Listeners"][0][
        "DefaultActions"
    ]
    names = {
        d.world.seeded["target_group:blue"]: "web-blue",
        d.world.seeded["target_group:green"]: "web-green",
    }
    return {
        names[g["TargetGroupArn"]]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]
    }


def test_bad_ami_trips_the_canary_error_guardrail_and_rolls_back(run) -> None:
    # The runbook's own 5 m bake per canary step; held to its `turnout policy`, so the
    # rollback's calls (the listener's weights put back) are proven allowed by it too.
    d = run("alb-canary", "bad-ami", policy=True)
    assert d.code == 3, d.output[-2000:]
    assert listener_weights(d) == {"web-blue": 100, "web-green": 0}
    log = records(d)
    decision = next(r for r in log if r.type == "guardrail.evaluated" and r.payload["decision"])
    assert (
        decision.payload["name"] == "green 5xx rate" and decision.payload["decision"] == "rollback"
    )
    assert next(r for r in log if r.type == "rollback.start").payload["trigger"] == "guardrail"
    answers = [r for r in log if r.type == "confirm.answer"]
    # --auto-approve said yes to the confirmation; the breach was headless's own safe answer.
    assert {(a.payload["answer"], a.actor) for a in answers} == {
        ("yes", auto_approver()),
        ("rollback", "headless"),
    }
    # the green weight never went past the first canary step
    weights = [
        g["Weight"]
        for r in intents(d, "ModifyListener")
        for g in r.payload["params"]["DefaultActions"][0]["ForwardConfig"]["TargetGroups"]
        if g["TargetGroupArn"] == d.world.seeded["target_group:green"]
    ]
    assert max(weights) == 5 and weights[-1] == 0
    # The session ends saying, from AWS, where traffic is now, where the log is and its anchor.
    end = log[-1]
    assert "web-alb:80 forwards web-blue 100, web-green 0" in end.payload["aws_state"]
    assert "outcome: rolled back (exit 3)" in d.output
    assert "    web-alb:80 forwards web-blue 100, web-green 0" in d.output
    assert f"ends at sha256:{end.hash}" in d.output


@pytest.mark.parametrize("warp", [120, 1800], ids=["at-once", "half-an-hour-late"])
def test_replica_lag_blocks_the_switchover_however_late_the_step_comes(run, warp) -> None:
    """RDS User Guide, "Switching a blue/green deployment in Amazon RDS", Switchover guardrails:
    "Replication lag – Checks if the green primary DB instance replica lag is within allowable
    limits for switchover." The runbook's precondition asks for ReplicaLag about 0.

    The world running `warp` seconds before the session stands for a slow or busy machine (or a
    low --speed): world time between the world's start and the switchover step grows. Timed
    from the world's start the lag had decayed by then (`--speed 30` on a loaded machine
    switched over, exit 0); timed from the step, the drill refuses (exit 5) either way."""
    d = run("rds-blue-green", "replica-lag", warp=warp)
    assert d.code == 5, d.output[-2000:]
    assert intents(d, "SwitchoverBlueGreenDeployment") == []
    refused = [
        r.payload
        for r in records(d)
        if r.type == "precondition.evaluated" and not r.payload["passed"]
    ]
    assert [p["name"] for p in refused] == ["green has caught up"]
    assert refused[0]["observed"] > 1
    status = d.world.clients.client("rds").describe_blue_green_deployments()
    assert {b["Status"] for b in status["BlueGreenDeployments"]} == {"AVAILABLE"}


def test_throttled_auto_scaling_is_survived(run, monkeypatch) -> None:
    # The SDK's retries ride through throttling; only their wall-clock backoff is cut short
    # here (standard mode: the adaptive mode's rate limiter would sleep for real, too).
    from botocore.config import Config
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0.0)
    config = Config(retries={"mode": "standard", "max_attempts": 10})
    d = run("spot-mixed-refresh", "throttling", config=config)
    assert d.code == 0, d.output[-2000:]
    assert len(intents(d, "StartInstanceRefresh")) == 1


def test_an_account_mismatch_refuses_before_any_call_that_changes_anything(run) -> None:
    d = run("alb-canary", sets={"account": "999999999999"})
    assert d.code == 5
    assert [r for r in records(d) if r.type == "api.intent" and r.payload["mutating"]] == []
    assert "999999999999" in records(d)[-1].payload["reason"]
    assert listener_weights(d) == {"web-blue": 100, "web-green": 0}
