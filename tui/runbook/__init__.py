"""The runbook language: model, YAML loader with FILE:LINE:COL errors, dependency order, schema.
Pure: no I/O but reading files.

The engine and the front ends need only these names: `load_runbook` (raises `RunbookInvalid`
listing every `Problem`), the model in `tui.runbook.model`, the action catalogue in
`tui.runbook.actions` (`CATALOGUE`), and `plan_document` in `tui.runbook.plan`.
"""

from tui.runbook.loader import load_runbook, load_text
from tui.runbook.problems import Problem, RunbookInvalid

__all__ = ["Problem", "RunbookInvalid", "load_runbook", "load_text"]
