"""For pages that show the website's text: where a programme's page is, and its text."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from amends.website.models import Page, PageKind

register = template.Library()

# The training app's public programme page (courses and dates), when it is installed.
TRAINING_PROGRAMME_URL = "training:programme_public"


@register.simple_tag
def programme_url(sector: str) -> str:
    """The public page of a programme: the training app's, with its courses and next dates,
    or else the website's own page of the programme's text."""
    try:
        return reverse(TRAINING_PROGRAMME_URL, args=[sector])
    except NoReverseMatch:
        return reverse("website:programme", args=[sector])


@register.simple_tag
def programme_text(sector: str) -> SafeString:
    """The published text staff wrote for a programme (sanitised when it was published), in
    Welsh for a Welsh visitor once it is written."""
    from amends.welsh.templatetags.welsh import page_text

    page = (
        Page.objects.filter(kind=PageKind.PROGRAMME, sector=sector, published__isnull=False)
        .select_related("published", "welsh")
        .first()
    )
    shown = page_text(page)
    if shown is None:
        return mark_safe("")
    if shown.english_only:
        return format_html('<div lang="en-GB">{}</div>', shown.html)
    return shown.html
