from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from amends.accounts import mfa
from amends.core import fields


class AccountAdapter(DefaultAccountAdapter):
    # Plain English, saying what to do (GOV.UK error messages).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("The e-mail address or password is not right"),
        "enter_current_password": _("Enter your current password"),
        "incorrect_password": _("The password is not right"),
        "duplicate_email": _("That address is already on your account"),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are made by accepting an invitation from a coordinator.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Someone who signed in moments ago is not asked to sign in again to set up
        their second factor or to see the recovery codes it just made."""
        request = context.request
        if app == "allauth.mfa" and mfa.signed_in_moments_ago(request, request.user):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets (TOTP keys, recovery-code seeds) are encrypted at rest.

    They use the same keys as personal data (FIELD_ENCRYPTION_KEYS), so a copy
    of the database alone cannot produce anyone's codes.
    """

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "Incorrect code – enter the 6 digits your app shows now, or one of your recovery codes"
        ),
    }

    def encrypt(self, text: str) -> str:
        return fields.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return fields.decrypt(encrypted_text)
