"""Filters that put a stored code into the page's sector words (see core.vocabulary).

{{ party.role|role_label:words }}   {{ case.planned_process|process_label:words }}
"""

from __future__ import annotations

from django import template

from amends.core.vocabulary import Words, words_for

register = template.Library()


def _words(words: object) -> Words:
    # A page made without a request (a PDF, an e-mail) and not given words speaks the default.
    return words if isinstance(words, Words) else words_for(None)


@register.filter
def role_label(code: str, words: Words | str) -> str:
    return _words(words).role_label(code)


@register.filter
def side_label(code: str, words: Words | str) -> str:
    return _words(words).side_label(code)


@register.filter
def process_label(code: str, words: Words | str) -> str:
    return _words(words).process_label(code)


@register.filter
def closure_label(code: str, words: Words | str) -> str:
    return _words(words).closure_label(code)


@register.filter
def decline_label(code: str, words: Words | str) -> str:
    return _words(words).decline_label(code)
