"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no JavaScript.

Everything taken from the log is escaped: a log is evidence, and evidence may contain markup.
"""

from __future__ import annotations

from html import escape

from tui.audit.chain import Record
from tui.audit.report.describe import (
    answer_label,
    bound_text,
    compact,
    describe,
    shown_value,
)
from tui.audit.report.model import Decision, Report, StepReport, clock_of
from tui.audit.report.svg import chart

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;
max-width:72em;padding:0 1em;color:#1d232a}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccd;padding-bottom:.2em;
margin-top:1.8em}h3{margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #dde;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f2f4f7}
code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f5f6f8;padding:0 .2em;
word-break:break-all}
.outcome{font-size:1.2em;font-weight:600;padding:.4em .7em;border-radius:4px;
display:inline-block;background:#eef6ee}
.outcome.bad{background:#fdecea}.warn{background:#fff4d6;border-left:4px solid #e0a800;
padding:.5em .8em}
.alert td{background:#fdecea}.decision{border-left:3px solid #5b7db1;padding-left:.8em;
margin:.6em 0}
svg{display:block;margin:.3em 0 1em}img.screen{max-width:100%;border:1px solid #ccd;margin:.3em 0}
"""


def _e(value: object) -> str:
    return escape(str(value))


def _table(header: list[str], rows: list[list[str]], alerts: list[bool] | None = None) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for index, row in enumerate(rows):
        cls = ' class="alert"' if alerts and alerts[index] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _polls(report: Report, polls: list[Record]) -> str:
    if not polls:
        return "none"
    return "; ".join(
        _e(f"{report.offsets[p.seq]} {p.payload.get('name')} {shown_value(p.payload.get('value'))}")
        + (" <strong>breached</strong>" if p.payload.get("breached") else "")
        for p in polls
    )


def _decision(report: Report, d: Decision) -> str:
    prompt = d.confirmation.prompt.payload
    answer = d.confirmation.answer
    items = [f"<li>question ({_e(prompt.get('kind'))}): “{_e(prompt.get('shown'))}”</li>"]
    if prompt.get("expected"):
        items.append(f"<li>had to type: <code>{_e(prompt['expected'])}</code></li>")
    if prompt.get("timeout_s"):
        items.append(
            f"<li>timeout {_e(prompt['timeout_s'])}s, then "
            f"{_e(prompt.get('default_on_timeout'))}</li>"
        )
    if answer is None:
        items.append("<li><strong>no answer recorded</strong></li>")
    else:
        a = answer.payload
        typed = f", typed <code>{_e(a['typed'])}</code>" if a.get("typed") is not None else ""
        went = "went ahead" if a.get("accepted") else "stopped"
        items.append(
            f"<li>answer <strong>{_e(answer_label(a.get('answer')))}</strong> by {_e(answer.actor)}"
            f"{typed} after {_e(a.get('elapsed_s'))}s: {went}</li>"
        )
        if a.get("screenshot"):
            items.append(_screen(report, str(a["screenshot"])))
    items.append(f"<li>guardrails before: {_polls(report, d.before)}</li>")
    items.append(f"<li>guardrails after: {_polls(report, d.after)}</li>")
    return (
        f'<div class="decision"><strong>{_e(d.offset)}</strong> '
        f"({_e(clock_of(d.confirmation.prompt))})<ul>{''.join(items)}</ul></div>"
    )


def _step(report: Report, s: StepReport) -> str:
    st = s.state
    parts = [f"<h3>{_e(st.id)}: {_e(st.start.payload.get('action'))}: {_e(st.status)}</h3>"]
    error = st.end.payload.get("error") if st.end else None
    parts.append(
        f"<p>Started {_e(s.started)}, took {_e(s.duration)}"
        + (f", {st.attempts} attempts" if st.attempts > 1 else "")
        + (f". Error: {_e(error)}" if error else "")
        + ".</p>"
    )
    if st.preconditions:
        parts.append(
            _table(
                ["check", "observed", "required", "result"],
                [
                    [
                        _e(p.payload.get("name")),
                        _e(shown_value(p.payload.get("observed"))),
                        _e(bound_text(p.payload.get("expected") or {})),
                        "passed" if p.payload.get("passed") else "<strong>FAILED</strong>",
                    ]
                    for p in st.preconditions
                ],
                [not p.payload.get("passed") for p in st.preconditions],
            )
        )
    parts += [_decision(report, d) for d in s.decisions]
    for series in s.series:
        parts.append(
            f"<p>Guardrail <strong>{_e(series.name)}</strong> "
            f"({_e(bound_text(series.threshold))}), {len(series.points)} polls</p>"
        )
        parts.append(chart(series))
    if st.undo:
        parts.append(f"<p>Undo data saved before mutating: <code>{_e(compact(st.undo))}</code></p>")
    return "".join(parts)


def _screen(report: Report, shot: str) -> str:
    """The screen the answer was given on, embedded (the file stands alone: no relative link)."""
    uri = report.screens.get(shot)
    if uri is None:
        return f"<li>screen as answered: <code>{_e(shot)}</code> (file not found)</li>"
    return (
        f"<li>screen as answered (<code>{_e(shot)}</code>):<br>"
        f'<img class="screen" alt="the screen as answered" src="{_e(uri)}"></li>'
    )


