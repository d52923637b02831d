"""A Python emulation of the expr expressions this package writes for windows and calendars.

Argo evaluates `{{=...}}` tags with expr-lang/expr (v1.17.8 on Argo main, v1.17.7 on v3.6.19)
over the workflow's global variables expanded into nested maps (util/expr/env/env.go,
util/expand/expand.go: a flat key that has children is dropped, so `workflow.creationTimestamp`
is a map and its text is `workflow.creationTimestamp.RFC3339`). This module parses and evaluates
the subset our expressions use, with Go's time semantics, written from those sources and not from
the package's own code, so a test compares two independent computations:

- grammar and precedence: expr parser/operator/operator.go (`??` 500, `+ -` 30, `== in` 20,
  `&&` 15, unary `not !`), postfix member access, calls and indexing, map and array literals;
- `date(s[, layout[, zone]])`, `duration(s)`, `timezone(name)`, `now()`: builtin/builtin.go
  (`date` tries "2006-01-02", "15:04:05", "2006-01-02 15:04:05", RFC 3339, ... with time.Parse,
  or time.ParseInLocation with a zone);
- `time - duration`, `time + duration`: vm/runtime/helpers[generated].go (`Add`, `Subtract`);
- a missing map key reads as nil (vm/runtime/runtime.go, `Fetch`), and `a ?? b` is `b` when `a`
  is nil (compiler/compiler.go, `OpJumpIfNotNil`);
- Go's time: `Format`/`Parse` for the layouts used (time/format.go), `In`, `UTC`, `AddDate`,
  `Day`, and `time.Date`'s choice of offset for a wall time that is skipped or repeated
  (time/time.go, `Date`: the offset in force at the wall time read as UTC, unless the result
  leaves that zone period, then the offset at the result).

Anything outside the subset raises `Unemulated`; an expression expr would fail on raises
`ExprError` (Argo then leaves the tag as it is in a lenient pass).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Unemulated(Exception):
    """An expression outside what this emulation evaluates."""


class ExprError(Exception):
    """Where expr fails to compile or run the expression."""


# --- Go's time ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoTime:
    """A time.Time: an instant (Unix seconds) and the location it is shown in."""

    unix: int
    location: tzinfo

    def wall(self) -> datetime:
        return datetime.fromtimestamp(self.unix, self.location)


@dataclass(frozen=True)
class GoDuration:
    """A time.Duration, in whole seconds here."""

    seconds: int


def _offset(unix: int, location: tzinfo) -> int:
    offset = datetime.fromtimestamp(unix, location).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def go_date(fields: tuple[int, int, int, int, int, int], location: tzinfo) -> GoTime:
    """time.Date: normalise the fields, then pick the offset as Go does (time/time.go)."""
    year, month, day, hour, minute, second = fields
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    days = (date(year, month, 1) - date(1970, 1, 1)).days + day - 1
    unix = days * 86400 + hour * 3600 + minute * 60 + second
    offset = _offset(unix, location)  # lookup(unix): the period the wall time read as UTC is in
    utc = unix - offset
    if _offset(utc, location) != offset:  # utc is outside that period: look it up instead
        offset = _offset(utc, location)
    return GoTime(unix - offset, location)


# expr's `date(s)` tries these (builtin/builtin.go); RFC 822, 850 and 1123 are not emulated.
_DATE_LAYOUTS = ("2006-01-02", "15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LAYOUT_TOKENS = ("2006", "Z07:00", "Mon", "01", "02", "15", "04", "05")


def _layout_chunks(layout: str) -> list[str]:
    chunks, position = [], 0
    while position < len(layout):
        for token in _LAYOUT_TOKENS:
            if layout.startswith(token, position):
                chunks.append(token)
                position += len(token)
                break
        else:
            # Where Go's time/format.go (`nextStdChunk`) would start another element.
            if layout[position].isdigit() or layout[position] in "JMPpZ_.":
                raise Unemulated(f"layout {layout!r}")
            chunks.append(layout[position])
            position += 1
    return chunks


def go_format(moment: GoTime, layout: str) -> str:
    """Time.Format for the layout elements our expressions use."""
    wall = moment.wall()
    offset = _offset(moment.unix, moment.location)
    out = []
    for chunk in _layout_chunks(layout):
        if chunk == "2006":
            out.append(f"{wall.year:04d}")
        elif chunk == "01":
            out.append(f"{wall.month:02d}")
        elif chunk == "02":
            out.append(f"{wall.day:02d}")
        elif chunk == "15":
            out.append(f"{wall.hour:02d}")
        elif chunk == "04":
            out.append(f"{wall.minute:02d}")
        elif chunk == "05":
            out.append(f"{wall.second:02d}")
        elif chunk == "Mon":
            out.append(_WEEKDAYS[wall.weekday()])
        elif chunk == "Z07:00":
            sign = "-" if offset < 0 else "+"
            hours, minutes = divmod(abs(offset) // 60, 60)
            out.append("Z" if offset == 0 else f"{sign}{hours:02d}:{minutes:02d}")
        else:
            out.append(chunk)
    return "".join(out)


_FIELD_PATTERN = {
    "2006": r"(?P<year>\d{4})",
    "01": r"(?P<month>\d{2})",
    "02": r"(?P<day>\d{2})",
    "15": r"(?P<hour>\d{2})",
    "04": r"(?P<minute>\d{2})",
    "05": r"(?P<second>\d{2})(?:\.\d+)?",  # Go accepts a fraction after the seconds
    "Z07:00": r"(?P<zone>Z|[+-]\d{2}:\d{2})",
}


def go_parse(layout: str, text: str, location: tzinfo) -> GoTime:
    """time.ParseInLocation (time.Parse is `location` UTC); ExprError when `text` does not fit."""
    pattern = ""
    for chunk in _layout_chunks(layout):
        if chunk == "Mon":
            raise Unemulated("parsing a weekday")
        pattern += _FIELD_PATTERN.get(chunk, re.escape(chunk))
    match = re.fullmatch(pattern, text)
    if match is None:
        raise ExprError(f"parsing time {text!r} as {layout!r}")
    fields = {k: int(v) for k, v in match.groupdict().items() if v is not None and k != "zone"}
    year, month, day = fields.get("year", 0), fields.get("month", 1), fields.get("day", 1)
    hour, minute, second = fields.get("hour", 0), fields.get("minute", 0), fields.get("second", 0)
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 60):
        raise ExprError(f"parsing time {text!r}: out of range")
    zone = match.groupdict().get("zone")
    if zone is None:
        return go_date((year, month, day, hour, minute, second), location)
    offset = (
        0
        if zone == "Z"
        else (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    )
    naive = go_date((year, month, day, hour, minute, second), UTC)
    unix = naive.unix - offset
    # Go keeps `location` when the offset is the one it has then, else a fixed zone.
    kept = location if _offset(unix, location) == offset else timezone(timedelta(seconds=offset))
    return GoTime(unix, kept)


def go_parse_duration(text: str) -> GoDuration:
    """time.ParseDuration for whole seconds of h, m and s (what our expressions write)."""
    if not re.fullmatch(r"(\d+(h|m|s))+", text):
        raise Unemulated(f"duration {text!r}")
    units = {"h": 3600, "m": 60, "s": 1}
    return GoDuration(sum(int(n) * units[u] for n, u in re.findall(r"(\d+)(h|m|s)", text)))


# --- expr: tokens, parser, evaluator --------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<number>\d+)|(?P<name>[A-Za-z_$][A-Za-z0-9_$]*)"
    r"|(?P<op>\?\?|&&|\|\||==|!=|[-+()\[\]{},:.!]))"
)
_BINARY = {"??": 500, "+": 30, "-": 30, "==": 20, "!=": 20, "in": 20, "not in": 20, "&&": 15}
_BINARY["||"] = 10


def _tokens(source: str) -> list[tuple[str, str]]:
    out, position = [], 0
    while position < len(source):
        if source[position:].isspace():
            break
        match = _TOKEN.match(source, position)
        if match is None:
            raise Unemulated(f"token at {source[position : position + 20]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        position = match.end()
    return out


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.position = 0

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise Unemulated(f"expected {value!r}, got {token[1]!r}")
        self.position += 1
        return token

    def parse(self) -> Any:
        node = self.expression(0)
        if self.peek()[0] != "end":
            raise Unemulated(f"unexpected {self.peek()[1]!r}")
        return node

    def operator(self) -> str | None:
        kind, value = self.peek()
        if kind == "name" and value == "not" and self.peek(1) == ("name", "in"):
            return "not in"
        if (kind == "op" or value == "in") and value in _BINARY:
            return value
        return None

    def expression(self, minimum: int) -> Any:
        left = self.unary()
        while (op := self.operator()) is not None and _BINARY[op] >= minimum:
            self.take()
            if op == "not in":
                self.take("in")
            right = self.expression(_BINARY[op] + 1)  # every operator here is left-associative
            left = ("binary", op, left, right)
        return left

    def unary(self) -> Any:
        kind, value = self.peek()
        if value in ("!", "not") and kind in ("op", "name"):
            self.take()
            return ("not", self.expression(50))
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "string":
            return ("literal", re.sub(r"\\(.)", r"\1", value[1:-1]))
        if kind == "number":
            return ("literal", int(value))
        if kind == "name":
            if value in ("true", "false"):
                return ("literal", value == "true")
            if value == "nil":
                return ("literal", None)
            if self.peek()[1] == "(":
                return ("call", value, self.arguments())
            return ("name", value)
        if value == "(":
            node = self.expression(0)
            self.take(")")
            return node
        if value == "[":
            items = []
            while self.peek()[1] != "]":
                items.append(self.expression(0))
                if self.peek()[1] == ",":
                    self.take()
            self.take("]")
            return ("list", items)
        if value == "{":
            pairs = []
            while self.peek()[1] != "}":
                key = self.expression(0)
                self.take(":")
                pairs.append((key, self.expression(0)))
                if self.peek()[1] == ",":
                    self.take()
            self.take("}")
            return ("map", pairs)
        if value == "-":
            return ("negate", self.expression(90))
        raise Unemulated(f"unexpected {value!r}")

    def arguments(self) -> list[Any]:
        self.take("(")
        out = []
        while self.peek()[1] != ")":
            out.append(self.expression(0))
            if self.peek()[1] == ",":
                self.take()
        self.take(")")
        return out

    def postfix(self, node: Any) -> Any:
        while True:
            value = self.peek()[1]
            if value == ".":
                self.take()
                _, name = self.take()
                if self.peek()[1] == "(":
                    node = ("method", node, name, self.arguments())
                else:
                    node = ("member", node, name)
            elif value == "[":
                self.take()
                index = self.expression(0)
                self.take("]")
                node = ("index", node, index)
            else:
                return node


def expand(flat: Mapping[str, Any]) -> dict[str, Any]:
    """util/expand: flat dotted keys as nested maps; a key that has children is dropped."""
    nested: dict[str, Any] = {}
    parents = {key.rsplit(".", 1)[0] for key in flat if "." in key}
    prefixes = {
        ".".join(key.split(".")[:i]) for key in parents for i in range(1, key.count(".") + 2)
    }
    for key, value in flat.items():
        if key in prefixes:
            continue
        target = nested
        *path, last = key.split(".")
        for part in path:
            target = target.setdefault(part, {})
        target[last] = value
    return nested


class Evaluator:
    """Evaluates parsed expressions against Argo's global variables and a clock for `now()`."""

    def __init__(
        self,
        variables: Mapping[str, Any],
        now: datetime | None = None,
        local: tzinfo = UTC,
    ) -> None:
        self.env = expand(variables)
        self.now = now
        self.local = local

    def run(self, source: str) -> Any:
        return self.eval(_Parser(source).parse())

    def eval(self, node: Any) -> Any:
        kind = node[0]
        if kind == "literal":
            return node[1]
        if kind == "name":
            if node[1] not in self.env:
                raise ExprError(f"unknown name {node[1]}")
            return self.env[node[1]]
        if kind == "list":
            return [self.eval(item) for item in node[1]]
        if kind == "map":
            return {self.eval(key): self.eval(value) for key, value in node[1]}
        if kind == "member":
            return self._fetch(self.eval(node[1]), node[2])
        if kind == "index":
            return self._fetch(self.eval(node[1]), self.eval(node[2]))
        if kind == "call":
            return self._call(node[1], [self.eval(arg) for arg in node[2]])
        if kind == "method":
            return self._method(self.eval(node[1]), node[2], [self.eval(a) for a in node[3]])
        if kind == "not":
            return not self._bool(self.eval(node[1]))
        if kind == "negate":
            value = self.eval(node[1])
            if isinstance(value, GoDuration):
                return GoDuration(-value.seconds)
            if isinstance(value, int) and not isinstance(value, bool):
                return -value
            raise Unemulated("negation")
        if kind == "binary":
            return self._binary(node[1], node[2], node[3])
        raise Unemulated(kind)

    @staticmethod
    def _bool(value: Any) -> bool:
        if not isinstance(value, bool):
            raise ExprError(f"{value!r} is not a bool")
        return value

    @staticmethod
    def _fetch(container: Any, key: Any) -> Any:
        if isinstance(container, Mapping):
            return container.get(key)  # a missing key is the map's zero value: nil
        if container is None:
            raise ExprError(f"cannot fetch {key} from <nil>")
        raise Unemulated(f"fetch from {type(container).__name__}")

    def _binary(self, op: str, left_node: Any, right_node: Any) -> Any:
        left = self.eval(left_node)
        if op == "??":
            return self.eval(right_node) if left is None else left
        if op == "&&":
            return self._bool(left) and self._bool(self.eval(right_node))
        if op == "||":
            return self._bool(left) or self._bool(self.eval(right_node))
        right = self.eval(right_node)
        if op in ("==", "!="):
            return (left == right) == (op == "==")
        if op in ("in", "not in"):
            if not isinstance(right, list):
                raise Unemulated("in on a non-array")
            return (left in right) == (op == "in")
        if isinstance(left, GoTime) and isinstance(right, GoDuration):
            sign = 1 if op == "+" else -1
            return GoTime(left.unix + sign * right.seconds, left.location)
        raise Unemulated(f"{type(left).__name__} {op} {type(right).__name__}")

    def _location(self, name: Any) -> tzinfo:
        if not isinstance(name, str):
            raise ExprError("timezone needs a string")
        if name in ("", "UTC"):
            return UTC
        if name == "Local":
            return self.local
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError) as error:
            raise ExprError(f"unknown time zone {name}") from error

    def _call(self, name: str, args: list[Any]) -> Any:
        if name == "timezone":
            return self._location(args[0])
        if name == "duration":
            if not isinstance(args[0], str):
                raise ExprError("duration needs a string")
            return go_parse_duration(args[0])
        if name == "now" and not args:
            if self.now is None:
                raise Unemulated("now() without a clock")
            return GoTime(int((self.now - _EPOCH).total_seconds()), self.local)
        if name == "date":
            return self._date(args)
        raise Unemulated(f"function {name}")

    def _date(self, args: list[Any]) -> GoTime:
        if not args or not isinstance(args[0], str):
            raise ExprError("date needs a string")
        text = args[0]
        if len(args) == 3:
            return go_parse(args[1], text, self._location(args[2]))
        if len(args) == 2:
            return go_parse(args[1], text, UTC)
        for layout in _DATE_LAYOUTS:
            try:
                return go_parse(layout, text, UTC)
            except ExprError:
                continue
        raise ExprError(f"invalid date {text}")

    def _method(self, target: Any, name: str, args: list[Any]) -> Any:
        if not isinstance(target, GoTime):
            raise ExprError(f"{name} on {type(target).__name__}")
        methods: dict[str, Callable[[], Any]] = {
            "In": lambda: GoTime(target.unix, args[0]),
            "UTC": lambda: GoTime(target.unix, UTC),
            "Local": lambda: GoTime(target.unix, self.local),
            "Format": lambda: go_format(target, args[0]),
            "Day": lambda: target.wall().day,
            "AddDate": lambda: self._add_date(target, *args),
        }
        if name not in methods:
            raise Unemulated(f"method {name}")
        return methods[name]()

    @staticmethod
    def _add_date(target: GoTime, years: int, months: int, days: int) -> GoTime:
        wall = target.wall()
        fields = (wall.year + years, wall.month + months, wall.day + days)
        return go_date((*fields, wall.hour, wall.minute, wall.second), target.location)


def evaluate(source: str, variables: Mapping[str, Any], **clock: Any) -> Any:
    """The value of one expr expression (a tag's text after `=`) over flat global variables."""
    return Evaluator(variables, **clock).run(source)


def result_text(value: Any) -> str:
    """What Argo writes for a result: `json.Marshal` of it, a string's quotes trimmed
    (util/template/expression_template.go, `expressionReplaceCore`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    raise Unemulated(f"result of type {type(value).__name__}")
