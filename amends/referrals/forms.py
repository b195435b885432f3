from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from amends.cases.models import ProcessType
from amends.core.forms_govuk import DateField
from amends.core.models import Organisation, Sector
from amends.referrals.models import DeclineReason, HarmType, JusticeStage, ProposedRole

PEOPLE_ROWS = 3


class ReferralForm(forms.Form):
    source_agency = forms.CharField(
        label="Referring agency",
        max_length=120,
        help_text="For example, Northbridge Police, Kingsmead Academy, Riverside Homes.",
        error_messages={"required": "Enter the referring agency"},
    )
    referrer_name = forms.CharField(
        label="Referrer's name",
        max_length=120,
        error_messages={"required": "Enter the referrer's name"},
    )
    referrer_contact = forms.CharField(
        label="Referrer's phone or e-mail", max_length=254, required=False
    )
    received_on = DateField(
        label="Date received", past_only=True, help_text="For example, 24 11 2026."
    )
    incident_date = DateField(label="Date of the incident", required=False, past_only=True)
    incident_summary = forms.CharField(
        label="What happened",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Facts only: what happened, where, and who was affected.",
        error_messages={
            "required": "Enter what happened",
            "max_length": "What happened must be 4,000 characters or fewer",
        },
    )
    harm_type = forms.ModelChoiceField(
        label="Kind of harm",
        queryset=HarmType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the kind of harm",
            "invalid_choice": "Choose a kind of harm from the list",
        },
    )
    justice_stage = forms.ChoiceField(
        label="Criminal justice stage",
        choices=JusticeStage.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the criminal justice stage, or “Not a crime”",
            "invalid_choice": "Choose a stage from the list",
        },
    )
    sector = forms.ChoiceField(
        label="Sector",
        choices=Sector.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the sector",
            "invalid_choice": "Choose a sector from the list",
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        harm_type: Any = self.fields["harm_type"]
        harm_type.queryset = HarmType.objects.for_organisation(organisation)
        sectors = [(v, label) for v, label in Sector.choices if v in organisation.sectors] or list(
            Sector.choices
        )
        sector: Any = self.fields["sector"]
        sector.choices = sectors
        if len(sectors) == 1:
            sector.initial = sectors[0][0]
            sector.widget = forms.HiddenInput()
        self.fields["received_on"].initial = timezone.localdate()


class ProposedPersonForm(forms.Form):
    role = forms.ChoiceField(
        label="Their part",
        choices=ProposedRole.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose their part from the list"},
    )
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = DateField(label="Date of birth", required=False, past_only=True)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = data.get("given_name") or data.get("family_name")
        if named or data.get("role") or data.get("phone"):
            if not data.get("role"):
                self.add_error(
                    "role", "Choose their part: harmed, responsible or someone else affected"
                )
            if not data.get("given_name"):
                self.add_error("given_name", "Enter their first name")
            if not data.get("family_name"):
                self.add_error("family_name", "Enter their last name")
        return data

    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("given_name"))


def people_forms(data: Any = None) -> list[ProposedPersonForm]:
    return [ProposedPersonForm(data, prefix=f"person{i + 1}") for i in range(PEOPLE_ROWS)]


class AcceptForm(forms.Form):
    planned_process = forms.ChoiceField(
        label="Planned process",
        choices=ProcessType.choices,
        widget=forms.RadioSelect,
        help_text="You can change this later as preparation goes on.",
        error_messages={
            "required": "Choose the planned process",
            "invalid_choice": "Choose a process from the list",
        },
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is it declined?",
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why the referral is declined",
            "invalid_choice": "Choose a reason from the list",
        },
    )
    note = forms.CharField(
        label="Note for the record",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Not shown to the referrer.",
    )


class HarmTypeForm(forms.Form):
    name = forms.CharField(
        label="New kind of harm",
        max_length=80,
        error_messages={
            "required": "Enter the name of the kind of harm",
        },
    )
