"""`turnout validate --format json|sarif`: the problems of each runbook as documents a program
reads (docs/machine-output.md): turnout's own JSON (`turnout.validate`, `schema_version` 1), and
SARIF 2.1.0, so code scanning shows a runbook's problems inline on the line they are on.

A problem carries a message and a FILE:LINE:COL; its rule id is read off the message's wording
here (`rule_of`), one table for every kind of problem the loader reports, so the loader's
hundreds of `problems.add` calls stay as they are. A message no rule matches is
`turnout/invalid-runbook`. Rule ids are never renamed (code scanning tracks alerts by them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tui.runbook.problems import Problem

SCHEMA_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://turnout.invalid/docs/runbook-language.md"

# (rule id, what it catches, how its messages read). First match wins: the specific before the
# general (an unknown action before an unknown key).
RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "yaml-syntax",
        "The file is not well-formed YAML, or is empty",
        (
            r"malformed YAML",
            r"the file is empty",
            r"an alias refers",
            r"nest more than \d+ deep here",
            r"digits: turnout reads",
            r"unsupported YAML tag",
            r"a runbook is a mapping",
        ),
    ),
    ("duplicate-key", "A key given twice in one mapping", (r"duplicate key ",)),
    ("duplicate-step", "Two steps with one id", (r"duplicate step id ",)),
    ("dependency-cycle", "Services or steps that depend on each other", (r"dependency cycle",)),
    ("unknown-action", "A step's action is not in the catalogue", (r"unknown action ",)),
    (
        "unknown-param",
        "A ${name} that no param declares",
        (r"unknown param ", r"`\$\{` is never closed"),
    ),
    ("missing-param", "A required param without a value", (r"is required and has no value",)),
    (
        "unknown-reference",
        "A step, service or metric named but not defined",
        (
            r"unknown service ",
            r"depends on unknown",
            r'undoes "',
            r"unknown metric ",
            "unknown step",
        ),
    ),
    (
        "unknown-key",
        "A key turnout does not know (often misspelt)",
        (r"unknown (top-level )?key ",),
    ),
    (
        "missing-key",
        "A key that must be given is missing",
        (
            r"missing required (top-level )?key",
            r"give exactly one of",
            r"say what to check",
            r"needs `",
            r"no threshold",
        ),
    ),
    (
        "irreversible",
        "An irreversible step without `irreversible` and `confirm`",
        (r"irreversible", r"cannot be undone"),
    ),
    (
        "pattern",
        "A param's pattern is not RE2, or a value does not match it",
        (r"pattern", r"RE2"),
    ),
    ("expression", "Metric math that CloudWatch would refuse", (r"\.expr: ", r"bracket")),
    (
        "duration",
        "A duration without a unit, unreadable or too long",
        (r"not a duration", r"has no unit", r"longer than turnout waits"),
    ),
    ("wrong-type", "A value of the wrong type", (r"expected an? [a-z]+, got",)),
    (
        "missing-file",
        "A runbook file that cannot be read, or a name no runbook has",
        (r"no such runbook file", r"cannot read", r"no such file", r"not found"),
    ),
    (
        "not-allowed",
        "A value outside what the key allows",
        (
            r"is not allowed",
            r"unknown statistic",
            r"is above the maximum",
            r"is below the minimum",
            r"must be above",
            r"must go up",
            r"every weight is 0",
            r"only a rollback guardrail",
        ),
    ),
)
FALLBACK_RULE: tuple[str, str, tuple[str, ...]] = (
    "invalid-runbook",
    "Any other problem in a runbook",
    (),
)
_COMPILED = [(rid, re.compile("|".join(alternatives))) for rid, _, alternatives in RULES]


def rule_of(message: str) -> str:
    """The rule id (`turnout/<name>`) of a problem's message."""
    for rule_id, pattern in _COMPILED:
        if pattern.search(message):
            return f"turnout/{rule_id}"
    return f"turnout/{FALLBACK_RULE[0]}"


@dataclass(frozen=True)
class Checked:
    """One file `turnout validate` was given: its problems, or the summary of a good runbook."""

    file: str
    problems: Sequence[Problem] = ()
    runbook: str | None = None
    summary: str | None = None


def _problem(problem: Problem) -> dict[str, Any]:
    where = problem.location
    return {
        "file": where.file,
        "line": where.line,
        "column": where.column,
        "rule": rule_of(problem.message),
        "message": problem.message,
    }


def validate_json(checked: Iterable[Checked]) -> dict[str, Any]:
    """The `turnout.validate` document (docs/machine-output.md)."""
    files = [
        {
            "file": c.file,
            "ok": not c.problems,
            "runbook": c.runbook,
            "summary": c.summary,
            "problems": [_problem(p) for p in c.problems],
        }
        for c in checked
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "turnout.validate",
        "ok": all(f["ok"] for f in files),
        "files": files,
    }


def _uri(file: str, base: Path) -> tuple[str, bool]:
    """A file as SARIF names it: relative to `base` (the repository, for code scanning) when
    it is inside it, else an absolute file URI."""
    path = Path(file)
    absolute = path if path.is_absolute() else (base / path)
    try:
        relative = absolute.resolve().relative_to(base.resolve()).as_posix()
        return quote(relative), True  # a URI reference: `my runbook.yaml` is my%20runbook.yaml
    except ValueError:
        return absolute.resolve().as_uri(), False


def validate_sarif(checked: Iterable[Checked], version: str, base: Path) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run of turnout and one result per problem."""
    rules = [*RULES, FALLBACK_RULE]
    index = {f"turnout/{rid}": i for i, (rid, _, _) in enumerate(rules)}
    results = []
    for c in checked:
        for problem in c.problems:
            rule = rule_of(problem.message)
            uri, relative = _uri(problem.location.file, base)
            artifact: dict[str, Any] = {"uri": uri}
            if relative:
                artifact["uriBaseId"] = "%SRCROOT%"
            results.append(
                {
                    "ruleId": rule,
                    "ruleIndex": index[rule],
                    "level": "error",
                    "message": {"text": problem.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": artifact,
                                "region": {
                                    "startLine": max(problem.location.line, 1),
                                    "startColumn": max(problem.location.column, 1),
                                },
                            }
                        }
                    ],
                }
            )
    driver = {
        "name": "turnout",
        "version": version,
        "semanticVersion": version,
        "informationUri": INFORMATION_URI,
        "rules": [
            {
                "id": f"turnout/{rid}",
                "name": "".join(part.capitalize() for part in rid.split("-")),
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": "error"},
            }
            for rid, text, _ in rules
        ],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": base.resolve().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
