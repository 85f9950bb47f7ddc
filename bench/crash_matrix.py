"""The crash-and-resume matrix: kill a session at every audit record type of each mutating
action kind, resume it, and count what went wrong.

    python bench/crash_matrix.py [--cases weights,refresh,...] [--speed 60] [--jobs 2]

For each case (a runbook and a scenario: ALB weights, weights rolling back on a bad AMI, an
instance refresh, an ECS update, an RDS switchover) a reference session runs uninterrupted on a
fresh world. Then, for every record type it wrote (intents split into mutating and read) in
each step that changes AWS, one trial (the first such record; and the first after
`rollback.start` when the reference rolled back) runs the session on a fresh world in a child
that SIGKILLs itself right after that record is on disk (bench/crash_child.py), then resumes
it the same way.

A trial **resumed correctly** when the resumed session ends with the reference's exit code,
its log verifies, and, once a rollback began, no forward step started again. A **duplicate
mutation** is a mutating call the world received more often than in the reference, per
operation (counted where moto serves it, since a crash between a call and its result leaves
the log unable to say whether AWS got it). Prints one line per trial, then the figure:
tried / resumed correctly / duplicate mutations / not reached (the session ended before that
record: a late poll of the reference may not come in another run), per case and in all.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import crash_child  # noqa: E402
from tui.audit.chain import read_log  # noqa: E402
from tui.audit.record import Record  # noqa: E402
from tui.rehearsal.scenario import load_scenario  # noqa: E402
from tui.rehearsal.shared_clock import ClockPublisher  # noqa: E402
from tui.rehearsal.world import World  # noqa: E402

CHILD = ROOT / "bench" / "crash_child.py"


@dataclass(frozen=True)
class Case:
    name: str
    runbook: str
    scenario: str
    sets: dict[str, str]


CASES = (
    Case("weights", "runbooks/alb-canary.yaml", "healthy", {"bake": "30s", "full_bake": "30s"}),
    Case("weights-rollback", "runbooks/alb-canary.yaml", "bad-ami", {"bake": "2m"}),
    Case("refresh", "tests/engine/runbooks/refresh-only.yaml", "healthy", {}),
    Case("ecs", "runbooks/ecs-rolling.yaml", "healthy", {}),
    Case("switchover", "runbooks/rds-blue-green.yaml", "healthy", {}),
)


def kind(record: Record) -> str:
    """As bench/crash_child.py names it: `step.start@canary`."""
    return crash_child.kind(record.type, record.payload)


@dataclass
class Run:
    """What a session left, in numbers (picklable: trials run in worker processes, since
    moto's backends are one per process and two worlds in one would share them)."""

    code: int | None
    kinds: list[str]
    mutations: Counter[str]  # mutating calls the world received, so far, by operation
    forward_after_rollback: bool
    intact: bool
    error: str = ""  # the last line the child wrote to stderr, when it failed on its own


def summarise(code: int | None, log: Path | None, error: str = "") -> Run:
    if log is None:
        return Run(code, [], Counter(), False, False, error)
    reading = read_log(log)
    records = reading.records
    return Run(
        code,
        [kind(r) for r in records],
        Counter(SENT),
        forward_after_rollback(records),
        not reading.torn and reading.records[-1].type == "session.end" if records else False,
        error,
    )


SENT: Counter[str] = Counter()
"""Mutating calls that reached the world from the session (not the simulator), by operation:
what AWS received, which the log cannot tell after a crash between a call and its result."""


def count_what_the_world_receives() -> None:
    """Count each mutating action moto serves to anyone but the world's own simulator."""
    from moto.core.responses import BaseResponse

    from tui.engine.recorder import is_mutating
    from tui.rehearsal.world import SIMULATOR_USER_AGENT

    if getattr(BaseResponse, "_crash_matrix_counting", False):
        return
    call_action = BaseResponse.call_action

    def counted(self):  # type: ignore[no-untyped-def]
        agent = str(getattr(self, "headers", {}).get("User-Agent", ""))
        action = self._get_action()
        if is_mutating(action) and SIMULATOR_USER_AGENT not in agent:
            SENT[action] += 1
        return call_action(self)

    BaseResponse.call_action = counted  # type: ignore[method-assign]
    BaseResponse._crash_matrix_counting = True  # type: ignore[attr-defined]


def run_session(case: Case, speed: float, point: str) -> tuple[Run, Run | None]:
    """On a fresh world: the session (killed at `point`, or `-`), then its resumption if it
    was killed. Each is a child process against the world's endpoint."""
    with (
        World(speed=speed, faults=load_scenario(case.scenario)) as world,
        tempfile.TemporaryDirectory() as sessions,
        ClockPublisher(world.clock, Path(sessions) / "clock.json") as published,
    ):

        def child(mode: str, where: str, kill: str) -> tuple[int, str]:
            done = subprocess.run(
                [
                    sys.executable,
                    str(CHILD),
                    mode,
                    str(ROOT / case.runbook),
                    json.dumps(case.sets),
                    world.endpoint_url or "",
                    json.dumps(world.http_hosts),
                    where,
                    str(published.path),
                    kill,
                ],
                capture_output=True,
                text=True,
                timeout=900,
            )
            lines = done.stderr.strip().splitlines()
            return done.returncode, (lines[-1] if lines and done.returncode not in (0, -9) else "")

        count_what_the_world_receives()  # after the world's own patches (throttling's)
        SENT.clear()
        code, error = child("start", sessions, point)
        logs = list(Path(sessions).glob("*/audit.jsonl"))
        log = logs[0] if logs else None
        first = summarise(code, log, error)
        if code != -9 or log is None:
            return first, None
        code, error = child("resume", str(log), "-")
        return first, summarise(code, log, error)


def mutations(records: list[Record]) -> Counter[str]:
    return Counter(
        r.payload["operation"]
        for r in records
        if r.type == "api.intent" and r.payload.get("mutating")
    )


def forward_after_rollback(records: list[Record]) -> bool:
    """A forward step started again after the session's rollback began (before the crash)."""
    began = next((i for i, r in enumerate(records) if r.type == "rollback.start"), None)
    resumed = next((i for i, r in enumerate(records) if r.type == "session.resume"), None)
    if began is None or resumed is None or began > resumed:
        return False
    return any(r.type == "step.start" for r in records[resumed:])


def points(reference: list[str]) -> list[str]:
    """`KIND#N` for the first record of each type in each step that changes AWS (a step with
    a mutating intent in the reference), again once the rollback began, and the session's own
    records (no step) once each."""
    mutating = {n.split("@", 1)[1] for n in reference if n.startswith("api.intent:mutating@")}
    counts: Counter[str] = Counter()
    chosen: dict[str, str] = {}
    rolling = False
    for name in reference:
        counts[name] += 1
        rolling = rolling or name.startswith("rollback.start")
        step = name.split("@", 1)[1] if "@" in name else None
        if name.startswith("session.end") or (step is not None and step not in mutating):
            continue
        key = f"{name} (rollback)" if rolling else name
        chosen.setdefault(key, f"{name}#{counts[name]}")
    return list(dict.fromkeys(chosen.values()))


def trial(case: Case, speed: float, point: str) -> tuple[str, Run, Run | None]:
    return (point, *run_session(case, speed, point))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(c.name for c in CASES))
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    wanted = args.cases.split(",")
    figure: dict[str, Counter[str]] = {}
    for case in (c for c in CASES if c.name in wanted):
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as one:
            reference, _ = one.submit(run_session, case, args.speed, "-").result()
        expected = reference.mutations
        print(
            f"{case.name}: reference exit {reference.code}, {len(reference.kinds)} records, "
            f"mutations {dict(expected)}",
            flush=True,
        )
        tally: Counter[str] = Counter()
        todo = points(reference.kinds)
        with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
            runs = pool.map(trial, [case] * len(todo), [args.speed] * len(todo), todo)
            for point, killed, resumed in runs:
                if resumed is None:
                    why = f": {killed.error}" if getattr(killed, "error", "") else ""
                    print(f"  {point:32} not reached (exit {killed.code}){why}", flush=True)
                    tally["not reached"] += 1
                    continue
                tally["tried"] += 1
                extra = resumed.mutations - expected
                ok = (
                    resumed.code == reference.code
                    and resumed.intact
                    and not resumed.forward_after_rollback
                )
                tally["resumed correctly"] += ok
                tally["duplicate mutations"] += sum(extra.values())
                why = f": {resumed.error}" if not ok and getattr(resumed, "error", "") else ""
                print(
                    f"  {point:32} resumed exit {resumed.code}"
                    f"{'' if ok else '  WRONG'}{f'  duplicates {dict(extra)}' if extra else ''}"
                    f"{why}",
                    flush=True,
                )
        figure[case.name] = tally
    total: Counter[str] = sum(figure.values(), Counter())
    # "not reached": the child's session ended (its exit code shown, and its stderr's last line
    # when it failed) before writing the chosen record, so nothing was killed there: a late
    # record of the reference (the 16th poll of a canary) may not come in a run whose world
    # moved a little differently. Counted apart, never as correct.
    print("\ncase               tried  resumed correctly  duplicate mutations  not reached")
    for name, tally in [*figure.items(), ("all", total)]:
        print(
            f"{name:18} {tally['tried']:5}  {tally['resumed correctly']:17}  "
            f"{tally['duplicate mutations']:19}  {tally['not reached']:11}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
