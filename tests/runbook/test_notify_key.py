"""`notify:` in the runbook language: targets, events, formats, and the URL kept secret."""

from __future__ import annotations

import pytest

from tui.runbook.loader import load_text
from tui.runbook.notify import NOTIFY_EVENTS, notify_targets, shown_url
from tui.runbook.problems import RunbookInvalid
from tui.runbook.secrets import MASK, SECRETS

HEAD = """runbook: x
title: X
target: {account: "123456789012", region: us-east-1}
steps:
  - {id: a, action: wait, with: {duration: 1s}}
"""


def _problems(notify: str) -> list[str]:
    with pytest.raises(RunbookInvalid) as caught:
        load_text(HEAD + notify, "rb.yaml")
    return [str(p) for p in caught.value.problems]


def test_targets_read_with_their_events_and_format() -> None:
    runbook = load_text(
        HEAD
        + "notify:\n"
        + "  - url: https://hooks.slack.com/services/T1/B1/SECRETone\n"
        + "  - url: https://example.webhook.office.com/webhookb2/SECRETtwo\n"
        + "    events: [guardrail.breach, session.end, session.end]\n"
        + "    format: teams\n"
    )
    first, second = runbook.notify
    assert first.events == NOTIFY_EVENTS and first.format == "slack"  # no events: all of them
    assert second.events == ("guardrail.breach", "session.end") and second.format == "teams"
    assert notify_targets(runbook) == runbook.notify
    assert load_text(HEAD).notify == ()


def test_notify_targets_adds_a_config_files_targets_in_one_place() -> None:
    runbook = load_text(
        HEAD + "notify:\n  - url: https://hooks.slack.com/services/T1/B1/SECRETthree\n"
        "    events: [session.end]\n"
    )
    other = load_text(
        HEAD + "notify:\n  - url: https://hooks.slack.com/services/T1/B1/SECRETthree\n"
        "    events: [rollback.started]\n  - url: https://hooks.example.com/x/SECRETfour\n"
    )
    merged = notify_targets(runbook, other.notify)
    assert [t.events for t in merged] == [("session.end", "rollback.started"), NOTIFY_EVENTS]


def test_bad_targets_say_where_and_what_to_do() -> None:
    problems = _problems(
        "notify:\n"
        "  - url: ftp://hooks.example.com/services/SECRETftp99\n"
        "  - url: http://hooks.example.com/services/SECRETplain\n"
        "    events: [rollbak.started, session.end]\n"
        "  - url: https://hooks.example.com/a/SECRETfmt1\n"
        "    format: tems\n"
        "  - url: http://127.0.0.1:9/hook/SECRETempty\n"
        "    events: []\n"
        "  - url: file:///etc/passwd\n"
        "  - events: [session.end]\n"
        "  - url: https://hooks.example.com/a/SECRETkey1\n"
        "    channel: ops\n"
    )
    assert problems == [
        'rb.yaml:7:10: notify[0].url: the scheme "ftp" is not allowed; a webhook URL starts '
        "with https:// (http:// only to this machine: 127.0.0.1 or localhost)",
        "rb.yaml:8:10: notify[1].url: http:// would send the webhook's secret in clear to "
        "hooks.example.com; use https:// (http:// is only for 127.0.0.1 or localhost)",
        'rb.yaml:9:14: notify[1].events: "rollbak.started" is no event (did you mean '
        '"rollback.started"?)',
        'rb.yaml:11:13: notify[2].format: "tems" is not allowed (did you mean "teams"?)',
        "rb.yaml:13:13: notify[3].events: name at least one event, or leave `events` out for "
        "all of them",
        "rb.yaml:14:10: notify[4].url: not a URL like https://hooks.example.com/...",
        'rb.yaml:15:5: notify[5]: missing required key "url"',
        'rb.yaml:17:5: notify[6]: unknown key "channel"; allowed: url, events, format',
    ]
    text = "\n".join(problems)
    assert "SECRET" not in text  # no message shows a webhook's path


def test_the_url_is_masked_everywhere_but_its_host_is_shown() -> None:
    url = "https://hooks.slack.com/services/T0AAA/B0BBB/SECRETmaskme42"
    load_text(HEAD + f"notify:\n  - url: {url}\n")
    assert SECRETS.text(f"posting to {url} now") == f"posting to {MASK} now"
    assert SECRETS.text("/services/T0AAA/B0BBB/SECRETmaskme42") == MASK
    assert shown_url(url) == f"https://hooks.slack.com/{MASK}"
    assert shown_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/"
    assert shown_url("https://[::1]:9/x/y") == f"https://[::1]:9/{MASK}"


def test_a_secret_param_can_hold_the_url() -> None:
    runbook = load_text(
        HEAD.replace("steps:", "params:\n  slack_hook: {secret: true}\nsteps:")
        + "notify:\n  - url: ${slack_hook}\n    events: [session.end]\n",
        overrides={"slack_hook": "https://hooks.slack.com/services/T9/B9/SECRETparam77"},
    )
    assert runbook.notify[0].url == "https://hooks.slack.com/services/T9/B9/SECRETparam77"


def test_a_url_written_where_it_does_not_belong_is_not_echoed() -> None:
    problems = _problems(
        "notify:\n"
        "  - https://hooks.slack.com/services/T0/B0/SECRETbare1\n"
        "  - url: https://hooks.slack.com/a\n"
        "    format: https://hooks.slack.com/services/T0/B0/SECRETformat\n"
        "    events: [https://hooks.slack.com/services/T0/B0/SECRETevent]\n"
        "  - {https://hooks.slack.com/services/T0/B0/SECRETkey: 1}\n"
    )
    assert problems[0] == (
        "rb.yaml:7:5: notify[0]: a webhook is a mapping: `- url: URL`, with `events:` and "
        "`format:` when needed"
    )
    assert len(problems) == 5 and "SECRET" not in "\n".join(problems)
    assert f'notify[1].format: "{MASK}" is not allowed' in problems[1]
