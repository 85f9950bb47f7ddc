"""CloudWatch metric-math expressions parsed into a small tree, without evaluating them.

The grammar is that of the CloudWatch User Guide, "Metric math syntax and functions", from the
loosest binding to the tightest: OR (`||`), AND (`&&`), one comparison (`== != <= >= < >`),
`+ -`, `* /`, unary minus, `^` (right-associative); then numbers, ids, quoted strings (for
METRICS('text')), `FUNCTION(args)`, `( ... )` and arrays `[a, b]`; the FILL keywords REPEAT and
LINEAR. A syntax error raises `ExpressionError` saying what was found and at which position.

Trees are tuples: ("num", x), ("str", s), ("id", name, pos), ("kw", word), ("neg", node),
("bin", op, left, right), ("array", [nodes]), ("call", NAME, [args], pos).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


class ExpressionError(ValueError):
    """An expression CloudWatch would refuse; the message says what and where."""


# --- lexer -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<str>"[^"]*"|'[^']*'|“[^”]*”)
      | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/^()<>\[\],])
    )""",
    re.VERBOSE,
)


@dataclass
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    toks, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            bad = text[pos:].lstrip()[:1]
            at = len(text) - len(text[pos:].lstrip())
            raise ExpressionError(f"Unrecognized character '{bad}' at position {at + 1}")
        kind = m.lastgroup or "op"
        start = m.start(kind)
        toks.append(_Tok(kind, m.group(kind), start))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


# --- parser (to a small tree of tuples) ----------------------------------------------------

Node = tuple


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            found = f"'{tok.text}'" if tok.kind != "end" else "end of the expression"
            raise ExpressionError(f"Expected '{text}' at position {tok.pos + 1}, found {found}")

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise ExpressionError("The expression is empty")
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExpressionError(f"Unexpected '{tok.text}' at position {tok.pos + 1}")
        return node

    def _binary(self, ops: dict[str, str], sub: Callable[[], Node]) -> Node:
        node = sub()
        while self.peek().text in ops:
            op = ops[self.take().text]
            node = ("bin", op, node, sub())
        return node

    def or_(self) -> Node:
        return self._binary({"OR": "or", "||": "or"}, self.and_)

    def and_(self) -> Node:
        return self._binary({"AND": "and", "&&": "and"}, self.cmp)

    def cmp(self) -> Node:
        node = self.add()
        if self.peek().text in ("==", "!=", "<=", ">=", "<", ">"):
            op = self.take().text
            node = ("bin", op, node, self.add())
        return node

    def add(self) -> Node:
        return self._binary({"+": "+", "-": "-"}, self.mul)

    def mul(self) -> Node:
        return self._binary({"*": "*", "/": "/"}, self.unary)

    def unary(self) -> Node:
        if self.peek().text == "-":
            self.take()
            return ("neg", self.unary())
        if self.peek().text == "+":
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        if self.peek().text == "^":
            self.take()
            return ("bin", "^", base, self.unary())  # right-associative, binds tighter than -
        return base

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return ("num", float(tok.text))
        if tok.kind == "str":
            return ("str", tok.text[1:-1])
        if tok.text == "(":
            node = self.or_()
            self.expect(")")
            return node
        if tok.text == "[":
            items = [self.or_()]
            while self.peek().text == ",":
                self.take()
                items.append(self.or_())
            self.expect("]")
            return ("array", items)
        if tok.kind == "name":
            if self.peek().text == "(":
                self.take()
                args: list[Node] = []
                if self.peek().text != ")":
                    args.append(self.or_())
                    while self.peek().text == ",":
                        self.take()
                        args.append(self.or_())
                self.expect(")")
                return ("call", tok.text, args, tok.pos)
            if tok.text in ("REPEAT", "LINEAR"):
                return ("kw", tok.text)
            return ("id", tok.text, tok.pos)
        found = f"'{tok.text}'" if tok.kind != "end" else "end of the expression"
        raise ExpressionError(f"Unexpected {found} at position {tok.pos + 1}")


def parse(text: str) -> Node:
    """Parse `text` into an expression tree, or raise ExpressionError."""
    return _Parser(text).parse()
