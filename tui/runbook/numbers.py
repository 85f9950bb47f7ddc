"""Whole numbers read from text, refused past a digit bound with a message a person can act on."""

from __future__ import annotations

# Python's own bound (sys.int_info.default_max_str_digits): past it int() raises a ValueError
# that advises sys.set_int_max_str_digits(), which is no help to someone writing a runbook.
MAX_DIGITS = 4300


def digits_problem(text: str) -> str | None:
    """Why `text` is too long to read as a number, or None when it is not."""
    digits = sum(c.isdigit() for c in text)
    if digits <= MAX_DIGITS:
        return None
    return (
        f"a number of {digits} digits: turnout reads numbers of at most {MAX_DIGITS} digits; "
        "write a smaller one"
    )


def check_digits(text: str) -> None:
    """Raise ValueError (the message of `digits_problem`) for a number too long to read."""
    problem = digits_problem(text)
    if problem is not None:
        raise ValueError(problem)
