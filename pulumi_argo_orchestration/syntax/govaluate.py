"""`when:` conditions: what Argo's govaluate parser would reject, found before deployment.

Argo substitutes `{{...}}` tags into a step's or task's `when` as text, then parses the result with
govaluate (not expr: `{{= ...}}` expression tags are a different language) and turns every bare
word into a string, so `{{workflow.status}} != Succeeded` works unquoted. A bad condition fails the
run only when the orchestrator reaches that child; this module replays govaluate's tokenizer and
its token-order rules (Knetic/govaluate parsing.go and lexerState.go) on the condition with each
tag standing for one value, so only mistakes in the condition's own text are reported.
"""

from __future__ import annotations

import re
from enum import Enum

from ..errors import shown
from .template_text import tag_bodies, tag_spans

_VALUE_SENTINEL = "\uf8ff"  # private-use character: never in a spec, read as one runtime value
_QUOTES = "'\""


class _Kind(Enum):
    START = "start"
    NUMERIC = "number"
    BOOLEAN = "boolean"
    STRING = "string"
    VALUE = "value"  # a {{...}} tag: whatever Argo substitutes, taken as a single value
    PREFIX = "prefix operator"
    MODIFIER = "operator"
    COMPARATOR = "comparator"
    LOGICAL = "logical operator"
    TERNARY = "ternary operator"
    SEPARATOR = "separator"
    CLAUSE = "'('"
    CLAUSE_CLOSE = "')'"


_VALUES = frozenset({_Kind.NUMERIC, _Kind.BOOLEAN, _Kind.STRING, _Kind.VALUE})
_AFTER_VALUE = frozenset(
    {
        _Kind.MODIFIER,
        _Kind.COMPARATOR,
        _Kind.LOGICAL,
        _Kind.CLAUSE_CLOSE,
        _Kind.TERNARY,
        _Kind.SEPARATOR,
    }
)
_OPERAND = frozenset({_Kind.PREFIX, _Kind.CLAUSE, *_VALUES})
# govaluate's validNextKinds. Bare words are strings: Argo re-parses with every variable turned
# into a string, and govaluate allows no string right after a prefix operator (`!word`).
_NEXT: dict[_Kind, frozenset[_Kind]] = {
    _Kind.START: _OPERAND,
    _Kind.CLAUSE: _OPERAND | {_Kind.CLAUSE_CLOSE},
    _Kind.CLAUSE_CLOSE: _AFTER_VALUE,
    _Kind.NUMERIC: _AFTER_VALUE,
    _Kind.BOOLEAN: _AFTER_VALUE,
    _Kind.STRING: _AFTER_VALUE,
    _Kind.VALUE: _AFTER_VALUE,
    _Kind.MODIFIER: _OPERAND,
    _Kind.COMPARATOR: _OPERAND,
    _Kind.LOGICAL: _OPERAND,
    _Kind.PREFIX: frozenset({_Kind.NUMERIC, _Kind.BOOLEAN, _Kind.VALUE, _Kind.CLAUSE}),
    _Kind.TERNARY: _OPERAND | {_Kind.SEPARATOR},
    _Kind.SEPARATOR: _OPERAND,
}
_CAN_END = frozenset({_Kind.CLAUSE_CLOSE, *_VALUES})

_PREFIX = frozenset({"-", "!", "~"})
_SYMBOLS = {
    **dict.fromkeys(("+", "-", "*", "/", "%", "**", "&", "|", "^", ">>", "<<"), _Kind.MODIFIER),
    **dict.fromkeys(("&&", "||"), _Kind.LOGICAL),
    **dict.fromkeys(("==", "!=", ">", ">=", "<", "<=", "=~", "!~"), _Kind.COMPARATOR),
    **dict.fromkeys(("?", ":", "??"), _Kind.TERNARY),
}


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def read_while(self, accept: str) -> str:
        start = self.pos
        while self.pos < len(self.text) and _accepts(accept, self.text[self.pos]):
            self.pos += 1
        return self.text[start : self.pos]

    def read_until(self, stop: str) -> str | None:
        """Text up to one of `stop` (consumed), with backslash escapes; None if unclosed."""
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\" and self.pos < len(self.text):
                out.append(self.text[self.pos])
                self.pos += 1
            elif char in stop:
                return "".join(out)
            else:
                out.append(char)
        return None


def _accepts(accept: str, char: str) -> bool:
    if accept == "number":
        return char.isdigit() or char == "."
    if accept == "word":
        return char.isalnum() or char in "_" + _VALUE_SENTINEL
    # symbol: govaluate's isNotAlphanumeric, stopping at whitespace
    return not (char.isalnum() or char in "()" + _QUOTES + _VALUE_SENTINEL or char.isspace())