def _top(report: Report) -> list[str]:
    """Who operated, answered and approved; every exception; before anything else."""
    who = report.people
    rows = [["Operated by", _e(who.operated)]]
    rows += [["Resumed by", _e(r)] for r in who.resumed]
    rows.append(["Answered by", _e(", ".join(who.answered) or "nobody (no person answered)")])
    if who.approvals:
        rows += [
            [
                "Approval",
                _e(f"{report.offsets[r.seq]} {describe(r)}"),
            ]
            for r in who.approvals
        ]
    else:
        rows.append(["Approved by", "no approvals recorded"])
    out = ["<h2>Who</h2>", _table(["", ""], [[f"<strong>{k}</strong>", v] for k, v in rows])]
    out.append(f"<h2>Exceptions ({len(report.exceptions)})</h2>")
    if not report.exceptions:
        out.append("<p>None: no override, timed-out answer, failed precondition or breach.</p>")
    else:
        out.append(
            _table(
                ["time", report.clock_label, "kind", "what"],
                [
                    [
                        _e(report.offsets[x.seq]),
                        _e(report.clocks.get(x.seq, "")),
                        _e(x.kind),
                        _e(x.text),
                    ]
                    for x in report.exceptions
                ],
                [True] * len(report.exceptions),
            )
        )
    return out


def render_html(report: Report) -> str:
    """The whole report as one HTML document."""
    bad = not report.outcome.startswith("completed")
    body = [
        f"<h1>{_e(report.title)}</h1>",
        f'<p class="outcome{" bad" if bad else ""}">Outcome: {_e(report.outcome)}</p>',
    ]
    body += [f'<p class="warn">{_e(w)}</p>' for w in report.warnings]
    body += _top(report)
    body.append(_table(["", ""], [[f"<strong>{_e(k)}</strong>", _e(v)] for k, v in report.facts]))
    body.append("<h2>Timeline</h2>")
    body.append(
        _table(
            ["time", report.clock_label, "who", "what"],
            [[_e(e.offset), _e(e.clock), _e(e.actor), _e(e.text)] for e in report.timeline],
            [e.alert for e in report.timeline],
        )
    )
    if report.params:
        body.append("<h2>Parameters</h2>")
        body.append(
            _table(
                ["name", "value"],
                [[_e(k), f"<code>{_e(compact(v))}</code>"] for k, v in report.params.items()],
            )
        )
    if report.checklist:
        body.append("<h2>Checklist</h2>")
        body.append(
            _table(
                ["#", "item", "answer", "who", "took"],
                [
                    [
                        _e(r.payload.get("index")),
                        _e(r.payload.get("item")),
                        "confirmed"
                        if r.payload.get("confirmed")
                        else "<strong>NOT confirmed</strong>",
                        _e(r.actor),
                        _e(f"{r.payload.get('elapsed_s')}s"),
                    ]
                    for r in report.checklist
                ],
            )
        )
    body.append("<h2>Steps</h2>")
    body.append(
        _table(
            ["#", "step", "action", "status", "started", "took"],
            [
                [
                    _e(s.state.start.payload.get("index")),
                    _e(s.state.id),
                    _e(s.state.start.payload.get("action")),
                    _e(s.state.status),
                    _e(s.started),
                    _e(s.duration),
                ]
                for s in report.steps
            ],
            [s.state.status not in ("completed", "skipped") for s in report.steps],
        )
    )
    body += [_step(report, s) for s in report.steps]
    if report.session_decisions:
        body.append("<h2>Other questions</h2>")
        body += [_decision(report, d) for d in report.session_decisions]
    body.append("<h2>AWS mutations</h2>")
    body.append(
        _table(
            ["time", "step", "call", "parameters", "outcome", "request id", "took"],
            [
                [
                    _e(f"{report.offsets[c.intent.seq]} {clock_of(c.intent)}"),
                    _e(c.intent.payload.get("step")),
                    _e(c.name + (" (rollback)" if c.intent.payload.get("rollback") else "")),
                    f"<code>{_e(compact(c.intent.payload.get('params'), 400))}</code>",
                    _e(_outcome(c.result)),
                    _e((c.result.payload.get("request_id") if c.result else "") or ""),
                    _e(f"{c.result.payload.get('duration_s')}s" if c.result else ""),
                ]
                for c in report.mutations
            ],
            [c.result is None or c.result.payload.get("outcome") != "ok" for c in report.mutations],
        )
    )
    rollback = report.fold.rollback
    if rollback is not None:
        p = rollback.start.payload
        end = rollback.end.payload.get("outcome") if rollback.end else "NOT FINISHED"
        body.append("<h2>Rollback</h2>")
        body.append(
            f"<p>Started {_e(report.offsets[rollback.start.seq])} by "
            f"{_e(p.get('trigger'))}: {_e(p.get('reason'))}. Plan: "
            f"{_e(', '.join(p.get('plan') or []))}.</p>"
        )
        body.append(
            _table(
                ["step", "undone"],
                [
                    [
                        _e(step),
                        _e(r.payload.get("outcome"))
                        + (f": {_e(r.payload['error'])}" if r.payload.get("error") else ""),
                    ]
                    for step, r in rollback.undone.items()
                ],
            )
        )
        body.append(f"<p>Rollback outcome: <strong>{_e(end)}</strong>.</p>")
    if report.fold.notes:
        body.append("<h2>Notes</h2><ul>")
        body += [
            f"<li>{_e(report.offsets[n.seq])} {_e(n.actor)}: {_e(n.payload.get('text'))}</li>"
            for n in report.fold.notes
        ]
        body.append("</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(report.title)}</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _outcome(result: Record | None) -> str:
    if result is None:
        return "NO RESULT (may or may not have reached AWS)"
    p = result.payload
    return "ok" if p.get("outcome") == "ok" else f"error {p.get('error_code')}"
