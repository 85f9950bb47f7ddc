"""Webhooks told of a session's events (`notify:` in a runbook; docs/notify.md).

A listener beside the front end, not a front end: `NotifyingOperator` (operator.py) hears the
engine's events and questions on their way to the operator and hands a `Message`
(messages.py) to the `Sender` (sender.py), whose own thread posts it with the standard
library, retries, and records each delivery and failure in the session's audit log. Notify
only: nothing a webhook or a chat sends back is read.
"""

from __future__ import annotations

from tui.audit.session_log import SessionLog
from tui.notify.sender import NotifyOptions, Sender
from tui.runbook.model import Runbook
from tui.runbook.notify import notify_targets


def start_sender(runbook: Runbook, log: SessionLog, options: NotifyOptions | None) -> Sender | None:
    """The session's sender, started, or None when nobody is to be told."""
    options = options or NotifyOptions()
    targets = notify_targets(runbook, options.extra)
    return Sender(targets, log, options) if targets else None
