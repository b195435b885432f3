"""Finds the words in a template that a reader would see but that are not marked for translation.

Used by the test that keeps every page ready for Welsh (tests/test_translation_marking.py) and
by `manage.py unmarked_strings`, which lists what is left. A template's text is read as a reader
would meet it: the template tags are set aside, the text inside `{% translate %}` and
`{% blocktranslate %}` counts as marked, and what is left is read as HTML, so words in a
class name or a URL are not counted, but the words of a paragraph, a button's value, an
image's alternative text, a title, a placeholder or an ARIA label are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

# Attributes whose value a reader (or a screen reader) meets.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "summary"}
# A submit input's value is its label; other inputs' values, and a <button>'s value (its
# label is its content), are data sent with the form.
LABELLED_INPUTS = {"submit", "button", "reset"}
# Tags whose text is not read: scripts, styles, and text kept in English on purpose.
SKIPPED = {"script", "style"}
# Marks and codes that read the same in every language.
UNCHANGED = re.compile(
    r"^(?:[\W\d_]*|Amends|GOV\.UK|CSV|XLSX|PDF|API|OpenAPI|JSON|ICS|iCalendar|UPN|CRN|PNC|NM01"
    r"|ASB|DfE|HMPPS|YJB|MFA|TOTP|URL|ID|Cymraeg|English|A1234BC|e\.g\.|AA|WCAG)$"
)
PLACEHOLDER = "\x00"


@dataclass(frozen=True)
class Unmarked:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text}"


def skeleton(source: str) -> str:
    """The template with every tag, variable and comment replaced by a placeholder that keeps
    its line breaks, and the text of translation blocks (and comments, verbatim blocks) left out."""
    out: list[str] = []
    quiet = 0  # inside {% blocktranslate %}, {% comment %}, {% verbatim %}
    for token in Lexer(source).tokenize():
        raw = token.contents
        if token.token_type == TokenType.TEXT:
            out.append(re.sub(r"[^\n]", PLACEHOLDER, raw) if quiet else raw)
            continue
        if token.token_type == TokenType.BLOCK:
            name = raw.split(" ", 1)[0] if raw else ""
            if name in {"blocktranslate", "blocktrans", "comment", "verbatim"}:
                quiet += 1
            elif name in {
                "endblocktranslate",
                "endblocktrans",
                "endcomment",
                "endverbatim",
            }:
                quiet = max(0, quiet - 1)
        # A space, so a tag inside an HTML tag (`<div{% if x %} lang="en"{% endif %}>`) leaves
        # the HTML readable.
        out.append(" " + "\n" * raw.count("\n"))
    return "".join(out)


def readable(text: str) -> bool:
    words = [w for w in re.split(r"[\s\x00]+", text) if w]
    return any(re.search(r"[A-Za-z]{2,}", w) and not UNCHANGED.match(w) for w in words)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping.append(tag)
        values = dict(attrs)
        for name, value in attrs:
            if not value:
                continue
            read = name in READ_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and (values.get("type") or "").lower() in LABELLED_INPUTS
            )
            if read and readable(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED:
            self.skipping.pop()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and readable(data):
            line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
            self.found.append((line, " ".join(data.split())))


def unmarked_in(source: str, name: str = "") -> list[Unmarked]:
    reader = _Reader()
    reader.feed(skeleton(source))
    reader.close()
    return [Unmarked(name, line, text) for line, text in reader.found]


def unmarked_in_file(path: Path, root: Path) -> list[Unmarked]:
    return unmarked_in(path.read_text(encoding="utf-8"), str(path.relative_to(root)))


# Python: the strings a reader meets that come from code ------------------------------------

TRANSLATORS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# Keyword arguments whose value is read on a page: a field's label, its hint, a model's name.
READ_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
# Calls whose message is read: the argument that is the message (0-based).
MESSAGE_ARGUMENT = {
    "ValidationError": 0,
    "add_error": 1,
    "success": 1,
    "info": 1,
    "warning": 1,
    "error": 1,
}
LOGGERS = {"logger", "log", "logging", "audit_logger"}
# Model fields whose first positional argument is their label.
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _is_text(node: object) -> bool:
    import ast

    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and readable(node.value)
        and not node.value.startswith(("/", "http", "#"))
    )


def unmarked_in_python(source: str, name: str = "") -> list[Unmarked]:
    """String literals a reader meets that are not wrapped in a translation call: form labels
    and hints, model field and choice labels, validation errors and flash messages."""
    import ast

    found: list[Unmarked] = []

    def flag(node: ast.AST) -> None:
        text = ast.unparse(node) if isinstance(node, ast.JoinedStr) else node.value  # type: ignore[attr-defined]
        found.append(Unmarked(name, node.lineno, " ".join(str(text).split())))  # type: ignore[attr-defined]

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            position = MESSAGE_ARGUMENT.get(called)
            if (
                position is not None
                and owner not in LOGGERS
                and len(node.args) > position
                and _is_text(node.args[position])
            ):
                flag(node.args[position])
            if (
                called.endswith("Field")
                and called not in RELATIONS
                and node.args
                and _is_text(node.args[0])
            ):
                flag(node.args[0])
            for keyword in node.keywords:
                if keyword.arg in READ_KEYWORDS and _is_text(keyword.value):
                    flag(keyword.value)
                if keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    for choice in keyword.value.elts:
                        if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                            label = choice.elts[1]
                            if _is_text(label):
                                flag(label)
        if isinstance(node, ast.ClassDef):
            bases = {getattr(b, "attr", getattr(b, "id", "")) for b in node.bases}
            if bases & {"TextChoices", "IntegerChoices", "Choices"}:
                for statement in node.body:
                    if not isinstance(statement, ast.Assign):
                        continue
                    value = statement.value
                    if isinstance(value, ast.Tuple) and value.elts and _is_text(value.elts[-1]):
                        flag(value.elts[-1])
    return sorted(found, key=lambda u: u.line)
