from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from amends.core.concurrency import VersionField, versioned_initial
from amends.core.models import ROLE_DESCRIPTIONS, Organisation, Role, Sector

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def role_choices() -> list[tuple[str, str]]:
    return [(value, f"{label} — {ROLE_DESCRIPTIONS[Role(value)]}") for value, label in Role.choices]


# Every role now has its work: viewers read the de-identified reports (amends/reports),
# trainers run training (amends/training). A role is offered only once its work is built.
INVITABLE_ROLES = (Role.COORDINATOR, Role.FACILITATOR, Role.REFERRER, Role.VIEWER, Role.TRAINER)


def invitable_role_choices() -> list[tuple[str, str]]:
    return [(value, label) for value, label in role_choices() if value in INVITABLE_ROLES]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We will send an invitation to this address. It lasts for 7 days."),
        error_messages={
            "required": _("Enter an e-mail address"),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.org"),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=invitable_role_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select a role"),
            "invalid_choice": _("Select a role from the list"),
        },
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=role_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select a role"),
            "invalid_choice": _("Select a role from the list"),
        },
    )


class OrganisationForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        help_text=_("Select all the sectors this organisation works in."),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one sector"),
            "invalid_choice": _("Select sectors from the list"),
        },
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "sectors",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone",
            "email",
            "case_reference_prefix",
            "retention_years",
        ]
        labels = {
            "name": "Organisation name",
            "kind": "Kind of organisation",
            "case_reference_prefix": "Case reference prefix",
            "retention_years": "Years to keep closed cases",
        }
        help_texts = {
            "case_reference_prefix": "Letters at the start of each case reference, like RJ in RJ-2026-0042.",
            "retention_years": "Closed cases are anonymised this many years after they close.",
        }
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "name": {
                "required": _("Enter the organisation's name"),
                "unique": _("An organisation with this name already exists"),
            },
            "kind": {"required": "Select the kind of organisation"},
            "email": {
                "invalid": _("Enter an e-mail address in the correct format, like name@example.org")
            },
            "retention_years": {
                "invalid": _("Years to keep closed cases must be a whole number"),
                "min_value": _("Years to keep closed cases must be 1 or more"),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = [c for c in kind.choices if c[0]]

    def clean_postcode(self) -> str:
        postcode: str = self.cleaned_data["postcode"].strip().upper()
        if postcode and not POSTCODE_RE.match(postcode):
            raise forms.ValidationError(_("Enter a real postcode, like SW1A 1AA"))
        return postcode

    def clean_case_reference_prefix(self) -> str:
        prefix: str = self.cleaned_data["case_reference_prefix"].strip().upper()
        if not re.fullmatch(r"[A-Z]{1,6}", prefix):
            raise forms.ValidationError(_("Case reference prefix must be 1 to 6 letters, like RJ"))
        return prefix

    def clean_retention_years(self) -> int:
        years: int = self.cleaned_data["retention_years"]
        if years < 1 or years > 100:
            raise forms.ValidationError(_("Years to keep closed cases must be between 1 and 100"))
        return years


class OrganisationSettingsForm(OrganisationForm):
    """The organisation's own details, changed by its coordinators: carries the version loaded."""

    version = VersionField()

    class Meta(OrganisationForm.Meta):
        fields = [*OrganisationForm.Meta.fields, "side_words"]
        labels = {**OrganisationForm.Meta.labels, "side_words": "Words for the two sides"}
        help_texts = {
            **OrganisationForm.Meta.help_texts,
            "side_words": "What every page, letter and report calls the people on each side "
            "of a harm.",
        }
        widgets = {**OrganisationForm.Meta.widgets, "side_words": forms.RadioSelect}
        error_messages = {
            **OrganisationForm.Meta.error_messages,
            "side_words": {
                "required": _("Select the words for the two sides"),
                "invalid_choice": _("Select the words for the two sides from the list"),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versioned_initial(self, self.instance)
        # One is always chosen; a form sent without it keeps the words the organisation has.
        self.fields["side_words"].required = False

    def clean_side_words(self) -> str:
        return str(self.cleaned_data.get("side_words") or self.instance.side_words)


class NewOrganisationForm(OrganisationForm):
    coordinator_email = forms.EmailField(
        label=_("First coordinator's e-mail address"),
        help_text=_("They will be invited to run the service and invite everyone else."),
        error_messages={
            "required": _("Enter the first coordinator's e-mail address"),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.org"),
        },
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        error_messages={"required": "Enter your full name"},
    )
    password1 = forms.CharField(
        label=_("Create a password"),
        help_text=_("At least 12 characters. A few unrelated words make a strong password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        error_messages={"required": "Create a password"},
    )
    password2 = forms.CharField(
        label=_("Confirm password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        error_messages={"required": "Confirm your password"},
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The passwords do not match"))
        elif p1:
            from amends.accounts.models import User

            try:
                validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
