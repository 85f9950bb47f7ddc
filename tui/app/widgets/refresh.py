"""The instance-refresh panel: progress bar, percentage, instances left, status and reason,
checkpoint, and each instance's launch-template version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.app.widgets.panel import Panel

MAX_INSTANCES = 8  # more would push the audit tail off a small screen; the rest are counted


def refresh_summary(refresh: Mapping[str, Any]) -> Text:
    """`InProgress · 2 to update · checkpoint 50 % reached` and the reason, if any."""
    text = Text(str(refresh.get("status") or "?"), style="bold")
    left = refresh.get("instances_to_update")
    if left is not None:
        text.append(f" · {left} to update")
    checkpoint = refresh.get("checkpoint")
    if checkpoint not in (None, ""):
        shown = f"{checkpoint} %" if isinstance(checkpoint, int | float) else str(checkpoint)
        percent = refresh.get("percent")
        if isinstance(checkpoint, int | float) and isinstance(percent, int | float):
            if percent > checkpoint:  # moving on to the next: it is behind, not where it waits
                text.append(f" · past checkpoint {shown}", style="dim")
            elif refresh.get("status") == "InProgress":
                text.append(f" · at checkpoint {shown}", style="bold yellow")
        else:
            text.append(f" · checkpoint {shown} reached", style="bold yellow")
    reason = refresh.get("reason")
    if reason:
        text.append(f"\n{reason}", style="dim")
    return text


def instance_table(instances: list[Mapping[str, Any]]) -> Table:
    """Instance, zone, version, health: one row each (the first few)."""
    table = Table(box=None, pad_edge=False, show_header=True, header_style="dim")
    for column in ("instance", "zone", "version", "health"):
        table.add_column(column, no_wrap=True)
    for inst in instances[:MAX_INSTANCES]:
        table.add_row(
            str(inst.get("id", "?")),
            str(inst.get("zone", "")),
            str(inst.get("version", "")),
            str(inst.get("health", "")),
        )
    if len(instances) > MAX_INSTANCES:
        table.add_row(f"… {len(instances) - MAX_INSTANCES} more", "", "", "")
    return table


class RefreshPanel(Panel):
    """An Auto Scaling instance refresh under way."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "Instance refresh"

    def show_refresh(self, refresh: Mapping[str, Any] | None) -> None:
        """Draw the `refresh` detail of a Progress (tui/aws/protocol.py), or hide."""
        self.show(bool(refresh))
        if not refresh:
            return
        from textual.widgets import ProgressBar

        if not self.children:
            # A bar, a summary line, the instances: made when the first refresh is shown. Most
            # runbooks refresh no instances, and the hidden bar (four widgets, their styles,
            # their module) was a share of every session screen's first paint.
            self.mount_all(
                [
                    ProgressBar(total=100, show_eta=False, id="refresh-bar"),
                    Static(id="refresh-summary"),
                    Static(id="refresh-instances"),
                ]
            )
        percent = refresh.get("percent")
        self.query_one(ProgressBar).update(progress=float(percent or 0))
        self.query_one("#refresh-summary", Static).update(refresh_summary(refresh))
        instances = list(refresh.get("instances") or [])
        self.query_one("#refresh-instances", Static).update(
            instance_table(instances) if instances else ""
        )
