"""The explicit extension list misses no module of the package that is an extension."""

from __future__ import annotations

import importlib
import pkgutil

from tui.rehearsal import fidelity
from tui.rehearsal.fidelity.extensions import EXTENSIONS


def test_every_module_with_install_and_tick_is_listed() -> None:
    found = set()
    for info in pkgutil.walk_packages(fidelity.__path__, prefix=f"{fidelity.__name__}."):
        module = importlib.import_module(info.name)
        if callable(getattr(module, "install", None)) and callable(getattr(module, "tick", None)):
            found.add(module.__name__)
    assert found == {module.__name__ for module in EXTENSIONS}