def when_problem(condition: str) -> str | None:
    """Why govaluate would reject `condition` (each `{{...}}` tag taken as one value), or None."""
    if not condition.strip():
        return "the condition is empty"
    lexer = _Lexer(_tags_as_values(condition))
    state, previous, depth = _Kind.START, "", 0
    while True:
        while lexer.pos < len(lexer.text) and lexer.text[lexer.pos].isspace():
            lexer.pos += 1
        if lexer.pos >= len(lexer.text):
            break
        kind, token, problem = _next_token(lexer, state)
        if problem is not None:
            return problem
        if kind not in _NEXT[state]:
            return _order_problem(previous, state, token, kind)
        depth += {_Kind.CLAUSE: 1, _Kind.CLAUSE_CLOSE: -1}.get(kind, 0)
        state, previous = kind, token
    if depth != 0:
        return "unbalanced parentheses"
    if state not in _CAN_END:
        return f"the condition ends with {shown(previous)}: a value is missing after it"
    return None


def _next_token(lexer: _Lexer, state: _Kind) -> tuple[_Kind, str, str | None]:
    char = lexer.text[lexer.pos]
    if char.isdigit() or char == ".":
        token = lexer.read_while("number")
        if token.count(".") > 1 or token == ".":
            return _Kind.NUMERIC, token, f"{shown(token)} is not a number: quote it as a string"
        return _Kind.NUMERIC, token, None
    if char == ",":
        lexer.pos += 1
        return _Kind.SEPARATOR, char, None
    if char == "[":
        lexer.pos += 1
        name = lexer.read_until("]")
        if name is None:
            return _Kind.STRING, char, "unclosed '[': govaluate reads '[...]' as a variable name"
        return _Kind.STRING, f"[{name}]", None
    if char.isalpha() or char == _VALUE_SENTINEL:
        word = lexer.read_while("word")
        if _VALUE_SENTINEL in word:
            return _Kind.VALUE, "{{...}}", None
        if word in ("true", "false"):
            return _Kind.BOOLEAN, word, None
        if word in ("in", "IN"):
            return _Kind.COMPARATOR, word, None
        return _Kind.STRING, word, None
    if char in _QUOTES:
        lexer.pos += 1
        text = lexer.read_until(_QUOTES)
        if text is None:
            return _Kind.STRING, char, "unclosed string literal: add the closing quote"
        return _Kind.STRING, f"{char}{text}{char}", None
    if char in "()":
        lexer.pos += 1
        return (_Kind.CLAUSE if char == "(" else _Kind.CLAUSE_CLOSE), char, None
    symbol = lexer.read_while("symbol")
    if symbol in _PREFIX and _Kind.PREFIX in _NEXT[state]:
        return _Kind.PREFIX, symbol, None
    if symbol in _SYMBOLS:
        return _SYMBOLS[symbol], symbol, None
    hint = ": compare with '=='" if symbol == "=" else ""
    return _Kind.STRING, symbol, f"invalid operator {shown(symbol)}{hint}"


def _order_problem(previous: str, state: _Kind, token: str, kind: _Kind) -> str:
    if state is _Kind.START:
        return f"the condition cannot start with {shown(token)}"
    if state in _VALUES and kind in _VALUES:
        return (
            f"{shown(token)} follows the value {shown(previous)} without an operator: quote text "
            "that contains spaces or symbols, e.g. 'prod-eu'"
        )
    if state is _Kind.PREFIX and kind is _Kind.STRING:
        return (
            f"{shown(previous)} cannot negate the string {shown(token)}: "
            "Argo reads bare words as strings"
        )
    return f"{shown(token)} cannot follow {shown(previous)}"


def _tags_as_values(condition: str) -> str:
    """Each tag, with the letters, digits, `_` and `.` glued to it (`v{{x}}`, `{{x}}1`: Argo
    substitutes into that word), as one value character for the tokenizer."""
    parts = []
    position = 0
    for tag_start, tag_end in tag_spans(condition):
        start, end = tag_start, tag_end
        while start > position and _word_part(condition[start - 1]):
            start -= 1
        while end < len(condition) and _word_part(condition[end]):
            end += 1
        parts += [condition[position:start], _VALUE_SENTINEL]
        position = end
    return "".join([*parts, condition[position:]])


def _word_part(char: str) -> bool:
    return char.isalnum() or char in "_."


def tags(text: str) -> list[str]:
    """The contents of every `{{...}}` tag in `text`, trimmed."""
    return tag_bodies(text)


class GovaluateError(ValueError):
    """A condition govaluate would refuse, or one this evaluator does not cover."""


