"""The session header: runbook, account, region (and profile), REHEARSAL, LOCAL ENDPOINT or
PRODUCTION (in words and colour), the maintenance window's countdown and the time elapsed, on
the engine's clock."""

from __future__ import annotations

from datetime import datetime
from ipaddress import ip_address
from urllib.parse import urlsplit

from rich.text import Text
from textual.widgets import Static

from tui.app.model import SessionModel
from tui.app.symbols import duration_text


def local_endpoint(endpoint: str | None) -> str | None:
    """`host:port` of an AWS endpoint on this machine (loopback: a `turnout world`, moto,
    LocalStack), else None. A session there is not production, whatever its mode says."""
    if not endpoint:
        return None
    parts = urlsplit(endpoint if "//" in endpoint else f"//{endpoint}")
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return parts.netloc if loopback else None


def mode_badge(rehearsal: bool | None, short: bool = False, endpoint: str | None = None) -> Text:
    """` REHEARSAL · simulated AWS `, ` LOCAL ENDPOINT · 127.0.0.1:4566 ` (a real-mode session
    against an endpoint on this machine) or ` PRODUCTION · REAL AWS ` (just the first word when
    short): the word is the point; colour helps."""
    if rehearsal is None:
        return Text(" connecting… ", style="reverse")
    if rehearsal:
        return Text(
            " REHEARSAL " if short else " REHEARSAL · simulated AWS ",
            style="bold black on bright_cyan",
        )
    local = local_endpoint(endpoint)
    if local:
        return Text(
            " LOCAL " if short else f" LOCAL ENDPOINT · {local} ", style="bold black on yellow"
        )
    return Text(" PRODUCTION " if short else " PRODUCTION · REAL AWS ", style="bold white on red")


def header_text(model: SessionModel, now: datetime, width: int = 80) -> Text:
    """The whole header line; the runbook's title goes in only where the width leaves room."""
    text = Text(" turnout ", style="bold")
    text.append("│ ", style="dim")
    text.append(model.name or "?", style="bold")
    rest = _facts(model, now)
    two_lines = len(text) + len(rest) + 3 > width
    if two_lines and len(rest) + 1 > width:
        rest = _facts(model, now, short=True)
    room = width - len(text) - 4 - (0 if two_lines else len(rest) + 3)
    if model.title and room >= 12:
        title = model.title if len(model.title) <= room else model.title[: room - 1] + "…"
        text.append(f" — {title}", style="dim")
    # A narrow terminal gets two lines rather than losing the window countdown off the edge.
    text.append("\n " if two_lines else " │ ", style="dim")
    return text + rest


def _facts(model: SessionModel, now: datetime, short: bool = False) -> Text:
    """Account, region, mode, window and elapsed time (stopped when the session ended)."""
    now = model.ended_at or now
    text = Text()
    started = model.started
    if started is not None:
        text.append(f"{started.identity.account} · {started.identity.region} ")
        if started.profile and not short:
            text.append(f"profile {started.profile} ", style="dim")
    elif model.runbook is not None:
        text.append(f"{model.runbook.target.account} · {model.runbook.target.region} ")
    endpoint = started.endpoint if started is not None else None
    text.append_text(mode_badge(model.rehearsal, short, endpoint))
    text.append(" │ ", style="dim")
    if started is not None and started.window_ends_at is not None:
        left = (started.window_ends_at - now).total_seconds()
        if left >= 0:
            text.append(
                f"window {duration_text(left)} left", style="bold" if left > 600 else "bold yellow"
            )
        else:
            text.append(f"window OVER by {duration_text(-left)}", style="bold red")
    elif model.runbook is not None and model.runbook.window:
        text.append(f"window {model.runbook.window}")
    else:
        text.append("no window")
    if started is not None:
        text.append(" │ ", style="dim")
        text.append(f"elapsed {duration_text((now - started.started_at).total_seconds())}")
    return text


class SessionHeader(Static):
    """One line across the top (two when narrow); its background turns red in production."""

    DEFAULT_CSS = """
    SessionHeader { height: auto; max-height: 2; background: $panel; }
    SessionHeader.-production { background: $error 35%; }
    SessionHeader.-rehearsal { background: $primary 25%; }
    """

    def show_session(self, model: SessionModel, now: datetime) -> None:
        """Redraw for `now` (called every tick: the countdowns move)."""
        local = model.started is not None and local_endpoint(model.started.endpoint) is not None
        self.set_class(model.rehearsal is False and not local, "-production")
        self.set_class(model.rehearsal is True, "-rehearsal")
        # Before its first layout (drawn as the screen mounts) the header has no size yet; it
        # spans the screen, so the screen's width is the one it is about to get.
        width = self.size.width or self.screen.size.width or 80
        self.update(header_text(model, now, width))
