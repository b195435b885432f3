"""Small pieces of the case pages drawn in code, where a list repeats them on every row."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# A status's colour, as the GOV.UK tag modifiers name them; closed (and anything else) is grey.
STATUS_COLOURS = {
    "open": "govuk-tag--blue",
    "preparing": "govuk-tag--light-blue",
    "meeting_arranged": "govuk-tag--purple",
    "monitoring": "govuk-tag--yellow",
}


@register.simple_tag
def case_status_tag(case: Any) -> SafeString:
    """The case's status as a coloured tag, in its sector's words."""
    colour = STATUS_COLOURS.get(case.status, "govuk-tag--grey")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', colour, case.get_status_display()
    )
