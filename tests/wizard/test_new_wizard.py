"""`turnout new` driven through pipe input: each pattern writes a runbook the loader accepts."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import create_output

from tests.keys import DOWN, ENTER
from tui.commands.new import run_new
from tui.commands.runbook import run_validate
from tui.exitcodes import ExitCode
from tui.runbook.loader import load_runbook
from tui.wizard.patterns import PATTERNS

KILL_LINE = "\x15"  # Ctrl-U: clear a prompt's prefilled default before typing another


def new(file: Path | None, keys: str, pattern: str | None = None, from_aws: bool = False) -> int:
    """Run `turnout new` with `keys` typed; the input then ends, so a question the keys did not
    foresee cancels the wizard (exit 130) instead of hanging the test."""
    args = argparse.Namespace(
        file=str(file) if file else None,
        from_aws=from_aws,
        pattern=pattern,
        profile=None,
        region=None,
    )
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        return run_new(args, input=pipe, output=create_output(stdout=io.StringIO()))


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if p != "multi-service"])
def test_enter_throughout_writes_a_runbook_that_validates(pattern: str, tmp_path: Path) -> None:
    """Every default is the rehearsal world's: a person pressing Enter gets a valid runbook."""
    target = tmp_path / f"{pattern}.yaml"
    assert new(target, ENTER * 40, pattern=pattern) == ExitCode.COMPLETED
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "\n  # " in text or "\n# " in text  # the comments explaining each choice survive
    runbook = load_runbook(target)
    assert runbook.name == pattern
    assert runbook.target.account == "123456789012"
    assert run_validate(argparse.Namespace(runbooks=[str(target)], set=[], format="text")) == 0
    # the guardrails ticked by default are in the runbook
    assert any(step.guardrails or step.preconditions for step in runbook.steps)


def test_choosing_a_pattern_and_changing_names_and_thresholds(tmp_path: Path) -> None:
    target = tmp_path / "canary.yaml"
    keys = (
        DOWN
        + ENTER  # ALB canary
        + KILL_LINE
        + "shop-canary"
        + ENTER  # runbook name
        + ENTER
        + ENTER  # account, region
        + ENTER
        + ENTER
        + ENTER
        + ENTER  # load balancer, port, blue, green
        + KILL_LINE
        + "10,50,100"
        + ENTER  # canary steps
        + KILL_LINE
        + "2m"
        + ENTER  # bake
        + DOWN
        + DOWN
        + " "
        + ENTER  # also tick "unhealthy hosts"
        + KILL_LINE
        + "2"
        + ENTER
        + ENTER
        + ENTER  # thresholds
    )
    assert new(target, keys) == ExitCode.COMPLETED
    runbook = load_runbook(target)
    canary = next(step for step in runbook.steps if step.id == "canary")
    assert canary.arguments["steps"] == [10, 50, 100]
    assert canary.arguments["bake"] == 120
    guardrails = {g.name: g for g in canary.guardrails}
    assert set(guardrails) == {"green 5xx rate", "green p99 latency", "green unhealthy hosts"}
    assert "max: 2\n" in target.read_text()


def test_multi_service_in_dependency_order(tmp_path: Path) -> None:
    target = tmp_path / "multi.yaml"
    keys = (
        ENTER
        + ENTER
        + ENTER
        + ENTER  # name, account, region, ami
        + KILL_LINE
        + "api"
        + ENTER
        + DOWN
        + ENTER  # an ECS service
        + ENTER * 3
        + ENTER
        + ENTER * 2  # cluster, service, task definition; checks; thresholds
        + "y"  # another service
        + KILL_LINE
        + "web"
        + ENTER
        + ENTER  # an Auto Scaling group
        + ENTER * 3  # group, launch template, min healthy
        + " "
        + ENTER  # depends on api
        + ENTER
        + ENTER
        + ENTER  # checks (5xx rate: asks the load balancer), its threshold
        + "n"  # no more services
    )
    assert new(target, keys, pattern="multi-service") == ExitCode.COMPLETED
    runbook = load_runbook(target)
    assert runbook.waves == (("api",), ("web",))
    order = [step.id for step in runbook.order]
    assert order.index("api-roll") < order.index("web-template") < order.index("web-refresh")
    assert order[-1] == "all-done"


def test_an_existing_file_is_kept_unless_the_person_says_replace(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my own work\n")
    assert new(target, "n", pattern="ecs-rolling") == ExitCode.INVALID_INPUT
    assert target.read_text() == "my own work\n"
    assert new(target, "y" + ENTER * 30, pattern="ecs-rolling") == ExitCode.COMPLETED
    assert load_runbook(target).name == "ecs-rolling"


def test_input_that_ends_early_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "half.yaml"
    assert new(target, ENTER * 3, pattern="instance-refresh") == ExitCode.INTERRUPTED
    assert not target.exists()


def test_without_a_file_it_asks_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert new(None, ENTER * 40, pattern="rds-blue-green") == ExitCode.COMPLETED
    runbook = load_runbook(tmp_path / "rds-blue-green.yaml")
    switchover = next(step for step in runbook.steps if step.id == "switchover")
    assert switchover.irreversible
    names = {c.label for c in switchover.preconditions}
    assert {"green has caught up", "connections can drain"} <= names


def test_a_wizard_runbook_rehearses_to_completion(tmp_path: Path) -> None:
    """The issue's promise: Enter throughout, then the runbook rehearses on the healthy world,
    headless with --auto-approve, on the drill's clock (tests/engine/drill.py: the same session
    as `turnout rehearse --headless --auto-approve`, its world time moved by the engine's
    waits, so a half-hour refresh takes seconds). The real command on the real clock is run by
    tests/engine/test_auto_approve.py and tests/test_secrets_attack.py."""
    from tests.engine.drill import drill
    from tui.audit.verify import verify

    target = tmp_path / "my-asg.yaml"
    assert new(target, ENTER * 40, pattern="instance-refresh") == ExitCode.COMPLETED
    # Two instances at a time: the same steps, half the refresh.
    done = drill(str(target), tmp_path / "sessions", sets={"min_healthy": "50"})
    try:
        assert done.code == ExitCode.COMPLETED, done.output[-3000:]
        assert verify(done.outcome.session_dir).ok
    finally:
        done.world.stop()
