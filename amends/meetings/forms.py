from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.accounts.models import User
from amends.cases.forms import (
    FacilitatorChoiceField,
    PartyChoiceField,
    PartyMultipleChoiceField,
    case_parties,
)
from amends.cases.models import Case, Party
from amends.core.concurrency import VersionField, versioned_initial
from amends.core.forms_govuk import DateField, TimeField
from amends.core.vocabulary import process_choices, words_for
from amends.meetings.models import Meeting
from amends.meetings.services import LONGEST_MEETING, SHORTEST_MEETING


def at(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """A date and a time of day, in the service's time zone."""
    return timezone.make_aware(datetime.datetime.combine(date, time))


class MeetingArrangeForm(forms.Form):
    process = forms.ChoiceField(
        label=_("Process"),
        choices=process_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the process"),
            "invalid_choice": _("Select a process from the list"),
        },
    )
    date = DateField(
        label=_("Date"),
        future_only=True,
        help_text=_("For example, 27 3 2027"),
        error_messages={"required": _("Enter the date of the meeting")},
    )
    time = TimeField(
        label=_("Time"),
        help_text=_("For example, 14:30 or 2:30pm"),
        error_messages={"required": _("Enter the time of the meeting")},
    )
    venue = forms.CharField(
        label=_("Venue"),
        max_length=200,
        required=False,
        help_text=_(
            "Where the meeting will be held. Leave blank for shuttle mediation or letters."
        ),
    )
    facilitator = FacilitatorChoiceField(
        label=_("Facilitator"),
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Select who will facilitate"),
            "invalid_choice": _("Select one of the case's facilitators"),
        },
    )
    co_facilitator = FacilitatorChoiceField(
        label=_("Co-facilitator"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select,
        empty_label=_("No co-facilitator"),
        error_messages={"invalid_choice": _("Select one of the case's facilitators")},
    )
    attendees = PartyMultipleChoiceField(
        label=_("Who will take part"),
        queryset=Party.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select everyone who will take part."),
        error_messages={
            "required": _("Select who will take part"),
            "invalid_choice": _("Select people in this case"),
        },
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        facilitators = User.objects.filter(pk__in=case.facilitator_ids()).order_by("full_name")
        fields: dict[str, Any] = self.fields
        fields["facilitator"].queryset = facilitators
        fields["co_facilitator"].queryset = facilitators
        fields["attendees"].queryset = case_parties(case)
        self.initial.setdefault("process", case.planned_process)
        process: Any = self.fields["process"]
        process.choices = words_for(case.organisation, case.sector).process_choices(
            current=case.planned_process
        )
        self.initial.setdefault("facilitator", case.lead_facilitator_id)
        if not case.facilitator_ids():
            fields["facilitator"].help_text = _("Allocate a facilitator to the case first.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead, co = data.get("facilitator"), data.get("co_facilitator")
        if lead and co and lead == co:
            self.add_error(
                "co_facilitator", _("The co-facilitator must be someone other than the lead")
            )
        date, time = data.get("date"), data.get("time")
        if date and time:
            data["scheduled_at"] = at(date, time)
        return data


class MeetingChangeForm(MeetingArrangeForm):
    """Change an arranged meeting: when, where, who facilitates and who takes part."""

    version = VersionField()

    def __init__(self, *args: Any, meeting: Meeting, invited: list[Party], **kwargs: Any) -> None:
        scheduled = timezone.localtime(meeting.scheduled_at)
        kwargs["initial"] = {
            "date": scheduled.date(),
            "time": scheduled.time(),
            "venue": meeting.venue,
            "facilitator": meeting.facilitator_id,
            "co_facilitator": meeting.co_facilitator_id,
            "attendees": [p.pk for p in invited],
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, case=meeting.case, **kwargs)
        del self.fields["process"]
        versioned_initial(self, meeting)


class MarkHeldForm(forms.Form):
    """What actually happened: when, who came, for how long. Defaults to what was arranged."""

    held_on = DateField(
        label=_("Date it was held"),
        past_only=True,
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date it was held")},
    )
    held_time = TimeField(
        label=_("Time it started"),
        error_messages={"required": _("Enter the time it started")},
    )
    early_reason = forms.CharField(
        label=_("Why was it held before the arranged time?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed if it started before the time it was arranged for."),
        error_messages={
            "max_length": _(
                "The reason it was held before the arranged time must be 500 characters or fewer"
            )
        },
    )
    attended = PartyMultipleChoiceField(
        label=_("Who attended"),
        queryset=Party.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone invited is selected: clear anyone who did not come."),
        error_messages={
            "required": _("Select who attended"),
            "invalid_choice": _("Select people who were invited to the meeting"),
        },
    )
    duration_minutes = forms.IntegerField(
        label=_("How long it took, in minutes"),
        min_value=SHORTEST_MEETING,
        max_value=LONGEST_MEETING,
        help_text=_("For example, 90"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter how long it took, in minutes"),
            "invalid": _("Enter how long it took as a number of minutes, like 90"),
            "min_value": _("How long it took must be at least %(limit_value)s minutes"),
            "max_value": _("How long it took must be %(limit_value)s minutes (12 hours) or fewer"),
        },
    )
    outcome_notes = forms.CharField(
        label=_("What happened at the meeting"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A short record for the case file. It is not shared with the parties."),
    )

    def __init__(self, *args: Any, meeting: Meeting, invited: list[Party], **kwargs: Any) -> None:
        scheduled = timezone.localtime(meeting.scheduled_at)
        kwargs["initial"] = {
            "held_on": scheduled.date(),
            "held_time": scheduled.time(),
            "attended": [p.pk for p in invited],
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["attended"].queryset = Party.objects.filter(
            pk__in=[p.pk for p in invited]
        ).select_related("person")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date, time = data.get("held_on"), data.get("held_time")
        if date and time:
            data["held_at"] = at(date, time)
        return data


class MessageForm(forms.Form):
    from_party = PartyChoiceField(
        label=_("From"),
        queryset=Party.objects.none(),
        empty_label=_("Select who sent it"),
        error_messages={
            "required": _("Select who sent the message"),
            "invalid_choice": _("Select someone in this case"),
        },
    )
    to_party = PartyChoiceField(
        label=_("To"),
        queryset=Party.objects.none(),
        empty_label=_("Select who received it"),
        error_messages={
            "required": _("Select who the message went to"),
            "invalid_choice": _("Select someone in this case"),
        },
    )
    carried_on = DateField(
        label=_("Date carried"),
        past_only=True,
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date the message was carried")},
    )
    is_letter = forms.BooleanField(label=_("This was a letter"), required=False)
    summary = forms.CharField(
        label=_("Summary of the message"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Enter a summary of the message"),
            "max_length": _("The summary must be 6000 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["from_party"].queryset = case_parties(case)
        fields["to_party"].queryset = case_parties(case)


class StageNotesForm(forms.Form):
    """The notes for one stage of the restorative questions."""

    notes = forms.CharField(
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("The notes must be 6000 characters or fewer")},
    )

    def __init__(self, *args: Any, stage: str, label: str, **kwargs: Any) -> None:
        kwargs["prefix"] = stage
        super().__init__(*args, **kwargs)
        self.stage = stage
        self.fields["notes"].label = f"Notes on “{label.lower()}”"
