"""allauth's forms with Amends' labels: plain English, no placeholder text.

GOV.UK asks for a visible label and, where needed, a hint, and never a
placeholder (it vanishes as you type and fails contrast). Each form here only
relabels allauth's own; what the forms check and save is allauth's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EMAIL = _("E-mail address")
CODE = _("Code")

# GOV.UK error messages: say what to do, in the words of the label.
ENTER_EMAIL: dict[str, StrOrPromise] = {
    "required": _("Enter your e-mail address"),
    "invalid": _("Enter an e-mail address in the correct format, like name@example.org"),
}
ENTER_CODE: dict[str, StrOrPromise] = {
    "required": _("Enter the 6-digit code from your authenticator app")
}


def new_password_hint() -> str:
    return " ".join(str(text) for text in password_validation.password_validators_help_texts())


class GovukLabels(forms.Form):
    """Drop placeholders and give each field its label, hint (None: no hint) and
    error messages ("Enter …" by default for a required field)."""

    labels: ClassVar[dict[str, StrOrPromise]] = {}
    hints: ClassVar[dict[str, StrOrPromise | None]] = {}
    messages: ClassVar[dict[str, dict[str, StrOrPromise]]] = {}
    #: The field where a new password is chosen: its hint says what the validators ask.
    validator_hint_field: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints:
                field.help_text = self.hints[name] or ""
            field.error_messages["required"] = _("Enter your %(label)s") % {
                "label": str(field.label).lower()
            }
            field.error_messages.update(self.messages.get(name, {}))
        if self.validator_hint_field:
            self.fields[self.validator_hint_field].help_text = new_password_hint()


class LoginForm(GovukLabels, account_forms.LoginForm):
    labels = {"login": EMAIL, "password": _("Password")}
    messages = {"login": ENTER_EMAIL}
    # The page itself has the one "Forgotten your password?" link.
    hints = {"password": None}


class ReauthenticateForm(GovukLabels, account_forms.ReauthenticateForm):
    labels = {"password": _("Password")}
    hints = {"password": None}


class ResetPasswordForm(GovukLabels, account_forms.ResetPasswordForm):
    labels = {"email": EMAIL}
    messages = {"email": ENTER_EMAIL}


class ResetPasswordKeyForm(GovukLabels, account_forms.ResetPasswordKeyForm):
    labels = {"password1": _("New password"), "password2": _("Confirm new password")}
    messages = {"password2": {"required": _("Enter the new password again")}}
    validator_hint_field = "password1"


class ChangePasswordForm(GovukLabels, account_forms.ChangePasswordForm):
    labels = {
        "oldpassword": _("Current password"),
        "password1": _("New password"),
        "password2": _("Confirm new password"),
    }
    hints = {"oldpassword": None}
    messages = {"password2": {"required": _("Enter the new password again")}}
    validator_hint_field = "password1"


class SetPasswordForm(GovukLabels, account_forms.SetPasswordForm):
    labels = {"password1": _("Password"), "password2": _("Confirm password")}
    messages = {"password2": {"required": _("Enter the password again")}}
    validator_hint_field = "password1"


class AddEmailForm(GovukLabels, account_forms.AddEmailForm):
    labels = {"email": EMAIL}
    messages = {
        "email": {
            "required": _("Enter the e-mail address to add"),
            "invalid": ENTER_EMAIL["invalid"],
        }
    }


class AuthenticateForm(GovukLabels, mfa_forms.AuthenticateForm):
    labels = {"code": CODE}
    messages = {"code": ENTER_CODE}


class MFAReauthenticateForm(GovukLabels, mfa_forms.ReauthenticateForm):
    labels = {"code": CODE}
    messages = {"code": ENTER_CODE}


class ActivateTOTPForm(GovukLabels, totp_forms.ActivateTOTPForm):
    labels = {"code": CODE}
    hints = {"code": _("The 6 digits your authenticator app shows for Amends.")}
    messages = {"code": ENTER_CODE}


class AddWebAuthnForm(GovukLabels, webauthn_forms.AddWebAuthnForm):
    labels = {
        "name": _("Name of the passkey"),
        "passwordless": _("Sign in with this passkey alone"),
    }
    hints = {
        "name": _(
            "So you can tell your passkeys apart, for example ‘Work laptop’ or ‘Blue security key’."
        ),
        "passwordless": _(
            "Lets you sign in without a password, by unlocking the passkey "
            "with a fingerprint, your face or a PIN."
        ),
    }


class EditWebAuthnForm(GovukLabels, webauthn_forms.EditWebAuthnForm):
    labels = {"name": _("Name of the passkey")}
    messages = {"name": {"required": _("Enter a name for the passkey")}}
