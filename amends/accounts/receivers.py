"""Every sign-in attempt, success or failure, goes to the audit log (never the password).

django-axes counts failures for lockout but keeps no log of its own
(AXES_DISABLE_ACCESS_LOG), so each attempt is recorded here once.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_used
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from amends.accounts import mfa
from amends.core.audit import audit_record, client_ip
from amends.core.models import AuditAction


@receiver(user_logged_in)
def record_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(
        actor=user,
        organisation=None,
        action=AuditAction.SIGN_IN,
        record=user,
        summary="Signed in",
        ip_address=client_ip(request),
    )


@receiver(user_login_failed)
def record_sign_in_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Keep only the e-mail address given; credentials also hold the password.
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    audit_record(
        actor=user,
        actor_label=email,
        organisation=None,
        action=AuditAction.SIGN_IN_FAILED,
        record_type="user",
        record_id=str(user.pk) if user else "",
        summary="Sign-in failed: locked out"
        if request is not None and getattr(request, "axes_locked_out", False)
        else "Sign-in failed",
        ip_address=client_ip(request) if request is not None else None,
    )


@receiver(authenticator_used)
def remember_second_factor(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        # A recovery code stands in for the authenticator app, not for a passkey.
        kind = Authenticator.Type.TOTP
    else:
        kind = authenticator.type
    mfa.second_factor_used(request, user=user, kind=kind)


@receiver(authenticator_added)
def remember_enrolled_second_factor(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    # Enrolling proved possession of the new factor (a code, or a passkey ceremony).
    if authenticator.type in mfa.SECOND_FACTORS:
        mfa.second_factor_used(request, user=user, kind=authenticator.type)
