"""The rollout panel: an ECS service's deployments, an RDS Blue/Green deployment's status, and
images or snapshots being made, as the step's `Progress.detail` reports them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tui.app.widgets.panel import Panel


def ecs_table(ecs: Mapping[str, Any]) -> Table:
    """One row per deployment: status, task definition, running/pending/failed, rollout."""
    table = Table(box=None, pad_edge=False, header_style="dim", title_justify="left")
    for column in ("deployment", "task def", "run", "pend", "fail", "rollout"):
        table.add_column(column, no_wrap=True)
    for dep in ecs.get("deployments") or []:
        table.add_row(
            str(dep.get("status", "")),
            str(dep.get("task_definition", "")).rsplit("/", 1)[-1],
            str(dep.get("running", "")),
            str(dep.get("pending", "")),
            str(dep.get("failed", "")),
            str(dep.get("rollout_state", "")),
        )
    return table


def blue_green_lines(bgd: Mapping[str, Any]) -> list[Text]:
    """Name and status, the details, then each switchover task."""
    head = Text(f"{bgd.get('name', 'Blue/Green')}: ", style="bold")
    head.append(str(bgd.get("status", "?")), style="bold yellow")
    lines = [head]
    if bgd.get("status_details"):
        lines.append(Text(str(bgd["status_details"]), style="dim"))
    for task in bgd.get("tasks") or []:
        lines.append(Text(f"  {task.get('name', '?')}: {task.get('status', '?')}"))
    return lines


class RolloutPanel(Panel):
    """ECS rollout, RDS Blue/Green, image and snapshot states: whichever the step reports."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "Rollout"
        self._detail: Mapping[str, Any] = {}

    def show_detail(self, detail: Mapping[str, Any] | None) -> None:
        """Draw the `ecs`, `blue_green`, `image` or `snapshot` parts of a Progress detail."""
        keys = ("ecs", "blue_green", "image", "snapshot")
        self._detail = {k: v for k, v in (detail or {}).items() if k in keys and v}
        titles = {"ecs": "ECS rollout", "blue_green": "RDS Blue/Green"}
        self.border_title = " · ".join(titles.get(k, k) for k in self._detail) or "Rollout"
        self.show(bool(self._detail))
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        """Each part the step reported, in a fixed order."""
        parts: list[Any] = []
        if "ecs" in self._detail:
            parts.append(ecs_table(self._detail["ecs"]))
        if "blue_green" in self._detail:
            parts.extend(blue_green_lines(self._detail["blue_green"]))
        for kind in ("image", "snapshot"):
            if kind in self._detail:
                item = self._detail[kind]
                parts.append(Text(f"{kind} {item.get('id', '?')}: {item.get('state', '?')}"))
        return Group(*parts)
