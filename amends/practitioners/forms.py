from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.core.concurrency import VersionField
from amends.core.forms_govuk import DateField
from amends.core.models import Sector
from amends.practitioners.models import TrainingLevel

MONTHS = [
    (n, name)
    for n, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
]


class TrainingForm(forms.Form):
    title = forms.CharField(
        label=_("Course"),
        max_length=150,
        help_text=_("For example, “Restorative practice in schools: facilitator skills”."),
        error_messages={"required": _("Enter the name of the course")},
    )
    provider = forms.CharField(
        label=_("Who ran it"),
        max_length=150,
        error_messages={"required": _("Enter who ran the course")},
    )
    sector = forms.ChoiceField(
        label=_("Which sector does it cover?"),
        choices=Sector.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the sector the course covers")},
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=TrainingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the level of the course")},
    )
    completed_on = DateField(
        label=_("Date completed"),
        past_only=True,
        help_text=_("For example, 27 3 2025"),
        error_messages={"required": _("Enter the date the course was completed")},
    )
    evidence = forms.FileField(
        label=_("Certificate"),
        help_text=_("A PDF, PNG or JPEG, smaller than 10MB."),
        error_messages={
            "required": _("Select the certificate"),
            "empty": _("The selected file is empty"),
        },
    )
    version = VersionField()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            evidence = self.fields["evidence"]
            evidence.required = False
            evidence.label = _("A new certificate (optional)")
            evidence.help_text = _("Only to replace the one kept. A PDF, PNG or JPEG, under 10MB.")


class RegistrationForm(forms.Form):
    body = forms.CharField(
        label=_("Professional body"),
        max_length=150,
        initial="Restorative Justice Council",
        error_messages={"required": _("Enter the professional body")},
    )
    number = forms.CharField(
        label=_("Registration or accreditation number"),
        max_length=50,
        error_messages={"required": _("Enter the registration or accreditation number")},
    )
    expires_on = DateField(
        label=_("Expiry date"),
        help_text=_("For example, 31 3 2027"),
        error_messages={"required": _("Enter the expiry date")},
    )
    version = VersionField()


class SupervisionForm(forms.Form):
    held_on = DateField(
        label=_("Date of supervision"),
        past_only=True,
        error_messages={"required": _("Enter the date of the supervision")},
    )
    supervisor = forms.CharField(
        label=_("Supervisor"),
        max_length=150,
        error_messages={"required": _("Enter the supervisor's name")},
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Seen by the practitioner and the coordinators of each service they work "
            "for. Do not name the people in any case."
        ),
    )
    version = VersionField()


class DevelopmentForm(forms.Form):
    done_on = DateField(
        label=_("Date"),
        past_only=True,
        error_messages={"required": _("Enter the date")},
    )
    activity = forms.CharField(
        label=_("What you did"),
        max_length=200,
        help_text=_(
            "For example, “Read the RJC practitioner guidance on harmful sexual behaviour”."
        ),
        error_messages={"required": _("Enter what you did")},
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0.5,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        help_text=_("In hours, to the nearest half hour: for example, 1.5"),
        error_messages={"required": _("Enter the hours"), "invalid": _("Hours must be a number")},
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    version = VersionField()


class PracticeSettingsForm(forms.Form):
    development_hours_target = forms.IntegerField(
        label=_("Continuing development hours each year"),
        min_value=1,
        max_value=500,
        error_messages={
            "required": _("Enter the hours expected each year"),
            "invalid": _("The hours must be a whole number"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    year_starts_month = forms.TypedChoiceField(
        label=_("The development year starts in"),
        choices=MONTHS,
        coerce=int,
        error_messages={"required": _("Choose the month the year starts")},
    )
    version = VersionField()
