"""Second factors for the demo accounts, and nothing else.

Every function here refuses an account whose address is not in the demo
domain, so outside demo data there is no shortcut round the second factor.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings

from amends.core.fields import decrypt

DEMO_DOMAIN = ".amends-demo.example"


class NotADemoAccount(Exception):
    pass


def is_demo_account(user: Any) -> bool:
    return str(user.email).lower().endswith(DEMO_DOMAIN)


def _demo_only(user: Any) -> None:
    if not is_demo_account(user):
        raise NotADemoAccount(f"{user.email} is not a demo account.")


def give_demo_authenticator(user: Any) -> None:
    _demo_only(user)
    TOTP.activate(user, generate_totp_secret())


def demo_totp_secret(user: Any) -> str | None:
    _demo_only(user)
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


def demo_totp_code(user: Any) -> str | None:
    secret = demo_totp_secret(user)
    if secret is None:
        return None
    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
