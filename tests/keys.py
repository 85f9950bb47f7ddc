"""Keys as prompt_toolkit reads them from a pipe input: what the plain front end's tests
(tests/plain) and the wizard's (tests/wizard) type at their prompts."""

DOWN = "\x1b[B"
ENTER = "\r"
