"""The session screen types its app as `SessionHost` (a cast, nothing checks it as the app
runs): `TurnoutApp` must have every method of it, with the same parameters."""

from __future__ import annotations

import inspect

from tui.app.app import TurnoutApp
from tui.app.screens.session import SessionHost


def test_turnout_app_is_a_session_host() -> None:
    wanted = [
        name
        for name, member in vars(SessionHost).items()
        if inspect.isfunction(member) and not name.startswith("_")
    ]
    assert wanted, "SessionHost lists no methods"
    for name in wanted:
        mine = getattr(TurnoutApp, name, None)
        assert callable(mine), f"TurnoutApp has no {name}(), which the session screen calls"
        assert list(inspect.signature(mine).parameters) == list(
            inspect.signature(getattr(SessionHost, name)).parameters
        ), f"TurnoutApp.{name} takes other parameters than SessionHost.{name}"
