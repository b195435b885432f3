from __future__ import annotations

from typing import Any

from django import template

from amends.privacy.reveal import contact_revealed as _contact_revealed

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_revealed(context: template.Context, person: Any) -> bool:
    """Has this session revealed `person`'s contact details in the last 15 minutes?"""
    return _contact_revealed(context.get("request"), person)
