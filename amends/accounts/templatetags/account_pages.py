"""Helpers for the account pages (allauth's views, our templates)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django import template

register = template.Library()


@register.filter
def has_second_factor(user: Any) -> bool:
    return bool(user.is_authenticated and is_mfa_enabled(user))


@register.filter
def other_addresses(addresses: list[Any], user: Any) -> list[Any]:
    """The addresses besides the one `user` signs in with (the page states that one)."""
    return [a for a in addresses if a.email.lower() != str(user.email).lower()]
