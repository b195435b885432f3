from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.cases.forms import facilitators_of
from amends.core.forms_govuk import DateField
from amends.core.models import Membership, Sector
from amends.core.vocabulary import GroupWords, Words, process_choices
from amends.groups.models import AbsenceReason, GroupMember, MemberStatus
from amends.referrals.models import HarmType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class FacilitatorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name()


def _facilitator_field(member: Membership, label: StrOrPromise) -> FacilitatorField:
    return FacilitatorField(
        label=label,
        queryset=facilitators_of(member),
        required=False,
        empty_label=_("Not recorded"),
        error_messages={"invalid_choice": _("Choose a facilitator from the list")},
    )


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={
            "required": _("Enter a name for the group"),
            "max_length": _("Name must be 120 characters or fewer"),
        },
    )
    about = forms.CharField(
        label=_("What it is for"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A line on what the group works on. Do not write about anyone in it."),
        error_messages={"max_length": _("What it is for must be 500 characters or fewer")},
    )
    starts_on = DateField(label=_("Start date"), required=False)

    def __init__(
        self, *args: Any, member: Membership, group_words: GroupWords, circle: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        example = group_words.circle_example if circle else group_words.programme_example
        self.fields["name"].help_text = _("For example, “%(example)s”") % {"example": example}
        self.fields["facilitator"] = _facilitator_field(member, _("Who runs it"))
        sectors = [s for s in member.organisation.sectors if s in Sector.values]
        if len(sectors) > 1:
            self.fields["sector"] = forms.ChoiceField(
                label=_("Kind of service"),
                choices=[(s, Sector(s).label) for s in sectors],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a kind of service"),
                    "invalid_choice": _("Choose a kind of service from the list"),
                },
            )


class AddPeopleForm(forms.Form):
    """People chosen from the list the search or the form group found."""

    people = forms.TypedMultipleChoiceField(
        label=_("Who to add"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one person to add"),
            "invalid_choice": _("Choose people from the list"),
        },
    )

    def __init__(self, *args: Any, found: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["people"]
        field.choices = [(p.pk, p.full_name) for p in found]


class SessionForm(forms.Form):
    held_on = DateField(label=_("Date"), error_messages={"required": _("Enter the date")})
    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        error_messages={
            "required": _("Enter the topic"),
            "max_length": _("Topic must be 200 characters or fewer"),
        },
    )
    headcount = forms.IntegerField(
        label=_("Or, for a whole class, how many took part"),
        required=False,
        min_value=1,
        max_value=200,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        help_text=_("Leave this empty to tick who took part by name on the next page."),
        error_messages={
            "invalid": _("Number taking part must be a number, like 28"),
            "min_value": _("Number taking part must be 1 or more"),
            "max_value": _("Number taking part must be 200 or fewer"),
        },
    )

    def __init__(self, *args: Any, member: Membership, circle: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"] = _facilitator_field(member, _("Facilitator"))
        # Keep the order: date, topic, facilitator, then the count.
        self.order_fields(["held_on", "topic", "facilitator", "headcount"])
        if not circle:
            del self.fields["headcount"]


CAME = "came"


class AttendanceForm(forms.Form):
    """For each person in the group, one choice: came, or absent and why. One control a
    person keeps a register of thirty quick on a phone: only the absences are changed."""

    def __init__(self, *args: Any, members: list[GroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        choices = [
            (CAME, _("Came")),
            *[
                (c, _("Absent: %(reason)s") % {"reason": label.lower()})
                for c, label in AbsenceReason.choices
            ],
        ]
        for member in members:
            name = member.person.full_name
            self.fields[f"mark_{member.pk}"] = forms.ChoiceField(
                label=name,
                choices=choices,
                error_messages={
                    "required": _("Say whether %(name)s came") % {"name": name},
                    "invalid_choice": _("Choose whether %(name)s came from the list")
                    % {"name": name},
                },
            )

    def rows(self) -> list[tuple[GroupMember, Any]]:
        return [(m, self[f"mark_{m.pk}"]) for m in self.members]

    def marks(self) -> dict[int, tuple[bool, str]]:
        marks = {}
        for m in self.members:
            mark = self.cleaned_data[f"mark_{m.pk}"]
            marks[m.pk] = (mark == CAME, "" if mark == CAME else mark)
        return marks


class MemberStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where are they now?"),
        choices=MemberStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where they are now"),
            "invalid_choice": _("Choose from the list"),
        },
    )
    finished_on = DateField(label=_("Date they finished"), required=False, past_only=True)


class GroupCaseForm(forms.Form):
    harm_summary = forms.CharField(
        label=_("What they want to put right"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter what they want to put right")},
    )
    harm_type = forms.ModelChoiceField(
        label=_("Kind of harm"),
        queryset=HarmType.objects.none(),
        required=False,
        empty_label=_("Not known yet"),
        error_messages={"invalid_choice": _("Choose a kind of harm from the list")},
    )
    incident_date = DateField(label=_("Date of the incident"), required=False, past_only=True)
    planned_process = forms.ChoiceField(
        label=_("Planned process"),
        choices=process_choices,
        error_messages={
            "required": _("Choose the planned process"),
            "invalid_choice": _("Choose a process from the list"),
        },
    )

    def __init__(self, *args: Any, member: Membership, words: Words, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        harm_type: Any = self.fields["harm_type"]
        harm_type.queryset = HarmType.objects.for_organisation(member.organisation)
        self.fields["harm_summary"].help_text = _(
            "In a line or two: the harm they want to talk about with the %(harmed)s. "
            "The detail belongs in the case."
        ) % {"harmed": words.harmed}
