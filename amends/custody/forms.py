"""Forms for prisons' pages. The services check everything again; these put each refusal
at its field, in the words of the page's sector."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Party
from amends.core.forms_govuk import DateField
from amends.core.models import Organisation
from amends.core.vocabulary import current_words
from amends.custody.models import ClearanceStep, ConductPeriod
from amends.custody.services import (
    MOST_EVENTS,
    MOST_MONTHS,
    normalise_crn,
    normalise_prison_number,
)

ELSEWHERE = "elsewhere"

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _one_error(exc: ValidationError) -> str:
    return next(iter(exc.message_dict.values()))[0]


class PersonCustodyForm(forms.Form):
    establishment = forms.CharField(
        max_length=120,
        error_messages={"required": _("Enter the establishment where they are held")},
    )
    wing = forms.CharField(label=_("Wing or unit"), max_length=60, required=False)
    cell = forms.CharField(
        label=_("Cell or location"),
        max_length=30,
        required=False,
        help_text=_("For example, 3-14 or healthcare."),
    )
    prison_number = forms.CharField(
        label=_("Prison number"),
        max_length=12,
        required=False,
        help_text=_("One letter, four digits and two letters, like A1234BC."),
    )
    crn = forms.CharField(
        label=_("Probation case reference number (CRN)"),
        max_length=12,
        required=False,
        help_text=_("If known: one letter and six digits, like X123456."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = current_words()
        self.fields["establishment"].label = words.cap(words.place)
        self.fields["wing"].label = _("%(sub_place)s or unit") % {
            "sub_place": words.cap(words.sub_place)
        }

    def clean_prison_number(self) -> str:
        try:
            return normalise_prison_number(self.cleaned_data["prison_number"])
        except ValidationError as exc:
            raise ValidationError(_one_error(exc)) from exc

    def clean_crn(self) -> str:
        try:
            return normalise_crn(self.cleaned_data["crn"])
        except ValidationError as exc:
            raise ValidationError(_one_error(exc)) from exc


class ReleaseForm(forms.Form):
    release_on = DateField(
        label=_("Release date"),
        required=False,
        help_text=_("For example, 27 3 2027. Leave it empty if there is no release date."),
    )


class TransferForm(forms.Form):
    receiver = forms.ChoiceField(
        label=_("Where were they transferred to?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where they were transferred to"),
            "invalid_choice": _("Choose an establishment from the list"),
        },
    )
    establishment = forms.CharField(
        label=_("Name of the establishment, if it is not listed"),
        max_length=120,
        required=False,
        help_text=_("For example, HMP Leeds."),
    )
    transferred_on = DateField(
        label=_("Date of transfer"),
        past_only=True,
        help_text=_("For example, 3 11 2026."),
        error_messages={"required": _("Enter the date of transfer")},
    )

    def __init__(self, *args: Any, receivers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.receivers = {str(o.pk): o for o in receivers}
        cast(forms.ChoiceField, self.fields["receiver"]).choices = [
            *[(str(o.pk), _("%(name)s (uses Amends)") % {"name": o.name}) for o in receivers],
            (ELSEWHERE, _("Another establishment")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("receiver") == ELSEWHERE and not data.get("establishment", "").strip():
            self.add_error("establishment", _("Enter the name of the establishment"))
        return data

    def receiver_organisation(self) -> Organisation | None:
        return self.receivers.get(self.cleaned_data["receiver"])


class ClearanceStepForm(forms.Form):
    step = forms.ChoiceField(
        label=_("Which step?"),
        choices=ClearanceStep.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the step of security clearance"),
            "invalid_choice": _("Choose a step from the list"),
        },
    )
    taken_on = DateField(
        label=_("Date"),
        past_only=True,
        help_text=_("For example, 3 11 2026."),
        error_messages={"required": _("Enter the date of this step")},
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example, the security department's reference. Not the reasons for a "
            "refusal: keep those in the security record."
        ),
        error_messages={"max_length": _("The note must be 500 characters or fewer")},
    )


def _count_field(
    label: StrOrPromise, required: StrOrPromise, invalid: StrOrPromise, between: StrOrPromise
) -> forms.IntegerField:
    """A count of events; `between` names the limit as {most}."""
    between = format_lazy(between, most=MOST_EVENTS)
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MOST_EVENTS,
        error_messages={
            "required": required,
            "invalid": invalid,
            "min_value": between,
            "max_value": between,
        },
    )


MONTHS_BETWEEN = _("The number of months must be between 1 and {most}")


class ConductForm(forms.Form):
    party = forms.ModelChoiceField(
        label=_("Who"),
        queryset=Party.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose who the figures are about"),
            "invalid_choice": _("Choose someone in this case"),
        },
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=ConductPeriod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose before or after the restorative process")},
    )
    months = forms.IntegerField(
        label=_("Number of months"),
        min_value=1,
        max_value=MOST_MONTHS,
        help_text=_("How many months the figures cover, for example 6."),
        error_messages={
            "required": _("Enter the number of months the figures cover"),
            "invalid": _("The number of months must be a whole number, like 6"),
            "min_value": format_lazy(MONTHS_BETWEEN, most=MOST_MONTHS),
            "max_value": format_lazy(MONTHS_BETWEEN, most=MOST_MONTHS),
        },
    )
    adjudications = _count_field(
        _("Proven adjudications"),
        _("Enter the number of adjudications, or 0"),
        _("Adjudications must be a whole number, like 2"),
        _("Adjudications must be between 0 and {most}"),
    )
    violent_incidents = _count_field(
        _("Violent incidents"),
        _("Enter the number of violent incidents, or 0"),
        _("Violent incidents must be a whole number, like 1"),
        _("Violent incidents must be between 0 and {most}"),
    )

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["party"])
        field.queryset = parties
        field.label_from_instance = lambda p: f"{p.person.full_name} ({p.get_role_display()})"  # type: ignore[method-assign,assignment]
