"""`turnout audit verify --remote`: the local log against the copies shipped off the box."""

from __future__ import annotations

import argparse
from typing import Any


def add_remote_flags(parser: argparse.ArgumentParser) -> None:
    """Where the shipped copies are, when not as the log's session.start says."""


def compare_remote(reading: Any, args: argparse.Namespace) -> tuple[bool, str]:
    """(ok, what was found) comparing `reading` with its shipped copies."""
    from tui.errors import InputError

    raise InputError("--remote: not available yet")
