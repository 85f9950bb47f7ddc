"""The report as Markdown: for pasting into a change ticket or a post-mortem document."""

from __future__ import annotations

from tui.audit.chain import Record
from tui.audit.report.describe import (
    answer_label,
    bound_text,
    compact,
    describe,
    shown_value,
)
from tui.audit.report.model import Decision, Report, StepReport, clock_of


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _polls(report: Report, polls: list[Record]) -> str:
    return (
        "; ".join(
            f"{report.offsets[p.seq]} {p.payload.get('name')} {shown_value(p.payload.get('value'))}"
            + (" BREACHED" if p.payload.get("breached") else "")
            for p in polls
        )
        or "none"
    )


def _decision(report: Report, d: Decision) -> list[str]:
    prompt = d.confirmation.prompt.payload
    answer = d.confirmation.answer
    lines = [
        f"- **{d.offset}** ({clock_of(d.confirmation.prompt)}) {prompt.get('kind')} "
        f"question: “{prompt.get('shown')}”"
    ]
    if prompt.get("expected"):
        lines.append(f"  - had to type: `{prompt['expected']}`")
    if prompt.get("timeout_s"):
        lines.append(
            f"  - timeout: {prompt['timeout_s']}s, then {prompt.get('default_on_timeout')}"
        )
    if answer is None:
        lines.append("  - **no answer recorded**")
    else:
        a = answer.payload
        typed = f", typed `{a['typed']}`" if a.get("typed") is not None else ""
        lines.append(
            f"  - answer: **{answer_label(a.get('answer'))}** by {answer.actor}{typed} after "
            f"{a.get('elapsed_s')}s: {'went ahead' if a.get('accepted') else 'stopped'}"
        )
        if a.get("screenshot"):
            lines.append(f"  - screen as answered: `{a['screenshot']}`")
    lines.append(f"  - guardrails before: {_polls(report, d.before)}")
    lines.append(f"  - guardrails after: {_polls(report, d.after)}")
    return lines


def _step(report: Report, s: StepReport) -> list[str]:
    st = s.state
    out = [f"### {st.id}: {st.start.payload.get('action')}: {st.status}", ""]
    out.append(
        f"Started {s.started}, took {s.duration}"
        + (f", {st.attempts} attempts" if st.attempts > 1 else "")
        + (f". Error: {st.end.payload['error']}" if st.end and st.end.payload.get("error") else "")
        + "."
    )
    out.append("")
    if st.preconditions:
        out.append("Preconditions:")
        out.append("")
        out += _table(
            ["check", "observed", "required", "result"],
            [
                [
                    p.payload.get("name"),
                    shown_value(p.payload.get("observed")),
                    bound_text(p.payload.get("expected") or {}),
                    "passed" if p.payload.get("passed") else "FAILED",
                ]
                for p in st.preconditions
            ],
        )
    if s.decisions:
        out.append("Confirmations:")
        out.append("")
        for d in s.decisions:
            out += _decision(report, d)
        out.append("")
    for series in s.series:
        values = ", ".join(
            "—" if v is None else (f"**{shown_value(v)}**" if b else shown_value(v))
            for _, v, b in series.points
        )
        out.append(
            f"Guardrail {series.name} ({bound_text(series.threshold)}), "
            f"{len(series.points)} polls: {values}"
        )
        out.append("")
    if st.undo:
        out.append(f"Undo data saved before mutating: `{compact(st.undo)}`")
        out.append("")
    return out


def _top(report: Report) -> list[str]:
    """Who operated, answered and approved; every exception; before anything else."""
    who = report.people
    out = ["## Who", "", f"- **Operated by:** {who.operated}"]
    out += [f"- **Resumed by:** {r}" for r in who.resumed]
    out.append(f"- **Answered by:** {', '.join(who.answered) or 'nobody (no person answered)'}")
    if who.approvals:
        out += [f"- **Approval:** {report.offsets[r.seq]} {describe(r)}" for r in who.approvals]
    else:
        out.append("- **Approved by:** no approvals recorded")
    out += ["", f"## Exceptions ({len(report.exceptions)})", ""]
    if not report.exceptions:
        out += ["None: no override, timed-out answer, failed precondition or breach.", ""]
    else:
        out += _table(
            ["time", report.clock_label, "kind", "what"],
            [
                [report.offsets[x.seq], report.clocks.get(x.seq, ""), x.kind, x.text]
                for x in report.exceptions
            ],
        )
    return [*out, ""] if out[-1] else out


