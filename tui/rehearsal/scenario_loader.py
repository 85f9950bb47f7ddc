"""Reading a scenario file (tui/rehearsal/scenarios/*.yaml) with the runbook loader's located
errors.

    scenario: bad-ami
    title: The new AMI answers 5xx
    description: |
      What the trainee should notice, and when.
    faults:
      - kind: bad_image
        image: ami-0000000000000b002
        error_rate: 0.6
        start: 0s                           # or {step: switchover, at: start, after: 0s}

A scenario is named on the command line by file path or by name: looked up in
`./runbooks/scenarios/` of the working directory (a person's own), then among the scenarios
shipped inside the package (`tui/rehearsal/scenarios/`, package data read through
importlib.resources, so a name works from any directory and from an installed wheel);
`healthy` needs no file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from tui.errors import InputError, Location
from tui.rehearsal.faults import FAULT_KINDS, STEP_MOMENTS, Fault, ScenarioSpec, StepStart
from tui.runbook.fields import Fields
from tui.runbook.problems import Problems, RunbookInvalid, did_you_mean
from tui.runbook.source import Node, read_file
from tui.runbook.values import INVALID, ValueType

# Fields written as durations (`30s`, `5m`); all other numbers are plain numbers.
_DURATION_FIELDS = {"start", "duration", "rise", "decay", "peak"}
_TYPES = {"str": ValueType.STRING, "float": ValueType.NUMBER, "float | None": ValueType.NUMBER}


def shipped_scenarios_dir() -> Path:
    """The folder of the scenarios shipped inside the package."""
    # A real folder for every install turnout supports (a checkout, an editable install, a
    # wheel unpacked into site-packages): the loader reports FILE:LINE:COL against it.
    return Path(str(resources.files("tui.rehearsal").joinpath("scenarios")))


def scenario_dirs() -> list[Path]:
    """Where scenarios are looked up by name: ./runbooks/scenarios (if the working directory
    has one), then the shipped ones."""
    own = Path.cwd() / "runbooks" / "scenarios"
    return [own, shipped_scenarios_dir()] if own.is_dir() else [shipped_scenarios_dir()]


def available_scenarios() -> list[str]:
    """The names of every scenario that can be given by name."""
    found = {"healthy"}
    for folder in scenario_dirs():
        found.update(p.stem for p in folder.glob("*.yaml"))
    return sorted(found)


def resolve(name_or_path: str) -> Path | None:
    """The file a scenario argument names; None for the built-in `healthy`."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    for folder in scenario_dirs():
        candidate = folder / f"{name_or_path}.yaml"
        if candidate.exists():
            return candidate
    if name_or_path == "healthy":
        return None
    hint = did_you_mean(name_or_path, available_scenarios())
    raise InputError(
        f'no scenario "{name_or_path}"{hint}; available: {", ".join(available_scenarios())}'
    )


def load_scenario_spec(name_or_path: str) -> ScenarioSpec:
    """Read a scenario by name or path; every problem in it raised at once with FILE:LINE:COL."""
    path = resolve(name_or_path)
    if path is None:
        return ScenarioSpec("healthy", "Everything works", "No faults: the world stays healthy.")
    problems = Problems()
    root = read_file(path, problems)
    spec = _build(root, str(path), problems) if root is not None else None
    if problems or spec is None:
        raise RunbookInvalid(problems.sorted())
    return spec


def _build(root: Node, file: str, problems: Problems) -> ScenarioSpec | None:
    top = Fields(
        root,
        "scenario",
        problems,
        ("scenario", "title", "description", "faults"),
        required=("scenario",),
    )
    name = top.get("scenario", ValueType.STRING)
    faults = [f for f in (_fault(n, problems) for n in top.sequence("faults")) if f is not None]
    if not top.ok or name in (None, INVALID):
        return None
    return ScenarioSpec(
        name=name,
        title=top.get("title", ValueType.STRING, "") or "",
        description=top.get("description", ValueType.STRING, "") or "",
        faults=tuple(faults),
    )


def _fault(node: Node, problems: Problems) -> Fault | None:
    kind_node = node.value.get("kind") if node.is_mapping else None
    kind = kind_node.value if kind_node is not None else None
    if kind not in FAULT_KINDS:
        where: Location = kind_node.location if kind_node is not None else node.location
        hint = did_you_mean(str(kind), FAULT_KINDS) if kind else ""
        problems.add(
            where,
            f'fault: unknown kind "{kind}"{hint}; use one of {", ".join(FAULT_KINDS)}'
            if kind
            else f'fault: missing "kind"; use one of {", ".join(FAULT_KINDS)}',
        )
        return None
    cls = FAULT_KINDS[kind]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    read = Fields(node, f"fault {kind}", problems, ("kind", *fields))
    values: dict[str, Any] = {}
    for key, value_node in read.items.items():
        if key == "kind" or key not in fields:
            continue
        if key == "start" and value_node.is_mapping:
            start = _step_start(value_node, kind, problems)
            if start is not None:
                values["start"] = start
            continue
        vtype = (
            ValueType.DURATION
            if key in _DURATION_FIELDS
            else _TYPES.get(str(fields[key].type), ValueType.STRING)
        )
        value = read.get(key, vtype)
        if value is not INVALID:
            values[key] = float(value) if vtype is not ValueType.STRING else value
    for share in ("error_rate", "share"):
        if share in values and not 0 <= values[share] <= 1:
            problems.add(read.value_location(share), f"fault {kind}: {share} must be 0 to 1")
    return cls(**values)


def _step_start(node: Node, kind: str, problems: Problems) -> StepStart | None:
    """`start: {step: ID, at: start|end, after: DURATION}`: a fault timed from a runbook step."""
    read = Fields(node, f"fault {kind}: start", problems, ("step", "at", "after"), ("step",))
    step = read.get("step", ValueType.STRING)
    at = read.choice("at", STEP_MOMENTS, "start")
    after = read.get("after", ValueType.DURATION, 0.0)  # a duration is never negative
    if step in (None, INVALID) or INVALID in (at, after):
        return None
    return StepStart(step, at, float(after), read.value_location("step"))


def check_steps(spec: ScenarioSpec, runbook_file: str, step_ids: Iterable[str]) -> None:
    """Every step a fault of `spec` starts at is a step of the runbook (`runbook_file`, whose
    steps are `step_ids`); else every miss at once, at FILE:LINE:COL, raised as RunbookInvalid.
    A fault waiting for a step the runbook lacks would never start: a drill without its lesson."""
    ids = list(step_ids)
    problems = Problems()
    for start in spec.step_starts():
        if start.step in ids or start.where is None:
            continue
        hint = did_you_mean(start.step, ids)
        problems.add(
            start.where,
            f'fault start: no step "{start.step}" in {runbook_file}{hint}; name one of its '
            f"steps ({', '.join(ids)}), or rehearse the runbook this scenario is for",
        )
    if problems:
        raise RunbookInvalid(problems.sorted())
