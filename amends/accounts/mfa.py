"""Who must use a second factor, which one, and whether this session has used it.

Anyone who can see personal data (an active membership, or a platform
administrator) must have a second factor: an authenticator app or a passkey.
Platform administrators must have a passkey and sign in with it, because
passkeys cannot be phished (ASVS 5.0 6.3.3).
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.urls import reverse

from amends.core.models import Membership

#: Where this session's second factor is remembered: {"user": pk, "type": …}.
SESSION_SECOND_FACTOR_KEY = "amends_second_factor"

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def second_factor_required(user: Any, memberships: list[Membership] | None = None) -> bool:
    """Platform administrators and anyone with an active membership (`memberships`, where
    the caller has read them already) must use a second factor."""
    if getattr(user, "is_platform_admin", False):
        return True
    if memberships is not None:
        return bool(memberships)
    return Membership.objects.active().filter(user=user).exists()


def enrolment_url(user: Any) -> str | None:
    """The page where `user` must enrol a second factor, or None if they have what they need."""
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    if getattr(user, "is_platform_admin", False):
        if Authenticator.Type.WEBAUTHN not in types:
            return reverse("mfa_add_webauthn")
        return None
    if not types.intersection(SECOND_FACTORS):
        return reverse("mfa_activate_totp")
    return None


def second_factor_used(request: HttpRequest, *, user: Any, kind: str) -> None:
    """Remember that this session proved a second factor (at sign-in or by enrolling one)."""
    request.session[SESSION_SECOND_FACTOR_KEY] = {"user": user.pk, "type": kind, "at": time.time()}


def session_has_second_factor(request: HttpRequest, user: Any) -> bool:
    """Did this session prove the second factor `user` must use?"""
    used = request.session.get(SESSION_SECOND_FACTOR_KEY)
    if not isinstance(used, dict) or used.get("user") != user.pk:
        return False
    if getattr(user, "is_platform_admin", False):
        return used.get("type") == Authenticator.Type.WEBAUTHN
    return True


def signed_in_moments_ago(request: HttpRequest, user: Any) -> bool:
    """Password typed within the re-authentication timeout, and the second factor too
    (or there is none yet): as good as confirming it is them again."""
    if not user.is_authenticated:
        return False
    window = account_settings.REAUTHENTICATION_TIMEOUT
    now = time.time()
    passwords = [
        record["at"]
        for record in get_authentication_records(request, user)
        if record.get("method") == "password"
    ]
    if not passwords or now - passwords[-1] > window:
        return False
    if enrolment_url(user) is not None:
        return True
    used = request.session.get(SESSION_SECOND_FACTOR_KEY)
    return (
        isinstance(used, dict)
        and used.get("user") == user.pk
        and now - float(used.get("at", 0)) <= window
    )
