"""patching: moto's original kept once, a second install stacking nothing, one patcher a name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tui.rehearsal.fidelity import patching


class Base:
    def greet(self) -> str:
        return "base"


class Thing(Base):
    def hello(self) -> str:
        return "moto"


@pytest.fixture(autouse=True)
def _restored() -> Iterator[None]:
    yield
    patching.restore(Thing, Base)


def _loud(original: Any) -> Any:
    return lambda self: original(self) + "!"


def test_a_second_wrap_wraps_motos_own_not_ours() -> None:
    patching.wrap(Thing, "hello", _loud)
    patching.wrap(Thing, "hello", _loud)
    assert Thing().hello() == "moto!"
    assert patching.original(Thing, "hello")(Thing()) == "moto"


def test_restore_puts_motos_own_back() -> None:
    moto_own = Thing.__dict__["hello"]
    patching.patch(Thing, "hello", lambda self: "ours")
    patching.restore(Thing)
    assert Thing.__dict__["hello"] is moto_own
    assert Thing().hello() == "moto"


def test_an_inherited_method_is_looked_up_when_called_so_a_base_patch_still_runs() -> None:
    patching.wrap(Thing, "greet", _loud)
    patching.patch(Base, "greet", lambda self: "patched base")
    assert Thing().greet() == "patched base!"
    patching.restore(Thing)
    assert "greet" not in Thing.__dict__  # ours deleted, not moto's copied in


def test_two_modules_may_not_patch_one_attribute() -> None:
    patching.patch(Thing, "hello", lambda self: "ours")
    elsewhere = {"__name__": "elsewhere", "patching": patching, "Thing": Thing}
    with pytest.raises(RuntimeError, match="already patched by"):
        exec('patching.patch(Thing, "hello", lambda self: "theirs")', elsewhere)
    assert Thing().hello() == "ours"
