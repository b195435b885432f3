"""Turning what staff write into safe HTML, and checking what they choose for the brand."""

from __future__ import annotations

import io
import re
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Markdown as CommonMark with tables; raw HTML is not allowed in the source at all, and
# whatever comes out is sanitised again by nh3 (belt and braces).
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

# Headings move down a level: the page's own title is its only <h1>.
_CLASSES = {
    "h2": "govuk-heading-l",
    "h3": "govuk-heading-m",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "a", "strong", "em", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"*": {"class"}, "a": {"href", "title"}, "th": {"scope"}}


def _dress(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type == "heading_open" or token.type == "heading_close":
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
        if token.nesting >= 0 and token.tag in _CLASSES:
            token.attrSet("class", _CLASSES[token.tag])
        if token.tag == "th" and token.nesting == 1:
            token.attrSet("scope", "col")
        if token.children:
            _dress(token.children)


def render_markdown(source: str) -> str:
    """Markdown to sanitised HTML in the design system's classes."""
    tokens = _MARKDOWN.parse(source or "")
    _dress(tokens)
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


# Colours ---------------------------------------------------------------------------

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.2 AA: 4.5:1 for normal text (1.4.3), which covers white text on the header and on
# buttons, and links on the white page.
MINIMUM_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(one: str, two: str) -> float:
    a, b = sorted((luminance(one), luminance(two)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def darker(colour: str, factor: float = 0.6) -> str:
    r, g, b = (int(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def colour_problem(colour: str, what: str) -> str:
    """Why a brand colour cannot be used with white, or "" if it can."""
    if not HEX.match(colour or ""):
        return _(
            "Enter the %(what)s as a hex colour: a # and six letters or numbers, like #0b3d5c"
        ) % {"what": what}
    ratio = contrast(colour, "#ffffff")
    if ratio < MINIMUM_CONTRAST:
        return _(
            "The %(what)s is too light: white text on it, or it on a white page, has a contrast "
            "of %(ratio)s to 1, and needs at least %(minimum)s to 1 to be readable. "
            "Choose a darker colour"
        ) % {"what": what, "ratio": f"{ratio:.1f}", "minimum": MINIMUM_CONTRAST}
    return ""


# Logo ------------------------------------------------------------------------------

LOGO_MAX_BYTES = 1_000_000
LOGO_MAX_SIDE = 600


def clean_logo(upload: Any) -> bytes:
    """A PNG or JPEG, checked by its content, re-drawn as a small PNG (no metadata survives)."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be smaller than 1 MB"))
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                raise ValidationError(_("The logo must be a PNG or JPEG image"))
            if image.width * image.height > 40_000_000:
                raise ValidationError(_("The logo image is too large: use one under 5,000 pixels"))
            drawn = image.convert("RGBA")
            drawn.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            out = io.BytesIO()
            drawn.save(out, format="PNG", optimize=True)
    except Image.DecompressionBombError as exc:
        raise ValidationError(_("The logo image is too large: use one under 5,000 pixels")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The logo must be a PNG or JPEG image")) from exc
    return out.getvalue()


# Postcodes -------------------------------------------------------------------------

_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_AREA = re.compile(r"^[A-Z]{1,2}$")


def postcode_district(text: str) -> str | None:
    """The first part of a UK postcode ("NB1" of "nb1 4pl"), or the area letters if that is
    all that was given; "" for nothing; None if it is not a postcode."""
    squashed = re.sub(r"\s+", "", (text or "").upper())
    if not squashed:
        return ""
    if match := _FULL.match(squashed):
        return match[1]
    if _DISTRICT.match(squashed) or _AREA.match(squashed):
        return squashed
    return None


def postcode_area(district: str) -> str:
    match = re.match(r"^[A-Z]{1,2}", district)
    return match[0] if match else ""
