# Two jobs a person runs on a fresh clone (see README): `make rehearse` and `make test`.
# Both create .venv and install turnout into it first; nothing else need be installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNBOOK ?= runbooks/alb-canary.yaml
SCENARIO ?= bad-ami

.PHONY: test rehearse lint man

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The test command: lint, then the suite on both cores (the layering is checked inside it, by
# tests/test_import_hygiene.py).
test: $(STAMP)
	$(BIN)/ruff check tui tests bench
	$(BIN)/pytest -n 2 --dist loadfile

# The main job: rehearse a runbook against the embedded AWS world (moto on 127.0.0.1), in the
# full-screen app on a terminal (plain prompts otherwise), and read the debrief at the end.
# turnout ends with its own summary and exit code ("outcome: rolled back (exit 3)": the
# bad-ami drill's good ending); make would add "make: *** [Makefile] Error 3" under it, which
# reads as if the rehearsal broke. Scripts wanting the code run turnout itself.
rehearse: $(STAMP)
	@$(BIN)/turnout rehearse $(RUNBOOK) --scenario $(SCENARIO) || true

lint: $(STAMP)
	$(BIN)/ruff check --fix tui tests bench
	$(BIN)/ruff format tui tests bench

# The man page, generated from the parser (argparse-manpage): `man -l docs/turnout.1`.
man: $(STAMP)
	$(BIN)/argparse-manpage --module tui.cli --function build_parser --prog turnout \
		--project-name turnout --version "$$($(BIN)/turnout --version | cut -d' ' -f2)" \
		--description "walk through a zero-downtime AWS upgrade one confirmed step at a time" \
		--manual-title "turnout manual" --output docs/turnout.1
	@echo "wrote docs/turnout.1: man -l docs/turnout.1"
