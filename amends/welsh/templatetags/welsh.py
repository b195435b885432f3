"""The GOV.UK language toggle, and the Welsh text of the website's pages."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django import template
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from amends.website.models import Page
from amends.welsh.models import WelshPage

register = template.Library()

# How each language names the change to itself, for screen readers.
CHANGE_TO = {"en-gb": "Change the language to English", "cy": "Newid yr iaith i'r Gymraeg"}
HTML_LANG = {"en-gb": "en-GB", "cy": "cy"}


@register.simple_tag
def html_lang() -> str:
    """The page's lang attribute for the language it is shown in."""
    return HTML_LANG.get(translation.get_language() or "", "en-GB")


@register.inclusion_tag("welsh/language_toggle.html", takes_context=True)
def language_toggle(context: dict[str, Any], form_id: str = "") -> dict[str, Any]:
    """ "English | Cymraeg". On a page with a form, each choice is a button that sends the form
    to the switch, so what was typed comes back with the page in the other language."""
    request = context["request"]
    current = translation.get_language()
    back = request.get_full_path()
    choices = [
        {
            "code": code,
            "name": name,
            "lang": HTML_LANG[code],
            "current": code == current,
            "change_to": CHANGE_TO[code],
            "action": reverse("welsh:switch", args=[code]),
            "href": reverse("welsh:switch", args=[code]) + "?" + urlencode({"next": back}),
        }
        for code, name in settings.LANGUAGES
    ]
    return {"choices": choices, "form_id": form_id, "back": back}


@register.inclusion_tag("welsh/language_links.html", takes_context=True)
def language_links(context: dict[str, Any]) -> dict[str, Any]:
    """The other languages of a staff page, as links in its footer; the same page comes back in
    the chosen language. (Staff pages have no forms kept across the switch, as public ones do:
    a member of staff chooses the language once and the cookie keeps it.)"""
    if context.get("request") is None:  # a page drawn outside a request: the server error page
        return {"choices": []}
    return {"choices": [c for c in language_toggle(context)["choices"] if not c["current"]]}


@dataclass(frozen=True)
class PageText:
    """What a visitor reads of a page in the language they chose."""

    title: str
    summary: str
    html: SafeString
    updated: datetime | None
    # Welsh was chosen but no Welsh text is written yet: the English is shown, with a note.
    english_only: bool


@register.simple_tag
def page_text(page: Page | None) -> PageText | None:
    """The page's Welsh text for a Welsh visitor (the English until it is written), else its
    published English. Views select the Welsh text with the page (`welsh` relation)."""
    if page is None or page.published is None:
        return None
    english = page.published
    shown = PageText(
        title=english.title,
        summary=english.summary,
        html=mark_safe(english.html),  # noqa: S308 (nh3-sanitised at publish)
        updated=english.published_at,
        english_only=False,
    )
    if (translation.get_language() or "") != "cy":
        return shown
    try:
        welsh: WelshPage | None = page.welsh
    except ObjectDoesNotExist:
        welsh = None
    if welsh is None or not welsh.is_written:
        return replace(shown, english_only=True)
    return PageText(
        title=welsh.title,
        summary=welsh.summary,
        html=mark_safe(welsh.html),  # noqa: S308 (nh3-sanitised when saved)
        updated=welsh.updated_at,
        english_only=False,
    )
