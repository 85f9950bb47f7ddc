"""Reading YAML with locations: marks, duplicates, merges, aliases, and what PyYAML would hide."""

from __future__ import annotations

from tui.runbook.problems import Problems
from tui.runbook.source import MAX_NODES, parse_text, read_file


def test_every_value_knows_its_line_and_column() -> None:
    problems = Problems()
    root = parse_text("a:\n  b: [1, 'two']\n  c: 2024-01-01\n", "f.yaml", problems)
    b = root.value["a"].value["b"]
    assert (b.location.line, b.location.column) == (2, 6)
    assert [(n.value, n.location.column) for n in b.value] == [(1, 7), ("two", 10)]
    assert root.value["a"].key_locations["c"].column == 3
    assert root.value["a"].value["c"].value == "2024-01-01"  # a date stays text
    assert not problems


def test_duplicate_keys_are_problems_where_safe_load_keeps_the_last() -> None:
    problems = Problems()
    parse_text("a: 1\nb: 2\na: 3\n", "f.yaml", problems)
    (problem,) = problems.sorted()
    assert (problem.location.line, problem.location.column) == (3, 1)
    assert 'duplicate key "a" (first at line 1)' in problem.message


def test_merge_keys_let_explicit_keys_win_without_a_duplicate_problem() -> None:
    problems = Problems()
    root = parse_text("base: &b {x: 1, y: 2}\nuse: {<<: *b, y: 3}\n", "f.yaml", problems)
    assert root.value["use"].plain() == {"x": 1, "y": 3}
    assert not problems


def test_alias_bombs_are_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    problems = Problems()
    assert parse_text("\n".join(lines), "bomb.yaml", problems) is None
    assert f"more than {MAX_NODES}" in problems.sorted()[0].message


def test_python_tags_are_refused() -> None:
    problems = Problems()
    root = parse_text(
        "a: !!python/object/apply:os.system ['true']\nb: !!binary aGk=\n", "f", problems
    )
    assert [str(p) for p in problems.sorted()] == [
        "f:1:4: unsupported YAML tag tag:yaml.org,2002:python/object/apply:os.system: "
        "runbooks use plain values",
        "f:2:4: unsupported YAML tag tag:yaml.org,2002:binary: runbooks use plain values",
    ]
    assert root.value["b"].value == "aGk="


def test_unreadable_files_are_located_problems(tmp_path) -> None:
    problems = Problems()
    assert read_file(tmp_path / "missing.yaml", problems) is None
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    assert read_file(binary, problems) is None
    messages = [str(p) for p in problems.sorted()]
    assert messages[0].endswith("binary.yaml:1:1: not UTF-8 text (invalid start byte at byte 0)")
    assert messages[1].endswith("missing.yaml:1:1: no such file: check the path")
