from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django import template

register = template.Library()


@register.filter
def has_second_factor(user: Any) -> bool:
    return bool(user.is_authenticated and is_mfa_enabled(user))
