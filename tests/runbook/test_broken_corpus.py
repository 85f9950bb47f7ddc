"""Every broken runbook in tests/runbook/broken/ fails with exactly the problems it expects.

Each file says what it expects in `# expect LINE:COL: word | word` comments: the loader must
report a problem at each of those places whose message holds every listed word, and no problem
anywhere else (so one mistake does not drown in follow-on noise).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.runbook.loader import load_runbook
from tui.runbook.problems import RunbookInvalid

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
EXPECT = re.compile(r"^# expect (\d+):(\d+): (.+)$", re.MULTILINE)


def _expectations(path: Path) -> list[tuple[int, int, list[str]]]:
    found = [
        (int(line), int(col), [w.strip() for w in words.split("|")])
        for line, col, words in EXPECT.findall(path.read_text())
    ]
    assert found, f"{path.name} has no `# expect` line"
    return found


def test_the_corpus_is_there() -> None:
    assert len(BROKEN) >= 30


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_runbook_reports_exactly_its_problems(path: Path) -> None:
    with pytest.raises(RunbookInvalid) as caught:
        load_runbook(path)
    problems = caught.value.problems
    got = {(p.location.line, p.location.column) for p in problems}
    expected = _expectations(path)
    assert got == {(line, col) for line, col, _ in expected}, "\n".join(map(str, problems))
    for line, col, words in expected:
        messages = [
            p.message for p in problems if (p.location.line, p.location.column) == (line, col)
        ]
        assert any(all(w in m for w in words) for m in messages), (words, messages)
    assert all(p.location.file == str(path) for p in problems)