def render_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    out = [f"# {report.title}", "", f"**Outcome: {report.outcome}**", ""]
    out += [f"> **Warning:** {w}" for w in report.warnings]
    if report.warnings:
        out.append("")
    out += _top(report)
    out += _table(["", ""], [[f"**{k}**", v] for k, v in report.facts])
    out += ["## Timeline", ""]
    out += _table(
        ["time", report.clock_label, "who", "what"],
        [
            [e.offset, e.clock, e.actor, ("**" + e.text + "**") if e.alert else e.text]
            for e in report.timeline
        ],
    )
    if report.params:
        out += ["## Parameters", ""]
        out += _table(["name", "value"], [[k, compact(v)] for k, v in report.params.items()])
    if report.checklist:
        out += ["## Checklist", ""]
        out += _table(
            ["#", "item", "answer", "who", "took"],
            [
                [
                    r.payload.get("index"),
                    r.payload.get("item"),
                    "confirmed" if r.payload.get("confirmed") else "NOT confirmed",
                    r.actor,
                    f"{r.payload.get('elapsed_s')}s",
                ]
                for r in report.checklist
            ],
        )
    out += ["## Steps", ""]
    out += _table(
        ["#", "step", "action", "status", "started", "took"],
        [
            [
                s.state.start.payload.get("index"),
                s.state.id,
                s.state.start.payload.get("action"),
                s.state.status,
                s.started,
                s.duration,
            ]
            for s in report.steps
        ],
    )
    for s in report.steps:
        out += _step(report, s)
    if report.session_decisions:
        out += ["## Other questions", ""]
        for d in report.session_decisions:
            out += _decision(report, d)
        out.append("")
    out += ["## AWS mutations", ""]
    out += _table(
        ["time", "step", "call", "parameters", "outcome", "request id", "took"],
        [
            [
                f"{report.offsets[c.intent.seq]} {clock_of(c.intent)}",
                c.intent.payload.get("step"),
                c.name + (" (rollback)" if c.intent.payload.get("rollback") else ""),
                f"`{compact(c.intent.payload.get('params'))}`",
                _outcome(c.result),
                (c.result.payload.get("request_id") if c.result else "") or "",
                f"{c.result.payload.get('duration_s')}s" if c.result else "",
            ]
            for c in report.mutations
        ],
    )
    rollback = report.fold.rollback
    if rollback is not None:
        p = rollback.start.payload
        out += [
            "## Rollback",
            "",
            f"Started {report.offsets[rollback.start.seq]} by {p.get('trigger')}: "
            f"{p.get('reason')}. Plan: {', '.join(p.get('plan') or [])}.",
            "",
        ]
        out += _table(
            ["step", "undone"],
            [
                [
                    step,
                    r.payload.get("outcome")
                    + (f": {r.payload['error']}" if r.payload.get("error") else ""),
                ]
                for step, r in rollback.undone.items()
            ],
        )
        end = rollback.end.payload.get("outcome") if rollback.end else "NOT FINISHED"
        out += [f"Rollback outcome: **{end}**.", ""]
    if report.fold.notes:
        out += ["## Notes", ""]
        out += [
            f"- {report.offsets[n.seq]} {n.actor}: {n.payload.get('text')}"
            for n in report.fold.notes
        ]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _outcome(result: Record | None) -> str:
    if result is None:
        return "NO RESULT (may or may not have reached AWS)"
    p = result.payload
    return "ok" if p.get("outcome") == "ok" else f"error {p.get('error_code')}"
