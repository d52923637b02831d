"""Which parameter values Argo's template engine can carry, checked before anything is emitted.

Argo reads every value it substitutes as template text again: a value is placed into the
JSON-marshalled template, and the whole text is scanned for `{{`...`}}` tags by fasttemplate
(`util/template/template.go`, `NewTemplate`/`replace`; `workflow/common/util.go`,
`SubstituteParams`). A `{{` cannot be escaped (argo #8253, #12634). Simple tags are replaced with
the value escaped by Go's `strconv.Quote` (`util/template/simple_template.go`,
`simpleReplaceStrict`), and the result must still be valid JSON (`util/template/replace.go`,
`Replace`). Two kinds of values therefore fail at run time, far from the spec:

- a `{{` without a later `}}`: fasttemplate cannot find the end tag, or swallows the template text
  up to the next `}}`, so the expression tags that follow are never evaluated;
- a character that `strconv.Quote` writes as an escape JSON does not have (`\\a`, `\\v`, `\\xHH`,
  `\\UHHHHHHHH`): the substituted template is no longer JSON and the step errors.

Everything else (quotes, newlines, `: `, `#`, backslashes, non-ASCII, a whole YAML document) is
carried unchanged; see `argo/child_workflow.py` for how values reach a child Workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

_JSON_ESCAPED_CONTROLS = frozenset("\b\t\n\f\r")  # strconv.Quote writes \b \t \n \f \r, JSON too
EXPRESSION_PREFIX = "="  # util/template/kind.go, parseTag: `{{=...}}` is an expr expression


def tag_spans(text: str) -> list[tuple[int, int]]:
    """Where fasttemplate finds `{{...}}` tags: each `{{` to the first `}}` after it (tags do not
    nest), as (start, end) slices. One scan, however many `{{` the text holds: a regular
    expression with a lazy `.*?` would rescan the rest of the text from every unclosed `{{`."""
    spans = []
    position = 0
    while (start := text.find("{{", position)) >= 0:
        end = text.find("}}", start + 2)
        if end < 0:
            break
        spans.append((start, end + 2))
        position = end + 2
    return spans


def tag_bodies(text: str) -> list[str]:
    """The text inside each `{{...}}` tag, stripped."""
    return [text[start + 2 : end - 2].strip() for start, end in tag_spans(text)]


def replace_tags(text: str, replacement: Callable[[str], str]) -> str:
    """`text` with each tag replaced by `replacement(the text inside it)`."""
    parts = []
    position = 0
    for start, end in tag_spans(text):
        parts += [text[position:start], replacement(text[start + 2 : end - 2])]
        position = end
    return "".join([*parts, text[position:]])


def raw_bodies(text: str) -> list[str]:
    """The text inside each `{{...}}` tag as written (spaces kept: `{{ =x}}` is no expression)."""
    return [text[start + 2 : end - 2] for start, end in tag_spans(text)]


def is_expression(tag: str) -> bool:
    """Argo evaluates a tag that starts with `=` (no space before it) as an expression."""
    return tag.startswith(EXPRESSION_PREFIX)


def _go_space(char: str) -> bool:
    # Go's unicode.IsSpace: the ASCII spaces, NEL, and the Unicode space separators.
    if char in "\t\n\v\f\r \x85\xa0":
        return True
    if char.isascii():
        return False
    import unicodedata  # imported when used: only non-ASCII text needs it

    return unicodedata.category(char) in ("Zs", "Zl", "Zp")


def variable_name(tag: str) -> str:
    """The variable a simple tag names: Argo looks it up after `strings.TrimSpace`
    (util/template/simple_template.go; workflow/validate/validate.go, resolveAllVariables)."""
    start, end = 0, len(tag)
    while start < end and _go_space(tag[start]):
        start += 1
    while end > start and _go_space(tag[end - 1]):
        end -= 1
    return tag[start:end]


def unclosed_tag(text: str) -> bool:
    """True when fasttemplate would find a `{{` with no `}}` after it (tags do not nest)."""
    spans = tag_spans(text)
    return text.find("{{", spans[-1][1] if spans else 0) >= 0


def _quote_breaks_json(char: str) -> bool:
    code = ord(char)
    if code < 0x20:
        return char not in _JSON_ESCAPED_CONTROLS  # \a \v and \xHH
    if code == 0x7F or 0xD800 <= code <= 0xDFFF:
        return True  # \x7f; a lone surrogate is invalid UTF-8, written byte by byte as \xHH
    # Go's unicode.IsPrint and str.isprintable agree: letters, marks, numbers, punctuation,
    # symbols and the ASCII space. Others above U+FFFF become \UHHHHHHHH; below, \uHHHH is JSON.
    return code > 0xFFFF and not char.isprintable()


def unquotable_characters(text: str) -> list[str]:
    """Characters `strconv.Quote` escapes in a way JSON does not accept, in order, once each."""
    return list(dict.fromkeys(char for char in text if _quote_breaks_json(char)))


def argo_text_problem(text: str) -> str | None:
    """Why Argo could not substitute this value, or None when it can."""
    if unclosed_tag(text):
        return (
            "has a '{{' with no closing '}}': Argo reads every value as a template "
            "(a '{{' cannot be escaped, argo #8253) and the substitution would fail"
        )
    bad = unquotable_characters(text)
    if bad:
        listed = ", ".join(f"U+{ord(char):04X}" for char in bad)
        return (
            f"contains {listed}, which Argo cannot substitute: it escapes values with Go's "
            "strconv.Quote, whose escape for it is not JSON, so the step would fail"
        )
    return None


def tags(text: str) -> list[str]:
    """The `{{...}}` tags of `text` as fasttemplate finds them (to the first `}}`), in order."""
    return [text[start:end] for start, end in tag_spans(text)]


def fill_simple_tags(text: str, values: Mapping[str, str]) -> str:
    """`text` with each simple tag whose variable is in `values` replaced by its value.

    A simple tag is `{{name}}` (spaces around the name are trimmed, as Argo's simple template
    does); expression tags `{{=...}}` and unknown names are left for Argo.
    """

    def filled(inner: str) -> str:
        name = inner.strip()
        keep = inner.startswith("=") or name not in values
        return "{{" + inner + "}}" if keep else values[name]

    return replace_tags(text, filled)
