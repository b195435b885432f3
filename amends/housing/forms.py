from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from amends.cases.models import PartyRole
from amends.core.concurrency import VersionField
from amends.core.forms_govuk import DateField
from amends.core.vocabulary import current_words
from amends.housing.models import (
    ASB_REFERENCE_EXAMPLE,
    TENANCY_REFERENCE_EXAMPLE,
    CaseHousing,
    EnforcementConsidered,
    EscalationOutcome,
    Household,
    Tenure,
)
from amends.housing.services import HOUSEHOLD_ROLES
from amends.people.models import Person


class HouseholdForm(forms.ModelForm):
    tenancy_started_on = DateField(
        label=_("Tenancy start date (optional)"),
        required=False,
        past_only=True,
        help_text=_("For example, 4 9 2019"),
    )
    tenancy_ended_on = DateField(
        label=_("Tenancy end date (optional)"),
        required=False,
        past_only=True,
        help_text=_("Only if the household no longer holds this tenancy."),
    )
    version = VersionField()

    class Meta:
        model = Household
        fields = [
            "name",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "estate",
            "tenure",
            "tenancy_reference",
            "tenancy_started_on",
            "tenancy_ended_on",
            "tenancy_end_reason",
        ]
        widgets = {"tenure": forms.RadioSelect}
        error_messages = {
            "name": {"required": "Enter the name of the household"},
            "address_line_1": {"required": "Enter the first line of the address"},
            "town": {"required": "Enter the town or city"},
            "postcode": {"required": "Enter the postcode"},
            "tenure": {
                "required": "Select how the household holds its home",
                "invalid_choice": "Select how the household holds its home",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["tenure"].choices = Tenure.choices
        fields["tenure"].label = _("How does the household hold its home?")
        fields["estate"].label = current_words().cap(current_words().sub_place)
        fields["tenancy_reference"].help_text = _(
            "From your housing management system, for example %(example)s"
        ) % {"example": TENANCY_REFERENCE_EXAMPLE}
        fields["tenancy_end_reason"].choices = [
            ("", _("Not ended")),
            *fields["tenancy_end_reason"].choices[1:],
        ]
        fields["tenancy_end_reason"].help_text = _("Only if the tenancy has ended.")
        if self.instance.pk:
            fields["version"].initial = self.instance.updated_at.isoformat()

    def clean_postcode(self) -> str:
        return " ".join(str(self.cleaned_data.get("postcode") or "").upper().split())


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name or tenancy reference"), max_length=100, required=False
    )


class MemberAddForm(forms.Form):
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Who lives here?"),
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Select who lives in the household"),
            "invalid_choice": _("Select someone from the list"),
        },
    )
    is_tenant = forms.BooleanField(label=_("Named on the tenancy"), required=False)

    def __init__(self, *args: Any, matches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person: Any = self.fields["person"]
        person.queryset = matches
        person.label_from_instance = lambda p: (
            p.display_name
            + (
                _(", born %(day)s") % {"day": date_format(p.date_of_birth, "j F Y")}
                if p.date_of_birth
                else ""
            )
        )


class CaseHouseholdForm(forms.Form):
    household: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Which household?"),
        queryset=Household.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Select the household"),
            "invalid_choice": _("Select a household from the list"),
        },
    )
    role = forms.ChoiceField(
        label=_("Their members' part in the dispute"),
        choices=lambda: current_words().role_choices(list(HOUSEHOLD_ROLES)),
        widget=forms.RadioSelect,
        help_text=_(
            "Everyone living in the household joins the case in this part. "
            "You can add supporters and others one by one."
        ),
        error_messages={
            "required": _("Select their part in the dispute"),
            "invalid_choice": _("Select a part from the list"),
        },
    )

    def __init__(self, *args: Any, matches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["household"]
        field.queryset = matches
        field.label_from_instance = lambda h: h.name + (f" ({h.estate})" if h.estate else "")
        self.initial.setdefault("role", PartyRole.HARMED)


class CaseHousingForm(forms.ModelForm):
    case_review_on = DateField(
        label=_("Date of the ASB case review"),
        required=False,
        past_only=True,
        help_text=_("For example, 12 6 2026"),
    )

    class Meta:
        model = CaseHousing
        fields = [
            "asb_reference",
            "from_case_review",
            "case_review_on",
            "case_review_body",
            "enforcement_considered",
            "escalation_outcome",
        ]
        widgets = {
            "enforcement_considered": forms.RadioSelect,
            "escalation_outcome": forms.RadioSelect,
        }
        error_messages = {
            "enforcement_considered": {
                "required": "Select whether enforcement was being considered",
                "invalid_choice": "Select whether enforcement was being considered",
            },
            "escalation_outcome": {
                "required": "Select whether it was avoided",
                "invalid_choice": "Select whether it was avoided",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["asb_reference"].help_text = _(
            "The reference in your housing management system, for example %(example)s"
        ) % {"example": ASB_REFERENCE_EXAMPLE}
        fields["from_case_review"].label = _(
            "This case came from an ASB case review (the community trigger)"
        )
        fields["case_review_body"].help_text = _(
            "For example, the community safety partnership or the council"
        )
        fields["enforcement_considered"].choices = EnforcementConsidered.choices
        fields["escalation_outcome"].choices = EscalationOutcome.choices
        fields["escalation_outcome"].help_text = _(
            "Only if an injunction or possession action was being considered."
        )


class HousingSettingsForm(forms.Form):
    homes_owned = forms.IntegerField(
        label=_("How many homes do you own?"),
        min_value=1,
        max_value=5_000_000,
        required=False,
        help_text=_(
            "Homes you own on the last day of the reporting year. The Regulator of Social "
            "Housing’s measure of anti-social behaviour cases per 1,000 homes (NM01) uses it."
        ),
        error_messages={
            "invalid": _("Enter the number of homes as a whole number, like 12450"),
            "min_value": _("The number of homes must be 1 or more"),
            "max_value": _("The number of homes must be 5,000,000 or fewer"),
        },
    )
