"""`notify:` in a runbook: the webhooks told of a session's events, and which events each hears.

    notify:
      - url: ${slack_hook}                  # https:// (http:// only to this machine)
        events: [guardrail.breach, rollback.started, rollback.finished, session.end]
        format: slack                       # slack (default) | teams | generic

A webhook URL is a credential (whoever has a Slack webhook's path can post to the channel), so
it joins the process's masker (`SECRETS`, tui/runbook/secrets.py) the moment it is read: no
message, stream or audit record can show it. What people see is `shown_url`: the scheme and
host, the rest masked. `notify_targets(runbook, extra)` is the one list the sender is given:
the runbook's targets and, later, a config file's (issue 20) in one place.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

from tui.runbook.fields import Fields
from tui.runbook.model import NotifyTarget, Runbook
from tui.runbook.problems import Problems, did_you_mean
from tui.runbook.secrets import MASK, MIN_SECRET_LENGTH, SECRETS
from tui.runbook.source import INVALID, Node
from tui.runbook.values import ValueType

NOTIFY_EVENTS = (
    "question.waiting",
    "guardrail.warn",
    "guardrail.breach",
    "rollback.started",
    "rollback.finished",
    "approval.needed",
    "session.end",
)
"""Every event a webhook can hear (docs/notify.md says what each one's message holds)."""

FORMATS = ("slack", "teams", "generic")
TARGET_KEYS = ("url", "events", "format")
LOOPBACK_NAMES = ("localhost",)


def read_notify(top: Fields, problems: Problems) -> tuple[NotifyTarget, ...]:
    """The runbook's `notify:` list, each target checked; bad ones are problems, left out."""
    section = top.get_node("notify")
    if section is not None:
        # Every URL-looking string under it is masked before any message can quote it: one
        # written where a mapping belongs is echoed back by the type check.
        for text in _strings(section.plain()):
            if "://" in text:
                hide_url(text)
    targets = []
    for i, node in enumerate(top.sequence("notify")):
        if isinstance(node.value, str):
            problems.add(
                node.location,
                f"notify[{i}]: a webhook is a mapping: `- url: URL`, with `events:` and "
                "`format:` when needed",
            )
            continue
        target = _target(node, f"notify[{i}]", problems)
        if target is not None:
            targets.append(target)
    return tuple(targets)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    return []


def _target(node: Node, what: str, problems: Problems) -> NotifyTarget | None:
    fields = Fields(node, what, problems, TARGET_KEYS, required=("url",))
    url = fields.get("url", ValueType.STRING)
    if isinstance(url, str):
        hide_url(url)  # before any message about it is made
    events = fields.get("events", ValueType.STRING_LIST, list(NOTIFY_EVENTS))
    fmt = fields.choice("format", FORMATS, "slack")
    ok = isinstance(url, str) and _check_url(url, fields, problems)
    if events is not INVALID:
        if not events:
            problems.add(
                fields.value_location("events"),
                f"{what}.events: name at least one event, or leave `events` out for all of them",
            )
            ok = False
        written = fields.get_node("events")
        items = written.value if written is not None and written.is_sequence else []
        for i, name in enumerate(events):
            if name not in NOTIFY_EVENTS:
                hint = did_you_mean(name, NOTIFY_EVENTS) or f"; events: {', '.join(NOTIFY_EVENTS)}"
                at = items[i].location if i < len(items) else fields.value_location("events")
                problems.add(at, f'{what}.events: "{name}" is no event{hint}')
                ok = False
    if not ok or events is INVALID or fmt is INVALID:
        return None
    unique = tuple(dict.fromkeys(events))
    return NotifyTarget(url=url, events=unique, format=fmt, location=node.location)


def _check_url(url: str, fields: Fields, problems: Problems) -> bool:
    """Whether `url` is a webhook turnout may post to. Messages name the scheme and the host,
    never the path or query (the secret part)."""
    where, label = fields.value_location("url"), fields.label("url")
    parts = _split(url)
    if parts is None or not parts.scheme or not parts.hostname:
        problems.add(where, f"{label}: not a URL like https://hooks.example.com/...")
        return False
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in ("https", "http"):
        problems.add(
            where,
            f'{label}: the scheme "{scheme}" is not allowed; a webhook URL starts with https:// '
            "(http:// only to this machine: 127.0.0.1 or localhost)",
        )
        return False
    if scheme == "http" and not is_loopback(host):
        problems.add(
            where,
            f"{label}: http:// would send the webhook's secret in clear to {host}; use https:// "
            "(http:// is only for 127.0.0.1 or localhost)",
        )
        return False
    if any(c.isspace() or ord(c) < 32 for c in url):
        problems.add(where, f"{label}: a URL holds no spaces or control characters")
        return False
    return True


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return None
    return parts


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (127.0.0.0/8, ::1 or localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def hide_url(url: str) -> None:
    """Add the URL, and its secret-bearing parts when long enough to mask, to `SECRETS`."""
    parts = _split(url)
    texts = [url]
    if parts is not None and parts.netloc:
        rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
        if rest in ("", "/") and not parts.password:
            return  # scheme and host alone: nothing secret, and masking them would hide the host
        texts += [rest, parts.path, parts.query, parts.password or ""]
    SECRETS.add(t for t in texts if t and len(t) >= MIN_SECRET_LENGTH)


def shown_url(url: str) -> str:
    """How a webhook is named to people and in the log: `https://hooks.slack.com/••••••`."""
    parts = _split(url)
    if parts is None or not parts.hostname:
        return MASK
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    port = f":{parts.port}" if parts.port else ""
    secret = url[len(f"{parts.scheme}://{parts.netloc}") :] not in ("", "/")
    return f"{parts.scheme}://{host}{port}/{MASK if secret else ''}"


def notify_targets(
    runbook: Runbook, extra: Iterable[NotifyTarget] = ()
) -> tuple[NotifyTarget, ...]:
    """Every webhook the session tells: the runbook's, then `extra` (a config file's targets,
    for every runbook). The same URL named twice is told once, with the events of both."""
    merged: dict[tuple[str, str], NotifyTarget] = {}
    for target in (*runbook.notify, *extra):
        key = (target.url, target.format)
        if key in merged:
            before = merged[key]
            events = tuple(dict.fromkeys((*before.events, *target.events)))
            merged[key] = NotifyTarget(before.url, events, before.format, before.location)
        else:
            merged[key] = target
    return tuple(merged.values())
