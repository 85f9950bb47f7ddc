"""turnout: zero-downtime AWS upgrades, one confirmed step at a time, from a YAML runbook."""

from __future__ import annotations

__version__ = "0.1.0"
