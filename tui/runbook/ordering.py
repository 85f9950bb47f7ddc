"""Dependency order: services become waves, and steps are put in the order they will run.

A service's `depends_on` are upgraded before it; services that do not depend on each other share
a wave. Steps that belong to a service run in wave order, and in file order within a service. A
step with no service is a barrier: the steps written before it run before it, those after it run
after it (so a backup written first runs first and a final check written last runs last).
"""

from __future__ import annotations

import graphlib
from collections.abc import Mapping, Sequence

from tui.runbook.model import Service, Step
from tui.runbook.problems import Problems, did_you_mean


def waves(services: Mapping[str, Service], problems: Problems) -> tuple[tuple[str, ...], ...]:
    """The services in waves, dependencies first; a cycle or unknown name is a problem."""
    position = {name: i for i, name in enumerate(services)}
    graph: dict[str, list[str]] = {}
    for name, service in services.items():
        known = []
        for dep in service.depends_on:
            if dep in services:
                known.append(dep)
            else:
                hint = did_you_mean(dep, services) or f"; declared: {', '.join(services)}"
                problems.add(
                    service.location, f'service {name}: depends on unknown service "{dep}"{hint}'
                )
        graph[name] = known
    sorter = graphlib.TopologicalSorter(graph)
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        cycle = _as_written(exc.args[1], position)
        first = services[cycle[0]]
        problems.add(
            first.location,
            f"dependency cycle: {' -> '.join(cycle)}; break it by removing one depends_on",
        )
        return ()
    result = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        result.append(tuple(ready))
        sorter.done(*ready)
    return tuple(result)


def _as_written(cycle: Sequence[str], position: Mapping[str, int]) -> list[str]:
    """graphlib's cycle turned to read "a depends on b", starting at the first service written."""
    loop = list(reversed(cycle))[:-1]
    start = min(range(len(loop)), key=lambda i: position[loop[i]])
    loop = loop[start:] + loop[:start]
    return [*loop, loop[0]]


def execution_order(steps: Sequence[Step], plan: Sequence[Sequence[str]]) -> tuple[Step, ...]:
    """`steps` in the order they run: by wave between barriers, else in file order."""
    wave_of = {name: i for i, wave in enumerate(plan) for name in wave}
    ordered: list[Step] = []
    segment: list[tuple[int, int, Step]] = []
    for index, step in enumerate(steps):
        if step.service is None:
            ordered.extend(s for _, _, s in sorted(segment, key=lambda t: t[:2]))
            segment = []
            ordered.append(step)
        else:
            segment.append((wave_of.get(step.service, 0), index, step))
    ordered.extend(s for _, _, s in sorted(segment, key=lambda t: t[:2]))
    return tuple(ordered)


def wave_of_step(step: Step, plan: Sequence[Sequence[str]]) -> int | None:
    """The 1-based wave a step's service is in, or None for a step without a service."""
    for i, wave in enumerate(plan):
        if step.service in wave:
            return i + 1
    return None
