"""Dependency order: waves, cycles named as written, a large generated graph, step order."""

from __future__ import annotations

import random

import pytest

from tui.errors import Location
from tui.runbook.loader import load_text
from tui.runbook.model import Service
from tui.runbook.ordering import waves
from tui.runbook.problems import Problems, RunbookInvalid


def _services(graph: dict[str, list[str]]) -> dict[str, Service]:
    return {
        name: Service(name, tuple(deps), "", Location("f", i + 1, 3))
        for i, (name, deps) in enumerate(graph.items())
    }


def test_independent_services_share_a_wave_and_dependencies_come_first() -> None:
    graph = {"web": ["api"], "api": ["db", "cache"], "db": [], "cache": [], "batch": ["db"]}
    problems = Problems()
    assert waves(_services(graph), problems) == (("db", "cache"), ("api", "batch"), ("web",))
    assert not problems


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": ["b"], "b": ["c"], "c": ["a"]}, "a -> b -> c -> a"),
        ({"x": [], "b": ["c"], "c": ["a"], "a": ["b"]}, "b -> c -> a -> b"),
        ({"solo": ["solo"]}, "solo -> solo"),
    ],
)
def test_a_cycle_is_named_from_the_first_service_written(graph, cycle) -> None:
    problems = Problems()
    assert waves(_services(graph), problems) == ()
    (problem,) = problems.sorted()
    assert f"dependency cycle: {cycle};" in problem.message
    first = cycle.split(" -> ")[0]
    assert problem.location.line == list(graph).index(first) + 1


def test_five_hundred_services_in_a_random_acyclic_graph() -> None:
    rng = random.Random(7)
    names = [f"svc-{i:03}" for i in range(500)]
    graph = {n: rng.sample(names[:i], min(i, rng.randint(0, 4))) for i, n in enumerate(names)}
    shuffled = dict(rng.sample(list(graph.items()), len(graph)))
    problems = Problems()
    plan = waves(_services(shuffled), problems)
    assert not problems
    wave_of = {name: i for i, wave in enumerate(plan) for name in wave}
    assert sorted(wave_of) == sorted(names)
    for name, deps in graph.items():
        assert all(wave_of[d] < wave_of[name] for d in deps), name
        # Each service sits in the earliest wave its dependencies allow.
        assert wave_of[name] == (max((wave_of[d] for d in deps), default=-1) + 1)


def test_a_cycle_hidden_in_a_large_graph_is_found() -> None:
    names = [f"s{i}" for i in range(500)]
    graph = {n: [names[i - 1]] if i else [] for i, n in enumerate(names)}
    graph["s100"] = ["s99", "s300"]  # s300 depends (through s299...) on s100
    problems = Problems()
    waves(_services(graph), problems)
    (problem,) = problems.sorted()
    chain = " -> ".join(["s100", "s300", *[f"s{i}" for i in range(299, 99, -1)]])
    assert f"dependency cycle: {chain};" in problem.message


STEPS_ACROSS_WAVES = """\
runbook: order
title: Order
target: {account: "123456789012", region: us-east-1}
services:
  web: {depends_on: [api]}
  api: {depends_on: [db]}
  db: {}
steps:
  - {id: backup, action: wait, with: {duration: 1s}}
  - {id: web-1, service: web, action: wait, with: {duration: 1s}}
  - {id: api-1, service: api, action: wait, with: {duration: 1s}}
  - {id: web-2, service: web, action: wait, with: {duration: 1s}}
  - {id: db-1, service: db, action: wait, with: {duration: 1s}}
  - {id: checkpoint, action: wait, with: {duration: 1s}}
  - {id: web-3, service: web, action: wait, with: {duration: 1s}}
  - {id: db-2, service: db, action: wait, with: {duration: 1s}}
"""


def test_steps_run_by_wave_then_file_order_between_barriers() -> None:
    runbook = load_text(STEPS_ACROSS_WAVES)
    assert [s.id for s in runbook.order] == [
        "backup",
        "db-1",
        "api-1",
        "web-1",
        "web-2",
        "checkpoint",
        "db-2",
        "web-3",
    ]
    assert runbook.waves == (("db",), ("api",), ("web",))
    assert [s.id for s in runbook.steps][:3] == ["backup", "web-1", "api-1"]  # as written


def test_a_cycle_in_a_runbook_is_reported_at_its_first_service() -> None:
    text = STEPS_ACROSS_WAVES.replace("db: {}", "db: {depends_on: [web]}")
    with pytest.raises(RunbookInvalid) as caught:
        load_text(text, "cyc.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith("cyc.yaml:5:3: dependency cycle: web -> api -> db -> web")
