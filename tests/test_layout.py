"""The test tree mirrors the package tree (tests/README.md): a folder of tests is named for the
package or module under tui/ it tests, so the tests of `tui/<path>` are found in
`tests/<path>`. A top-level file tests a top-level module (`test_cli.py` for `tui/cli.py`) or is
cross-cutting, and then is listed here with the reason."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
TUI = TESTS.parent / "tui"

# Files at tests/ top level that mirror no one module of tui/, each with why it is here.
CROSS_CUTTING = {
    "README.md": "the layout's rule, what goes in conftest files, slow marks, how to run",
    "conftest.py": "suite-wide hooks and the fixtures tests in more than one folder use",
    "test_layout.py": "this check, of the whole test tree",
    "test_import_hygiene.py": "the layering of every package of tui/, in a clean interpreter",
    "test_cli_limits.py": "the bounds every command shares: numeric flags, a reader that quits",
    "test_secrets_attack.py": "a secret through every command a person runs, as real processes",
    "attack_runbook.py": "the secret-leak runbook: tests/engine, tests/app and the attack test",
    "session_logs.py": "a begun session log: tests/app, tests/rehearsal and bench/",
    "keys.py": "the keys tests/plain and tests/wizard type into prompt_toolkit",
    "world_process.py": "`turnout world` in a child process: tests/rehearsal, tests/commands",
    "test_install.py": "the wheel built, installed in a fresh venv, rehearsing by name elsewhere",
}


def _mirrors(relative: Path) -> bool:
    """`tests/<relative>` has a package `tui/<relative>/` or a module `tui/<relative>.py`."""
    target = TUI / relative
    return (target / "__init__.py").is_file() or target.with_suffix(".py").is_file()


def _ignored(path: Path) -> bool:
    """Caches and hidden files (a run from tests/ leaves .pytest_cache and .hypothesis)."""
    return any(
        part == "__pycache__" or part.startswith(".") for part in path.relative_to(TESTS).parts
    )


def _tree(folder: Path) -> list[Path]:
    """Every folder below `folder` that holds Python, caches left out."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_dir() and not _ignored(path) and any(path.glob("*.py"))
    )


def test_every_test_folder_mirrors_a_package_or_module_of_tui() -> None:
    """A folder holding Python (tests or their helpers) is named for what it tests; a folder of
    data only (tests/runbook/broken, tests/audit/golden, snapshots) belongs to the one above."""
    top = [path for path in TESTS.iterdir() if path.is_dir() and not _ignored(path)]
    stray = sorted(
        str(path.relative_to(TESTS))
        for path in {*top, *_tree(TESTS)}
        if not _mirrors(path.relative_to(TESTS))
    )
    assert not stray, f"no tui/ package or module for tests/{', tests/'.join(stray)}"


def test_every_top_level_file_tests_a_top_level_module_or_says_why_it_is_here() -> None:
    stray = sorted(
        path.name
        for path in TESTS.iterdir()
        if path.is_file()
        and not _ignored(path)
        and path.name not in CROSS_CUTTING
        and not (path.name.startswith("test_") and _mirrors(Path(path.stem[len("test_") :])))
    )
    assert not stray, (
        f"tests/{', tests/'.join(stray)}: move each beside what it tests (tests/<package>/), "
        "or, if it is truly cross-cutting, list it with its reason in CROSS_CUTTING"
    )


def test_the_cross_cutting_list_names_only_files_that_exist() -> None:
    gone = sorted(name for name in CROSS_CUTTING if not (TESTS / name).is_file())
    assert not gone, f"CROSS_CUTTING lists files tests/ no longer has: {gone}"
