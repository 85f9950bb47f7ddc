"""`turnout validate --format json|sarif` (tui/runbook/machine_output.py): every problem of the
broken-runbook corpus lands in both documents at its FILE:LINE:COL with a rule id, and the
SARIF log has every field SARIF 2.1.0 requires (checked against the spec's required fields)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tui.runbook.machine_output import FALLBACK_RULE, RULES, rule_of

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
ROOT = Path(__file__).resolve().parents[2]

# The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json, OASIS) a result of ours uses,
# with what the standard makes required: sarifLog {version, runs}, run {tool}, tool {driver},
# toolComponent {name}, reportingDescriptor {id}, result {message}, message {text or id},
# physicalLocation {artifactLocation or address}, region's 1-based lines and columns.
_MESSAGE = {"type": "object", "anyOf": [{"required": ["text"]}, {"required": ["id"]}]}
SARIF_REQUIRED = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"enum": ["2.1.0"]},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {"shortDescription": _MESSAGE},
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "originalUriBaseIds": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "properties": {"uri": {"type": "string", "pattern": "/$"}},
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "message": _MESSAGE,
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "anyOf": [
                                                    {"required": ["artifactLocation"]},
                                                    {"required": ["address"]},
                                                ],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {
                                                            "uri": {"type": "string"},
                                                            "uriBaseId": {"type": "string"},
                                                        },
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                            "startColumn": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def _problems_as_text(turnout, path: Path) -> list[str]:
    return [
        line
        for line in turnout("validate", str(path)).err.splitlines()
        if not line.endswith("have problems")
    ]


def test_sarif_has_every_field_sarif_2_1_0_requires_and_one_result_per_problem(
    turnout, monkeypatch
) -> None:
    monkeypatch.chdir(ROOT)
    files = [str(p.relative_to(ROOT)) for p in BROKEN]
    result = turnout("validate", "--format", "sarif", *files)
    assert result.code == 2 and result.err == ""
    log = json.loads(result.out)
    jsonschema.validate(log, SARIF_REQUIRED)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules) == len(RULES) + 1
    expected = [line for p in BROKEN for line in _problems_as_text(turnout, p.relative_to(ROOT))]
    assert len(run["results"]) == len(expected)
    for res, text in zip(run["results"], expected, strict=True):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        where = res["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        uri, region = where["artifactLocation"]["uri"], where["region"]
        assert (
            text
            == f"{uri}:{region['startLine']}:{region['startColumn']}: " + (res["message"]["text"])
        )


def test_a_file_outside_the_working_directory_is_an_absolute_file_uri(
    turnout, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    log = json.loads(turnout("validate", "--format", "sarif", str(BROKEN[0])).out)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].startswith("file:///")
    assert "uriBaseId" not in location["artifactLocation"]


def test_json_lists_each_file_and_each_problem_with_its_rule(turnout) -> None:
    broken = Path(__file__).parent / "broken" / "misspelt_key.yaml"
    result = turnout("validate", "--format", "json", "runbooks/alb-canary.yaml", str(broken))
    assert result.code == 2
    doc = json.loads(result.out)
    assert doc["schema_version"] == 1 and doc["kind"] == "turnout.validate" and not doc["ok"]
    good, bad = doc["files"]
    assert good["ok"] and good["runbook"] == "alb-canary" and good["problems"] == []
    assert good["summary"].startswith("ok  ")
    (problem,) = bad["problems"]
    assert problem["rule"] == "turnout/unknown-key"
    assert set(problem) == {"file", "line", "column", "rule", "message"}


def test_a_valid_runbook_exits_0_in_every_format(turnout) -> None:
    for fmt in ("json", "sarif"):
        result = turnout("validate", "--format", fmt, "runbooks/alb-canary.yaml")
        assert result.code == 0, result.err
    assert json.loads(result.out)["runs"][0]["results"] == []


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_every_problem_of_the_corpus_has_a_rule_of_its_own(turnout, path: Path) -> None:
    """The fallback rule is for wordings nobody has met yet, not for the corpus."""
    for line in _problems_as_text(turnout, path):
        assert rule_of(line) != f"turnout/{FALLBACK_RULE[0]}", line


def test_a_missing_file_and_an_unknown_name_are_problems_in_the_document(
    turnout, monkeypatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    result = turnout("validate", "--format", "sarif", "alb-canery", "gone.yaml")
    assert result.code == 2 and result.err == ""
    results = json.loads(result.out)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["turnout/missing-file"] * 2
    assert 'did you mean "alb-canary"' in results[0]["message"]["text"]


def test_a_file_name_with_a_space_is_a_percent_encoded_uri(turnout, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my runbook.yaml").write_text("runbook: x\nstpes: []\n")
    log = json.loads(turnout("validate", "--format", "sarif", "my runbook.yaml").out)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "my%20runbook.yaml"
