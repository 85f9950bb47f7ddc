"""Which params are secret and how the masker hides them (tui/runbook/secrets.py)."""

from __future__ import annotations

import io
import json

import pytest

from tui.runbook.loader import load_text
from tui.runbook.problems import RunbookInvalid
from tui.runbook.secrets import MASK, MaskedStream, Masker

HEAD = """runbook: t
title: T
target: {account: "123456789012", region: us-east-1}
params:
"""
STEP = """steps:
  - id: a
    action: manual
    with: {instructions: "go"}
"""


def _params(decls: str, **sets: str):
    return load_text(HEAD + decls + STEP, overrides=sets).params


def test_a_param_is_secret_when_declared_or_named_so_and_a_string() -> None:
    params = _params(
        "  pin: {secret: true, default: 'pin-7f3a9c2e'}\n"
        "  db_password: {default: hunter2-5d41b7}\n"
        "  max_tokens: {default: 5}\n"
        "  token_style: {secret: false, default: bold}\n"
        "  colour: {default: blue}\n"
    )
    assert {n for n, p in params.items() if p.secret} == {"pin", "db_password"}


def test_a_secret_too_short_to_mask_is_refused_naming_what_to_do() -> None:
    with pytest.raises(RunbookInvalid) as caught:
        _params("  api_token: {}\n", api_token="abc")
    assert "params.api_token: a secret must be at least 6 characters" in str(caught.value)
    assert "`secret: false`" in str(caught.value)


def test_a_pattern_mismatch_names_the_param_but_not_the_value() -> None:
    with pytest.raises(RunbookInvalid) as caught:
        _params("  key: {secret: true, pattern: '^x'}\n", key="not-x-but-secret")
    assert "--set key=••••••: '••••••' does not match the pattern ^x" in str(caught.value)
    assert "not-x-but-secret" not in str(caught.value)


def test_the_masker_hides_the_longest_value_first_and_its_escaped_forms() -> None:
    masker = Masker(["abcdef", "abcdefgh", 'q"uo<te>'])
    assert masker.text("x abcdefgh abcdef y") == f"x {MASK} {MASK} y"
    assert MASK in masker.text(json.dumps({"v": 'q"uo<te>'}))
    assert "&lt;" not in masker.text("q&quot;uo&lt;te&gt;")
    data = {"k": ["abcdef!", ("abcdef",)], "abcdef": 1, "n": 3}
    assert masker.data(data) == {"k": [f"{MASK}!", (MASK,)], MASK: 1, "n": 3}
    untouched = {"k": ["plain"]}
    assert masker.data(untouched) is untouched


def test_a_masked_stream_masks_what_is_written() -> None:
    buffer = io.StringIO()
    MaskedStream(buffer, Masker(["abcdefgh"])).write("see abcdefgh\n")
    assert buffer.getvalue() == f"see {MASK}\n"
