"""The tail of the audit log: the newest records, one line each, as the engine writes them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import ScrollableContainer

if TYPE_CHECKING:
    from textual.strip import Strip
    from textual.widgets import RichLog

    from tui.audit.chain import Record


def _step(p: dict[str, Any]) -> str:
    return f" {p['step']}" if p.get("step") else ""


_DESCRIBE: dict[str, Callable[[dict[str, Any]], str]] = {
    "session.start": lambda p: (
        f"session started: {p.get('runbook', {}).get('name', '?')} ({p.get('mode', '?')})"
    ),
    "session.resume": lambda p: f"session resumed after record {p.get('from_seq')}",
    "session.end": lambda p: f"session ended: {p.get('outcome')} (exit {p.get('exit_code')})",
    "lease.taken": lambda p: f"leases taken: {len(p.get('leases') or [])} ({p.get('store')})",
    "lease.refused": lambda p: (
        "REFUSED: leased by session "
        + ", ".join(sorted({str(h.get("session_id")) for h in p.get("held") or []}))
    ),
    "lease.broken": lambda p: (
        f"lease broken: {p.get('lease_key')} "
        f"(was {(p.get('previous_holder') or {}).get('session_id')})"
    ),
    "lease.released": lambda p: f"leases released: {len(p.get('lease_keys') or [])}",
    "checklist.answer": lambda p: (
        f"checklist {p.get('index')}: {'confirmed' if p.get('confirmed') else 'NOT confirmed'}"
    ),
    "step.start": lambda p: f"start{_step(p)} ({p.get('action')})",
    "step.progress": lambda p: (
        f"progress{_step(p)}: {p.get('state')}"
        + (f" {p['percent']:g} %" if isinstance(p.get("percent"), int | float) else "")
    ),
    "step.end": lambda p: (
        f"end{_step(p)}: {p.get('status')}" + (f": {p['error']}" if p.get("error") else "")
    ),
    "precondition.evaluated": lambda p: (
        f"precondition{_step(p)} {p.get('name')}: "
        f"{'pass' if p.get('passed') else 'FAIL'} ({p.get('observed')})"
    ),
    "guardrail.evaluated": lambda p: (
        f"guardrail{_step(p)} {p.get('name')} = {p.get('value')}"
        + (" BREACH" if p.get("breached") else "")
        + (f" → {p['decision']}" if p.get("decision") else "")
    ),
    "rehearsal.fast_forward": lambda p: (
        f"fast-forwarded{_step(p)} ({p.get('phase')}, {p.get('seconds_left')} s left)"
    ),
    "confirm.prompt": lambda p: f"asked{_step(p)} ({p.get('kind')})",
    "confirm.answer": lambda p: f"answered{_step(p)}: {p.get('answer')}",
    "api.intent": lambda p: f"call {p.get('service')}.{p.get('operation')}",
    "api.result": lambda p: (
        f"{p.get('outcome')} {p.get('service')}.{p.get('operation')}"
        + (f": {p.get('error_code')}" if p.get("error_code") else "")
    ),
    "undo.captured": lambda p: f"undo data saved{_step(p)}",
    "rollback.start": lambda p: f"ROLLBACK started ({p.get('trigger')}): {p.get('reason')}",
    "rollback.step": lambda p: f"rolled back {p.get('step')}: {p.get('outcome')}",
    "rollback.end": lambda p: f"rollback {p.get('outcome')}",
    "note": lambda p: f"note: {p.get('text')}",
}

_ALARMING = ("BREACH", "FAIL", "ROLLBACK", "error", "failed", "NOT")


def record_line(record: Record) -> Text:
    """`09:00:03 alice answered canary: yes`."""
    describe = _DESCRIBE.get(record.type)
    body = describe(record.payload) if describe else record.type
    text = Text(record.time.strftime("%H:%M:%S "), style="dim")
    if record.actor != "turnout":
        text.append(f"{record.actor} ", style="bold")
    alarming = any(word in body for word in _ALARMING)
    text.append(body, style="bold red" if alarming else "")
    return text


class AuditTail(ScrollableContainer, can_focus=False):
    """The newest audit records (it keeps the last few hundred lines).

    The lines go into a RichLog made when the first records come: Textual's RichLog module
    brings rich's pretty-printer and attrs, some 9 ms of the session screen's first paint
    for a panel that is empty then. Until then this box draws what an empty RichLog draws
    (the same border, background and scrollbar); once it holds the RichLog it lends it its
    padding and scrollbar, so the lines sit where they always did.
    """

    DEFAULT_CSS = """
    AuditTail { height: 8; border: round $primary 60%; padding: 0 1; overflow-x: hidden;
        scrollbar-size-vertical: 1; background: $surface; color: $foreground;
        overflow-y: scroll; }
    AuditTail.-writing { padding: 0; overflow-y: hidden; }
    AuditTail > RichLog { height: 1fr; padding: 0 1; overflow-x: hidden;
        scrollbar-size-vertical: 1; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.border_title = "Audit log"
        self.can_focus = False
        self._log: RichLog | None = None
        self._reads: set[int] = set()  # seqs of read-only calls, whose results are left out too
        self._last_progress: dict[str, str] = {}  # step → its last progress line shown

    @property
    def lines(self) -> list[Strip]:
        """The lines shown so far (the RichLog's `lines`)."""
        return self._log.lines if self._log is not None else []

    def write(self, line: Text) -> None:
        """Append one line (the RichLog is made for the first)."""
        if self._log is None:
            from textual.widgets import RichLog

            self._log = RichLog(max_lines=300, wrap=True, markup=False, auto_scroll=True)
            self._log.can_focus = False
            self.add_class("-writing")
            self.mount(self._log)
        self._log.write(line)

    def add_records(self, records: Iterable[Record]) -> None:
        """Append records in order, leaving out quiet guardrail polls (the guardrail panel
        charts them) and read-only AWS calls that succeeded: here they would push everything
        else out within a minute. Every change to AWS and every error stays."""
        for record in records:
            if record.type == "api.intent" and not record.payload.get("mutating", True):
                self._reads.add(record.seq)  # describes and metric reads: hundreds an hour
                continue
            intent = record.payload.get("intent_seq")
            if record.type == "api.result" and intent in self._reads:
                self._reads.discard(intent)
                if record.payload.get("outcome") == "ok":
                    continue
            if quiet_poll(record) or self._repeated_progress(record):
                continue
            self.write(record_line(record))

    def _repeated_progress(self, record: Record) -> bool:
        """A progress record saying what the step's last one said (every poll of a bake)."""
        if record.type != "step.progress":
            return False
        step, text = str(record.payload.get("step")), record_line(record).plain[9:]
        repeated = self._last_progress.get(step) == text
        self._last_progress[step] = text
        return repeated


def quiet_poll(record: Record) -> bool:
    """A guardrail poll that neither breached nor decided anything."""
    p = record.payload if record.type == "guardrail.evaluated" else None
    return p is not None and not p.get("breached") and not p.get("decision")
