from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from amends.api.models import Scope
from amends.core.forms_govuk import DateField


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses it, for example, Northbridge Police records system."),
        error_messages={
            "required": _("Enter a name for the key"),
            "max_length": _("The name must be 100 characters or fewer"),
        },
    )
    scopes = forms.MultipleChoiceField(
        label=_("What may it do?"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply. Give a key only what its system needs."),
        error_messages={
            "required": _("Choose what the key may do"),
            "invalid_choice": _("Choose what the key may do from the list"),
        },
    )
    expires_on = DateField(
        label=_("Expiry date"),
        future_only=True,
        help_text=_("At most 2 years from today. For example, 27 11 2027."),
        error_messages={"required": _("Enter the expiry date")},
    )
    webhook_url = forms.URLField(
        label=_("Webhook address (optional)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Amends tells this address when a referral the key submitted is accepted "
            "or declined. It must start with https://."
        ),
        error_messages={
            "invalid": _(
                "Enter the webhook address as a web address, like https://example.org/amends"
            ),
            "max_length": _("The webhook address must be 500 characters or fewer"),
        },
    )

    def clean_webhook_url(self) -> str:
        url: str = self.cleaned_data["webhook_url"]
        allowed = ("https", "http") if settings.AMENDS_WEBHOOK_ALLOW_HTTP else ("https",)
        if url and urlsplit(url).scheme not in allowed:
            raise forms.ValidationError(_("The webhook address must start with https://"))
        return url