def evaluate(condition: str) -> bool:
    """The value of a substituted `when` condition, as Argo's `shouldExecute` computes it.

    Argo parses the text with govaluate, turns every bare word into a string and evaluates it
    (`workflow/controller/steps.go`, `shouldExecute`). Covered: numbers (float64), `true` /
    `false`, strings quoted or bare, `==` `!=` (Go's reflect.DeepEqual: a number never equals a
    string), `<` `<=` `>` `>=` on two numbers or two strings, `=~` `!~` (a regular expression),
    `!`, `&&`, `||` and parentheses, with govaluate's precedence (comparators, then `&&`, then
    `||`). Arithmetic, bitwise, ternary and `in` raise GovaluateError, as does a condition
    govaluate refuses or whose result is not a boolean.
    """
    problem = when_problem(condition)
    if problem is not None:
        raise GovaluateError(problem)
    tokens = _tokens(condition)
    parser = _Evaluator(tokens)
    value = parser.disjunction()
    if parser.position != len(tokens):
        raise GovaluateError(f"unexpected {shown(tokens[parser.position][1])}")
    if not isinstance(value, bool):
        raise GovaluateError(f"the condition is {shown(value)}, not true or false")
    return value


_Token = tuple[_Kind, str]


def _tokens(condition: str) -> list[_Token]:
    lexer = _Lexer(condition)
    state, tokens = _Kind.START, list[_Token]()
    while True:
        while lexer.pos < len(lexer.text) and lexer.text[lexer.pos].isspace():
            lexer.pos += 1
        if lexer.pos >= len(lexer.text):
            return tokens
        kind, token, _ = _next_token(lexer, state)
        tokens.append((kind, token))
        state = kind


class _Evaluator:
    """Precedence climbing over govaluate's tokens: `||` < `&&` < comparators < prefix."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def disjunction(self) -> object:
        left = self.conjunction()
        while self._peek() == (_Kind.LOGICAL, "||"):
            self._take()
            right = self.conjunction()
            left = _logical("||", left, right)
        return left

    def conjunction(self) -> object:
        left = self.comparison()
        while self._peek() == (_Kind.LOGICAL, "&&"):
            self._take()
            right = self.comparison()
            left = _logical("&&", left, right)
        return left

    def comparison(self) -> object:
        left = self.unary()
        token = self._peek()
        if token is not None and token[0] is _Kind.COMPARATOR:
            self._take()
            return _compare(token[1], left, self.unary())
        if token is not None and token[0] in (_Kind.MODIFIER, _Kind.TERNARY, _Kind.SEPARATOR):
            raise GovaluateError(
                f"{shown(token[1])} is not evaluated here: only comparisons and logic"
            )
        return left

    def unary(self) -> object:
        kind, token = self._take()
        if kind is _Kind.PREFIX:
            value = self.unary()
            if token == "!" and isinstance(value, bool):
                return not value
            if token == "-" and isinstance(value, float):
                return -value
            raise GovaluateError(f"{shown(token)} cannot apply to {shown(value)}")
        if kind is _Kind.CLAUSE:
            value = self.disjunction()
            if self._peek() != (_Kind.CLAUSE_CLOSE, ")"):
                raise GovaluateError("unbalanced parentheses")
            self._take()
            return value
        if kind is _Kind.NUMERIC:
            return float(token)
        if kind is _Kind.BOOLEAN:
            return token == "true"
        if kind is _Kind.STRING:
            return token[1:-1] if token[:1] in _QUOTES else token
        raise GovaluateError(f"{shown(token)} is not a value")


def _logical(operator: str, left: object, right: object) -> bool:
    if not isinstance(left, bool) or not isinstance(right, bool):
        raise GovaluateError(
            f"{shown(operator)} needs two booleans, not {shown(left)} and {shown(right)}"
        )
    return (left and right) if operator == "&&" else (left or right)


def _compare(operator: str, left: object, right: object) -> bool:
    if operator == "==":
        return type(left) is type(right) and left == right
    if operator == "!=":
        return not (type(left) is type(right) and left == right)
    if operator in ("=~", "!~"):
        if not isinstance(left, str) or not isinstance(right, str):
            raise GovaluateError(f"{shown(operator)} needs a string and a pattern")
        try:
            found = re.search(right, left) is not None
        except re.error as error:
            raise GovaluateError(f"invalid pattern {shown(right)}: {error}") from None
        return found if operator == "=~" else not found
    if operator in ("<", "<=", ">", ">="):
        if isinstance(left, float) and isinstance(right, float):
            difference = left - right
            order = (difference > 0) - (difference < 0)
        elif isinstance(left, str) and isinstance(right, str):
            order = (left > right) - (left < right)
        else:
            raise GovaluateError(f"{shown(operator)} needs two numbers or two strings")
        return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[operator]
    raise GovaluateError(f"{shown(operator)} is not evaluated here")
