"""Session reports for change tickets and post-mortems: Markdown, or one self-contained HTML file.

`render(session, fmt)` verifies the log first and refuses one that does not verify (a torn final
line is allowed, and shown as a warning): a report must never lend a tampered log credibility.
"""

from __future__ import annotations

from pathlib import Path

from tui.audit.chain import read_log, require_intact
from tui.audit.report.html import render_html
from tui.audit.report.markdown import render_markdown
from tui.audit.report.model import Report, build_report

FORMATS = ("md", "html")


def render(session: str | Path, fmt: str = "md") -> str:
    """The report of `session` (a directory or its audit.jsonl) as `md` or `html` text.

    Raises BrokenLogError (exit 2) if the log does not verify, SessionDirError if there is none.
    """
    reading = read_log(session)
    if not reading.torn:
        require_intact(reading)
    report = build_report(reading)
    return render_html(report) if fmt == "html" else render_markdown(report)


__all__ = ["FORMATS", "Report", "build_report", "render", "render_html", "render_markdown"]
