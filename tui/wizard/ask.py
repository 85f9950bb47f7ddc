"""The wizard's questions, on questionary: which pattern, the names (picked from the account
with `--from-aws`, or typed with the rehearsal world's names as defaults), the checks, their
thresholds. Returns `Answers`; writing is the command's business."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import questionary
from rich.console import Console

from tui.aws.inventory import Inventory
from tui.aws.protocol import CloudError
from tui.wizard.build import Answers, ServiceAnswers
from tui.wizard.fields import FIELDS, Field
from tui.wizard.patterns import PATTERNS, SERVICE_KINDS, Pattern, checks
from tui.wizard.render import ChosenCheck, typed

RUNBOOK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SERVICE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A name is written into titles and comments as it is: keep it to what resource names use.
RESOURCE_NAME = re.compile(r"^[A-Za-z0-9$][A-Za-z0-9._:/$-]*$")
DURATION = re.compile(r"^(\d+h)?(\d+m)?(\d+s)?$")
OTHER = "(type another name)"


class Cancelled(Exception):
    """The person pressed Ctrl-C or the input ended: nothing is written."""


def _validator(field: Field) -> Callable[[str], bool | str]:
    def check(text: str) -> bool | str:
        text = text.strip()
        if not text:
            return "an answer is needed"
        if field.type == "integer" and not text.isdigit():
            return "a whole number, e.g. 90"
        if field.type == "list[integer]" and not re.fullmatch(r"\d+(\s*,\s*\d+)*", text):
            return "numbers separated by commas, e.g. 5,25,50,100"
        if field.type == "duration" and (not DURATION.fullmatch(text) or text == ""):
            return "a duration with its unit: 30s, 5m, 1h30m"
        if field.type == "string" and not RESOURCE_NAME.match(text):
            return "letters, digits and . _ : / - only"
        if field.pattern and not re.search(field.pattern, text):
            return f"must match {field.pattern}"
        return True

    return check


def _number(text: str) -> bool | str:
    try:
        float(text)
    except ValueError:
        return "a number, e.g. 1 or 0.5"
    return True


class Wizard:
    """Asks the questions through questionary (`input`/`output`: prompt_toolkit's, None for the
    terminal). `inventory` (from `--from-aws`) offers the account's resources as choices."""

    def __init__(
        self,
        console: Console,
        inventory: Inventory | None = None,
        *,
        input: Any = None,
        output: Any = None,
    ) -> None:
        self.console = console
        self.inventory = inventory
        self._io = {"input": input, "output": output}

    def ask(self, prompt: questionary.Question) -> Any:
        """Run one prompt; Ctrl-C or the end of the input raises `Cancelled`."""
        try:
            answer = prompt.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Cancelled from None
        return answer

    def say(self, text: str) -> None:
        """One line of guidance between the questions."""
        self.console.print(text, highlight=False, markup=False, soft_wrap=True)

    # -- the questions ----------------------------------------------------------------------

    def run(self, pattern_key: str | None = None) -> Answers:
        """Ask everything and return the answers."""
        pattern = PATTERNS[pattern_key] if pattern_key else self._pattern()
        name = self.text(
            "Runbook name (lowercase letters, digits, -)",
            pattern.key,
            lambda t: bool(RUNBOOK_NAME.match(t.strip())) or "lowercase letters, digits and -",
        )
        account, region = self._target()
        answers = Answers(pattern.key, name, account, region)
        if pattern.key == "multi-service":
            answers.values = self._values(pattern.fields, {})
            answers.services = self._services()
        else:
            answers.values = self._values(pattern.fields, {})
            answers.checks = self._checks(pattern, answers.values)
        return answers

    def _pattern(self) -> Pattern:
        key = self.ask(
            questionary.select(
                "Which upgrade pattern?",
                choices=[questionary.Choice(p.label, value=p.key) for p in PATTERNS.values()],
                **self._io,
            )
        )
        return PATTERNS[key]

    def text(self, message: str, default: str, validate: Callable[[str], bool | str]) -> str:
        """A typed answer, validated as it is typed, stripped."""
        answer = self.ask(questionary.text(message, default=default, validate=validate, **self._io))
        return answer.strip()

    def _target(self) -> tuple[str, str]:
        account, region = "123456789012", "us-east-1"
        if self.inventory is not None:
            try:
                account, region = self.inventory.identity()
            except CloudError as exc:
                self.say(f"Could not read the account ({exc}); type it.")
        account = self.text(
            "AWS account the runbook may change",
            account,
            lambda t: bool(re.fullmatch(r"\d{12}", t.strip())) or "twelve digits",
        )
        region = self.text(
            "Region",
            region,
            lambda t: bool(re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", t.strip())) or "e.g. us-east-1",
        )
        return account, region

    def _values(self, names: tuple[str, ...] | list[str], chosen: dict[str, Any]) -> dict[str, Any]:
        for name in names:
            if name not in chosen:
                chosen[name] = typed(name, self._field(FIELDS[name], chosen))
        return chosen

    def _field(self, field: Field, chosen: dict[str, Any]) -> str:
        default = field.default
        options: list[str] = []
        if self.inventory is not None:
            try:
                default = self.inventory.suggest(field.name, chosen) or default
                if field.source:
                    options = self.inventory.names(field.source, chosen)
                    if not options:
                        self.say(f"None found in the account for: {field.question}; type it.")
            except CloudError as exc:
                self.say(f"Could not read it from AWS ({exc}); type it.")
        if options:
            picked = self.ask(
                questionary.select(
                    field.question,
                    choices=[*options, OTHER],
                    default=default if default in options else options[0],
                    **self._io,
                )
            )
            if picked != OTHER:
                return picked
        return self.text(field.question, default, _validator(field))

    def _checks(self, pattern: Pattern, values: dict[str, Any]) -> list[ChosenCheck]:
        catalogue = checks()
        keys = self.ask(
            questionary.checkbox(
                "Guardrails and checks (space to tick or untick, Enter when done)",
                choices=[
                    questionary.Choice(
                        catalogue[k]["label"], value=k, checked=catalogue[k]["ticked"]
                    )
                    for k in pattern.checks
                ],
                **self._io,
            )
        )
        chosen = []
        for key in keys:
            spec = catalogue[key]
            self._values(spec["needs"], values)  # names this check reads, if not asked yet
            threshold = self.text(
                spec["threshold"]["question"], str(spec["threshold"]["default"]), _number
            )
            value = float(threshold)
            chosen.append(ChosenCheck(key, int(value) if value.is_integer() else value))
        return chosen

    def _services(self) -> list[ServiceAnswers]:
        services: list[ServiceAnswers] = []
        self.say("Add the services in any order; say what each depends on.")
        while True:
            taken = {s.name for s in services}
            name = self.text(
                "Service name (lowercase letters, digits, -)",
                f"service-{len(services) + 1}",
                lambda t, taken=taken: (
                    (bool(SERVICE_NAME.match(t.strip())) or "lowercase letters, digits and -")
                    if t.strip() not in taken
                    else "that name is taken"
                ),
            )
            kind = self.ask(
                questionary.select(
                    f"What is {name}?",
                    choices=[
                        questionary.Choice(k.label, value=k.key) for k in SERVICE_KINDS.values()
                    ],
                    **self._io,
                )
            )
            values = self._values(SERVICE_KINDS[kind].fields, {})
            depends_on: list[str] = []
            if services:
                depends_on = self.ask(
                    questionary.checkbox(
                        f"Which services must be upgraded before {name}?",
                        choices=[s.name for s in services],
                        **self._io,
                    )
                )
            chosen = self._checks(SERVICE_KINDS[kind], values)
            services.append(ServiceAnswers(name, kind, values, depends_on, chosen))
            if not self.ask(questionary.confirm("Add another service?", default=False, **self._io)):
                return services
