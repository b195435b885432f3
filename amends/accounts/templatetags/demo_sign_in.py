"""The demo shortcut on the second-factor page: only with DEBUG on, only for demo accounts."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from amends.accounts.demo import demo_totp_code, is_demo_account

register = template.Library()


@register.simple_tag
def demo_sign_in_code(user: Any) -> str | None:
    """The current authenticator code of a demo account, so a newcomer can try Amends
    without an app or a second terminal; None for every other account, and always
    with DEBUG off."""
    if not settings.DEBUG or user is None or not is_demo_account(user):
        return None
    return demo_totp_code(user)
