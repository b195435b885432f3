"""The language a visitor is using, in the terms a person's record keeps."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from amends.people.models import MessageLanguage


def request_language(request: HttpRequest) -> str:
    """Welsh if the visitor is reading the site in Welsh, else English (MessageLanguage)."""
    code = getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or ""
    return MessageLanguage.WELSH if code == "cy" else MessageLanguage.ENGLISH
