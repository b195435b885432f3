"""Every sign-in attempt, success or failure, goes to the audit log (never the password)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

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
        summary="Sign-in failed",
        ip_address=client_ip(request) if request is not None else None,
    )
