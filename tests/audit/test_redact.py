"""Redaction, property-tested: no secret survives at any depth, and nothing else is changed."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tui.audit.redact import REDACTED, SECRET_WORDS, is_secret_key, redact

SENTINEL = "S3NTINEL-secret-value"
PLAIN_KEYS = [
    "Weight",
    "TargetGroupArn",
    "DBInstanceIdentifier",
    "MinSize",
    "Tags",
    "step",
    "ImageId",
    "LaunchTemplateName",
    "Version",
    "region",
    "Type",
    "Values",
    "Key",
]


@st.composite
def secret_keys(draw: st.DrawFn) -> str:
    """A secret word in any case, with separators inside and words around it."""
    word = draw(st.sampled_from(SECRET_WORDS))
    chars = [c.upper() if draw(st.booleans()) else c for c in word]
    sep = draw(st.sampled_from(["", "_", "-", " ", "."]))
    if sep and len(chars) > 2:
        cut = draw(st.integers(1, len(chars) - 1))
        chars.insert(cut, sep)
    prefix = draw(st.sampled_from(["", "Master", "db_", "X-", "client."]))
    suffix = draw(st.sampled_from(["", "Id", "_value", "s", "Arn"]))
    return prefix + "".join(chars) + suffix


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20).filter(lambda t: SENTINEL not in t),
)


def plain_trees() -> st.SearchStrategy[Any]:
    """JSON-like data with no secret-looking key anywhere."""
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.sampled_from(PLAIN_KEYS), inner, max_size=4),
        ),
        max_leaves=25,
    )


def trees_with_secrets() -> st.SearchStrategy[Any]:
    """JSON-like data where secret keys, and secret name/value pairs, hide the sentinel."""
    secret_value = st.one_of(
        st.just(SENTINEL),
        st.lists(st.just(SENTINEL), min_size=1, max_size=3),
        st.dictionaries(st.sampled_from(PLAIN_KEYS), st.just(SENTINEL), min_size=1, max_size=2),
    )
    pair = st.builds(
        lambda name, val_key, name_key: {name_key: name, val_key: SENTINEL},
        secret_keys(),
        st.sampled_from(["Value", "value", "ParameterValue"]),
        st.sampled_from(["Name", "name", "Key", "ParameterKey"]),
    )

    def grow(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        entry = st.one_of(
            st.tuples(st.sampled_from(PLAIN_KEYS), inner), st.tuples(secret_keys(), secret_value)
        )
        return st.one_of(
            st.lists(st.one_of(inner, pair), max_size=4), st.lists(entry, max_size=4).map(dict)
        )

    return st.recursive(st.one_of(scalars, pair), grow, max_leaves=30)


@given(secret_keys())
def test_every_spelling_of_a_secret_key_is_recognised(key: str) -> None:
    assert is_secret_key(key)


@given(trees_with_secrets())
def test_no_secret_survives_at_any_depth(tree: Any) -> None:
    original = copy.deepcopy(tree)
    cleaned = redact(tree)
    assert SENTINEL not in json.dumps(cleaned)
    assert tree == original, "redact must not change its input"


@given(plain_trees())
def test_data_without_secrets_is_unchanged(tree: Any) -> None:
    assert redact(tree) == tree


def test_the_whole_value_under_a_secret_key_goes() -> None:
    data = {"Credentials": {"AccessKeyId": "AKIA", "Expiration": 5}, "Name": "web"}
    assert redact(data) == {"Credentials": REDACTED, "Name": "web"}


def test_private_keys_go_wherever_they_are() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----"
    assert redact({"Comment": pem, "list": [pem]}) == {"Comment": REDACTED, "list": [REDACTED]}


def test_ecs_environment_pairs_are_redacted_by_name() -> None:
    env = [{"name": "DB_PASSWORD", "value": "p"}, {"name": "LOG_LEVEL", "value": "debug"}]
    assert redact({"environment": env}) == {
        "environment": [
            {"name": "DB_PASSWORD", "value": REDACTED},
            {"name": "LOG_LEVEL", "value": "debug"},
        ]
    }
