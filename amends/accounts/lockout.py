"""How django-axes names the account in a sign-in attempt."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def username_for_lockout(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail address tried, in lower case, so 'Alice@…' and 'alice@…' count together.

    allauth passes the address to `authenticate()` as `email`; the form field
    is `login` (AXES_USERNAME_FORM_FIELD).
    """
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get(settings.AXES_USERNAME_FORM_FIELD)
        or credentials.get("username")
        or request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    )
    return str(value).strip().lower()[:254]
