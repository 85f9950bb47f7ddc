"""The drills' curriculum (tui/rehearsal/drills/curriculum.yaml, package data), read with the
runbook loader's located errors, and what a drill plays: its runbook, its scenario (two or
more scenarios' faults together for a compound drill), or one drawn blind.

    - drill: canary-bad-ami
      runbook: alb-canary
      scenario: bad-ami               # or [bad-ami, az-outage]: every fault of both at once
      also: [{scenario: slow-release, expect: rolled_back}]   # more for --blind to draw
      set: {bake: 1m}                 # runbook params
      lesson: ...
      good: roll back before 1 % of requests fail
      expect: rolled_back             # completed | rolled_back | refused
      budget: 1%                      # errors, as a share of the session's requests
      read: docs/engine.md#guardrails-how-datapoints-are-counted

Pure: the scenarios are read as specs (tui/rehearsal/scenario_loader.py), moto is not loaded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from tui.errors import InputError, Location
from tui.rehearsal.faults import ScenarioSpec
from tui.rehearsal.scenario_loader import load_scenario_spec
from tui.runbook.fields import Fields
from tui.runbook.problems import Problems, RunbookInvalid, did_you_mean
from tui.runbook.source import INVALID, Node, read_file
from tui.runbook.values import ValueType

EXPECTS = ("completed", "rolled_back", "refused")
"""How a good session of a drill ends (`session.end`'s outcome)."""
HEALTHY = "healthy"
_KEYS = ("drill", "title", "runbook", "scenario", "also", "set", "lesson", "good", "expect")
_KEYS += ("budget", "read", "detect_within", "restore_within")


@dataclass(frozen=True)
class Variant:
    """One world a drill can play: its scenarios (faults of all of them at once) and how a
    good session ends on it."""

    scenarios: tuple[str, ...]
    expect: str

    @property
    def name(self) -> str:
        """`bad-ami`, or `bad-ami+az-outage` for a compound one."""
        return "+".join(self.scenarios)


@dataclass(frozen=True)
class Drill:
    """One drill of the curriculum."""

    name: str
    title: str
    runbook: str
    variant: Variant  # what `turnout drill run NAME` plays
    lesson: str
    good: str
    budget: float  # share of requests (0 to 1)
    read: str
    also: tuple[Variant, ...] = ()
    sets: dict[str, str] = field(default_factory=dict)
    detect_within: float = 180.0  # seconds from the users' first errors to a guardrail decision
    restore_within: float = 60.0  # seconds from that decision until traffic is restored
    where: Location | None = field(default=None, compare=False)

    @property
    def draws(self) -> tuple[Variant, ...]:
        """What `--blind` draws from: the drill's scenarios, and healthy (a trainee must not
        know that there will be a fault)."""
        found = (self.variant, *self.also)
        if not any(v.scenarios == (HEALTHY,) for v in found):
            found += (Variant((HEALTHY,), "completed"),)
        return found

    def draw(self, rng: random.Random | None = None) -> Variant:
        """One of `draws`, at random."""
        return (rng or random.SystemRandom()).choice(self.draws)


def curriculum_file() -> Path:
    """The curriculum shipped inside the package."""
    return Path(str(resources.files("tui.rehearsal").joinpath("drills", "curriculum.yaml")))


def load_curriculum(path: Path | None = None) -> list[Drill]:
    """Every drill, in the curriculum's order; every problem raised at once (RunbookInvalid)."""
    path = path or curriculum_file()
    problems = Problems()
    root = read_file(path, problems)
    drills: list[Drill] = []
    if root is not None:
        top = Fields(root, "curriculum", problems, ("drills",), required=("drills",))
        seen: set[str] = set()
        for node in top.sequence("drills"):
            made = _drill(node, problems)
            if made is None:
                continue
            if made.name in seen:
                problems.add(node.location, f'drill "{made.name}" is in the curriculum twice')
            seen.add(made.name)
            drills.append(made)
    if problems:
        raise RunbookInvalid(problems.sorted())
    return drills


def find_drill(name: str, drills: list[Drill] | None = None) -> Drill:
    """The drill called `name`; an InputError naming the drills there are otherwise."""
    drills = load_curriculum() if drills is None else drills
    for drill in drills:
        if drill.name == name:
            return drill
    names = [d.name for d in drills]
    raise InputError(
        f'no drill "{name}"{did_you_mean(name, names)}; `turnout drill list` shows them all '
        f"({', '.join(names)})"
    )


def _drill(node: Node, problems: Problems) -> Drill | None:
    read = Fields(node, "drill", problems, _KEYS, ("drill", "runbook", "scenario", "good"))
    name = read.get("drill", ValueType.STRING)
    runbook = read.get("runbook", ValueType.STRING)
    expect = read.choice("expect", EXPECTS, "completed")
    scenarios = _scenarios(read, problems)
    also = tuple(v for v in (_also(n, problems) for n in read.sequence("also")) if v)
    budget = _share(read, problems)
    sets = read.get("set", ValueType.STRING_MAP, {})
    texts = {k: read.get(k, ValueType.STRING, "") for k in ("title", "lesson", "good", "read")}
    within = {k: read.get(k, ValueType.DURATION) for k in ("detect_within", "restore_within")}
    values = (name, runbook, expect, scenarios, budget, sets, *texts.values(), *within.values())
    if not read.ok or INVALID in values or None in (name, runbook, scenarios):
        return None
    defaults = {k: float(v) for k, v in within.items() if v is not None}
    return Drill(
        name=name,
        title=texts["title"] or name,
        runbook=runbook,
        variant=Variant(scenarios, expect),
        lesson=texts["lesson"].strip(),
        good=texts["good"],
        budget=budget,
        read=texts["read"] or "docs/drills.md",
        also=also,
        sets={k: str(v) for k, v in sets.items()},
        where=node.location,
        **defaults,  # type: ignore[arg-type]
    )


def _scenarios(read: Fields, problems: Problems) -> tuple[str, ...] | None:
    node = read.get_node("scenario")
    if node is None:
        return None
    vtype = ValueType.STRING_LIST if node.is_sequence else ValueType.STRING
    value = read.get("scenario", vtype)
    if value is INVALID:
        return None
    found = tuple(value) if isinstance(value, list) else (value,)
    if not found:
        problems.add(node.location, "drill.scenario: name at least one scenario")
        return None
    return found


def _also(node: Node, problems: Problems) -> Variant | None:
    read = Fields(node, "drill.also", problems, ("scenario", "expect"), ("scenario",))
    scenarios = _scenarios(read, problems)
    expect = read.choice("expect", EXPECTS, "completed")
    return Variant(scenarios, expect) if scenarios and expect is not INVALID else None


def _share(read: Fields, problems: Problems) -> float | object:
    """`budget: 1%` (or 0.01) as a share from 0 to 1."""
    node = read.get_node("budget")
    if node is None:
        return 0.01
    text = str(node.value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        problems.add(node.location, f'drill.budget: "{text}" is not a share: write 1% or 0.01')
        return INVALID
    return share


def variant_spec(variant: Variant) -> ScenarioSpec:
    """The scenario a variant plays: its one scenario's, or, for a compound variant, every
    fault of each of its scenarios at once (each keeps its own start: from the world's start
    or from a runbook step)."""
    specs = [load_scenario_spec(name) for name in variant.scenarios]
    if len(specs) == 1:
        return specs[0]
    return ScenarioSpec(
        name=variant.name,
        title=" and ".join(s.title or s.name for s in specs),
        description="\n".join(f"{s.name}: {s.description.strip()}" for s in specs),
        faults=tuple(f for s in specs for f in s.faults),
    )


def runbook_path(drill: Drill) -> Path:
    """The drill's runbook: `./runbooks/NAME.yaml` of the working directory (a person's own
    copy), else the checkout's `runbooks/` beside the package."""
    for folder in (Path.cwd() / "runbooks", Path(__file__).resolve().parents[2] / "runbooks"):
        candidate = folder / f"{drill.runbook}.yaml"
        if candidate.is_file():
            return candidate
    raise InputError(
        f'drill "{drill.name}" plays runbook "{drill.runbook}", found neither in ./runbooks nor '
        "beside turnout's package: run it from a turnout checkout (its runbooks/ directory)"
    )
