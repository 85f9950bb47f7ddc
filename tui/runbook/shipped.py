"""The runbooks shipped inside the package (`tui/runbooks/`, package data), and a runbook
argument given by name.

`turnout rehearse alb-canary` works from any directory, and from an installed wheel: a
RUNBOOK argument that is not a path (no `/`, no `.yaml`, no such file) is a name, looked up in
`./runbooks/` of the working directory first (a person's own, as scenarios are), then among
the shipped ones. The checkout's `runbooks/` is a link to `tui/runbooks/`, so the Makefile and
the README's paths keep working and there is one copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui.errors import InputError

SUFFIXES = (".yaml", ".yml")


class UnknownRunbook(InputError):
    """A RUNBOOK argument that is neither a file nor a runbook's name (exit 2)."""


def shipped_runbooks_dir() -> Path:
    """The folder of the runbooks shipped inside the package."""
    # A real folder for every install turnout supports (a checkout, an editable install, a
    # wheel unpacked into site-packages): the loader reports FILE:LINE:COL against it.
    from importlib import resources  # here: a path given as a path never needs it (start-up)

    return Path(str(resources.files("tui").joinpath("runbooks")))


def runbook_dirs() -> list[Path]:
    """Where runbooks are looked up by name: ./runbooks (if there is one), then the shipped."""
    own = Path.cwd() / "runbooks"
    shipped = shipped_runbooks_dir()
    if own.is_dir() and own.resolve() != shipped.resolve():
        return [own, shipped]
    return [shipped]


@dataclass(frozen=True)
class ShippedRunbook:
    """One runbook `turnout runbooks` lists: its name (the file's stem), path and title."""

    name: str
    path: Path
    title: str


def shipped_runbooks() -> list[ShippedRunbook]:
    """The shipped runbooks, by name. The title is read from the file's `title:` line, not by
    loading it: `turnout runbooks` stays as quick as `--help`."""
    found = []
    for path in sorted(shipped_runbooks_dir().glob("*.yaml")):
        found.append(ShippedRunbook(path.stem, path, read_title(path)))
    return found


def read_title(path: Path) -> str:
    """The `title:` line of a runbook or scenario file, without parsing the YAML."""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("title:"):
                    return line.partition(":")[2].strip().strip("'\"")
    except OSError:
        pass
    return ""


def available_runbooks() -> list[str]:
    """Every name a RUNBOOK argument can be given as."""
    return sorted({p.stem for folder in runbook_dirs() for p in folder.glob("*.y*ml")})


def looks_like_path(argument: str) -> bool:
    path = Path(argument)
    return "/" in argument or path.suffix in SUFFIXES or path.exists()


def resolve_runbook(argument: str) -> str:
    """The file a RUNBOOK argument names: a path as given (the loader reports a missing one),
    else a name found in ./runbooks or among the shipped runbooks. Raises InputError (exit 2)
    listing the names when it is neither."""
    if looks_like_path(argument):
        return argument
    for folder in runbook_dirs():
        for suffix in SUFFIXES:
            candidate = folder / f"{argument}{suffix}"
            if candidate.is_file():
                return str(candidate)
    from tui.runbook.problems import did_you_mean

    names = available_runbooks()
    hint = did_you_mean(argument, names)
    raise UnknownRunbook(
        f'{argument}: no such runbook file, and no runbook named "{argument}"{hint}. '
        f"Give a path to a runbook file, or one of: {', '.join(names)} "
        "(`turnout runbooks` lists them)"
    )
