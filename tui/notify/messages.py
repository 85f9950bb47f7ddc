"""What a webhook is told: one `Message` per notification, and the JSON body each format sends.

Pure: no network, no threads. A message is made from what the engine tells front ends (already
masked: tui/engine/masked.py), so it holds no secret value. `text` is Slack-compatible (plain
text with `*bold*`), and every format carries it: `slack` is `{"text": ...}`, `teams` an
Adaptive Card whose one text block is that text (what a Teams workflow's "post card" takes), and
`generic` the event as JSON with the text beside its facts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tui import __version__

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class Context:
    """The session every message is about (from `SessionStarted`)."""

    runbook: str = ""
    title: str = ""
    session: str = ""  # the session directory's name
    rehearsal: bool = False
    who: str = ""  # the identity's ARN

    @classmethod
    def of(cls, runbook: str, title: str, session_dir: str, rehearsal: bool, who: str) -> Context:
        return cls(runbook, title, Path(session_dir).name, rehearsal, who)

    def heading(self) -> str:
        where = "rehearsal" if self.rehearsal else "LIVE AWS"
        return f"*turnout {self.runbook or 'session'}* ({where}, session {self.session or '?'})"


@dataclass(frozen=True)
class Message:
    """One notification: its event name (tui/runbook/notify.py's `NOTIFY_EVENTS`), the line a
    person reads, and the facts a machine reads (`generic`)."""

    event: str
    text: str
    at: datetime | None = None
    context: Context = field(default_factory=Context)
    details: dict[str, Any] = field(default_factory=dict)

    def full_text(self) -> str:
        return f"{self.context.heading()}: {self.text}"


def body(message: Message, fmt: str) -> bytes:
    """The request body for `fmt` (slack, teams, generic), UTF-8 JSON."""
    text = message.full_text()
    if fmt == "teams":
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [{"type": "TextBlock", "text": text, "wrap": True}],
        }
        data: dict[str, Any] = {
            "type": "message",
            "text": text,
            "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
        }
    elif fmt == "generic":
        ctx = message.context
        data = {
            "event": message.event,
            "text": text,
            "at": message.at.isoformat() if message.at else None,
            "runbook": ctx.runbook,
            "title": ctx.title,
            "session": ctx.session,
            "rehearsal": ctx.rehearsal,
            "identity": ctx.who,
            "details": message.details,
            "tool": f"turnout {__version__}",
        }
    else:
        data = {"text": text}
    return json.dumps(data, default=str, ensure_ascii=False).encode("utf-8")
