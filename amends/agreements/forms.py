from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.agreements.models import ActionKind, ActionStatus, Agreement
from amends.cases.models import Case, Party
from amends.core.concurrency import VersionField, version_of
from amends.core.forms_govuk import DateField


class OwnerChoiceField(forms.ModelChoiceField):
    """People shown by first name and role: the agreement carries first names only."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.first_name} ({obj.get_role_display().lower()})"


def agreement_version(case: Case) -> str:
    """The version of the case's agreement as loaded now; empty before there is one."""
    agreement = Agreement.objects.filter(case=case).first()
    return version_of(agreement) if agreement else ""


class ActionForm(forms.Form):
    # The agreement's version: an action added to a page that is out of date is refused.
    version = VersionField()
    owner = OwnerChoiceField(
        label=_("Who will do it"),
        queryset=Party.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Select who will do it"),
            "invalid_choice": _("Select someone in this case"),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind of action"),
        choices=ActionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the kind of action"),
            "invalid_choice": _("Select a kind of action from the list"),
        },
    )
    description = forms.CharField(
        label=_("What they will do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the words the parties agreed, using first names only."),
        error_messages={
            "required": _("Enter what they will do"),
        },
    )
    due_on = DateField(
        label=_("Due by"),
        future_only=True,
        help_text=_("For example, 27 3 2027"),
        error_messages={"required": _("Enter the date it is due by")},
    )
    hours = forms.DecimalField(
        label=_("Hours of work"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("1000"),
        decimal_places=1,
        help_text=_("For reparation work only, like 10"),
        error_messages={
            "invalid": _("Hours of work must be a number, like 10"),
            "min_value": _("Hours of work must be at least 0.5"),
            "max_value": _("Hours of work must be 1000 or fewer"),
            "max_decimal_places": _("Hours of work can have one decimal place, like 7.5"),
        },
    )
    amount = forms.DecimalField(
        label=_("Amount in pounds"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        decimal_places=2,
        help_text=_("For financial restitution only, like 150.00"),
        error_messages={
            "invalid": _("The amount must be a number, like 150.00"),
            "min_value": _("The amount must be more than £0"),
            "max_value": _("The amount must be £1,000,000 or less"),
            "max_decimal_places": _("The amount can have up to 2 decimal places, like 150.00"),
        },
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = case.parties.select_related("person").order_by("pk")
        self.fields["version"].initial = agreement_version(case)


class AcceptanceForm(forms.Form):
    version = VersionField()
    party = OwnerChoiceField(
        label=_("Who accepted the agreement"),
        queryset=Party.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Select who accepted the agreement"),
            "invalid_choice": _("Select someone in this case who has not accepted yet"),
        },
    )
    accepted_on = DateField(
        label=_("Date accepted"),
        past_only=True,
        initial=datetime.date.today,
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date they accepted")},
    )

    def __init__(self, *args: Any, case: Case, accepted: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party: Any = self.fields["party"]
        party.queryset = (
            case.parties.exclude(pk__in=accepted).select_related("person").order_by("pk")
        )


class ConfirmForm(forms.Form):
    version = VersionField()
    agreed_on = DateField(
        label=_("Date agreed"),
        past_only=True,
        initial=datetime.date.today,
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date the agreement was made")},
    )


RESOLUTIONS = [
    (s.value, s.label)
    for s in (
        ActionStatus.DONE,
        ActionStatus.PARTLY_DONE,
        ActionStatus.NOT_DONE,
    )
]


class ResolveForm(forms.Form):
    version = VersionField()
    status = forms.ChoiceField(
        label=_("How did it end?"),
        choices=RESOLUTIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how the action ended"),
            "invalid_choice": _("Select how the action ended from the list"),
        },
    )
    resolved_on = DateField(
        label=_("Date checked"),
        past_only=True,
        initial=datetime.date.today,
        help_text=_("The date you checked it. You will be recorded as the person who verified it."),
        error_messages={"required": _("Enter the date you checked it")},
    )
    hours_done = forms.DecimalField(
        label=_("Hours worked"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        decimal_places=1,
        help_text=_("For reparation work: the hours they did, like 7.5"),
        error_messages={
            "invalid": _("Hours worked must be a number, like 7.5"),
            "min_value": _("Hours worked must be 0 or more"),
            "max_value": _("Hours worked must be 1000 or fewer"),
            "max_decimal_places": _("Hours worked can have one decimal place, like 7.5"),
        },
    )
    note = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed unless it was done in full."),
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount paid in pounds"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        decimal_places=2,
        help_text=_("For example, 25.00"),
        error_messages={
            "required": _("Enter the amount paid"),
            "invalid": _("The amount must be a number, like 25.00"),
            "min_value": _("Enter an amount more than £0"),
            "max_value": _("The amount must be £1,000,000 or less"),
            "max_decimal_places": _("The amount can have up to 2 decimal places, like 25.00"),
        },
    )
    paid_on = DateField(
        label=_("Date paid"),
        past_only=True,
        initial=datetime.date.today,
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date it was paid")},
    )


class VaryForm(forms.Form):
    """A coordinator's record that the parties agreed new terms for an action."""

    version = VersionField()
    terms = forms.CharField(
        label=_("New terms"),
        help_text=_(
            "What was agreed instead, in the words the parties agreed, using first names only."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter the new terms that were agreed"),
            "max_length": _("The new terms must be 2000 characters or fewer"),
        },
    )
    reason = forms.CharField(
        label=_("Why the terms changed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter why the terms changed"),
            "max_length": _("The reason the terms changed must be 2,000 characters or fewer"),
        },
    )
    varied_on = DateField(
        label=_("Date the new terms were agreed"),
        past_only=True,
        initial=datetime.date.today,
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date the new terms were agreed")},
    )
