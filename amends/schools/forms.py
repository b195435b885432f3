"""Forms for a school's restorative work. Labels speak the school's words (core.vocabulary)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.accounts.models import User
from amends.cases.models import Case, Party
from amends.core.forms_govuk import DateField
from amends.core.models import Membership, Organisation
from amends.core.vocabulary import current_words
from amends.people.models import Person
from amends.referrals.models import HarmType
from amends.schools.models import DfeReason, InformedMethod, Resolution, SanctionConsidered

NOT_INVOLVED = "none"
PARTS = [
    (NOT_INVOLVED, _("Not involved")),
    ("harmed", _("Harmed")),
    ("responsible", _("Caused harm")),
    ("took_part", _("Took part")),
]
FOLLOW_UP_DAYS = [("7", _("In a week")), ("14", _("In 2 weeks")), ("28", _("In 4 weeks"))]
ANOTHER_DATE = "other"
# How many pupils of the roll the picker shows at once: filter to find the rest.
ROLL_SHOWN = 40
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def roll(organisation: Organisation) -> QuerySet[Person]:
    """The school's roll: its people with a year group."""
    return Person.objects.filter(organisation=organisation).exclude(year_group="")


def roll_groups(organisation: Organisation) -> tuple[list[str], list[str]]:
    """The year groups and forms on the roll, in order (Year 7 before Year 10)."""
    pairs = set(roll(organisation).values_list("year_group", "form_group").distinct())

    def natural(text: str) -> tuple[Any, ...]:
        digits = "".join(c for c in text if c.isdigit())
        return (int(digits) if digits else 0, text)

    years = sorted({y for y, _ in pairs}, key=natural)
    forms_ = sorted({f for _, f in pairs if f}, key=natural)
    return years, forms_


def _sanction_fields(form: forms.Form) -> None:
    words = current_words()
    form.fields["dfe_reason"] = forms.ChoiceField(
        label=_("Reason for the %(incident)s") % {"incident": words.incident},
        help_text=_(
            "The Department for Education's reason, if a suspension or exclusion could apply."
        ),
        choices=[("", _("No reason applies")), *DfeReason.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose a reason from the list")},
    )
    form.fields["sanction_considered"] = forms.ChoiceField(
        label=_("Was a suspension or exclusion being considered?"),
        choices=SanctionConsidered.choices,
        initial=SanctionConsidered.NONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether a suspension or exclusion was considered"),
            "invalid_choice": _("Choose whether a suspension or exclusion was considered"),
        },
    )
    form.fields["sanction_avoided"] = forms.ChoiceField(
        label=_("If so, was it avoided?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose yes or no")},
    )


def _clean_sanction(form: forms.Form, data: dict[str, Any]) -> dict[str, Any]:
    """A sanction considered needs an answer to whether it was avoided; "yes"/"no" become
    True/False (None when nothing was considered)."""
    considered = data.get("sanction_considered")
    avoided = data.get("sanction_avoided", "")
    if considered and considered != SanctionConsidered.NONE and not avoided:
        form.add_error(
            "sanction_avoided", _("Choose whether the suspension or exclusion was avoided")
        )
    data["sanction_avoided"] = {"yes": True, "no": False}.get(avoided)
    return data


class ConversationForm(forms.Form):
    """The one-minute restorative conversation. The pupils' parts are read from the
    `part_<person id>` fields by `chosen_parts`, against the school's roll."""

    what_happened = forms.CharField(
        label=_("What happened?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter what happened"),
            "max_length": _("What happened must be 1,000 characters or fewer"),
        },
    )
    agreed = forms.CharField(
        label=_("What was agreed?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter what was agreed"),
            "max_length": _("What was agreed must be 1,000 characters or fewer"),
        },
    )
    follow_up = forms.ChoiceField(
        label=_("When will you follow it up?"),
        choices=[*FOLLOW_UP_DAYS, (ANOTHER_DATE, _("On another date"))],
        widget=forms.RadioSelect,
        initial="7",
        error_messages={
            "required": _("Choose when you will follow it up"),
            "invalid_choice": _("Choose when you will follow it up"),
        },
    )
    follow_up_date = DateField(
        label=_("Another date for the follow-up"),
        required=False,
        help_text=_("Only if you chose “On another date”. For example, 27 3 2027"),
        future_only=True,
    )
    held_on = DateField(label=_("Date of the conversation"), past_only=True)
    # Where the pupils' errors are put; the pupils themselves are `part_<id>` fields.
    pupils = forms.CharField(required=False, widget=forms.HiddenInput)

    harm_type = forms.ModelChoiceField(
        queryset=HarmType.objects.none(),
        required=False,
        empty_label=_("Not given"),
        error_messages={"invalid_choice": _("Choose a kind from the list")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        harm_type = self.fields["harm_type"]
        assert isinstance(harm_type, forms.ModelChoiceField)
        harm_type.queryset = HarmType.objects.for_organisation(organisation)
        harm_type.label = _("What kind of %(incident)s?") % {"incident": current_words().incident}
        _sanction_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("follow_up")
        held_on = data.get("held_on") or timezone.localdate()
        if choice == ANOTHER_DATE:
            if not data.get("follow_up_date") and "follow_up_date" not in self.errors:
                self.add_error("follow_up_date", _("Enter the follow-up date"))
            data["follow_up_on"] = data.get("follow_up_date")
        elif choice:
            data["follow_up_on"] = timezone.localdate() + datetime.timedelta(days=int(choice))
        if data.get("follow_up_on") and data["follow_up_on"] < held_on:
            self.add_error("follow_up_date", _("The follow-up date must be after the conversation"))
        return _clean_sanction(self, data)


def chosen_parts(data: Any, organisation: Organisation) -> tuple[dict[int, str], bool]:
    """The part each pupil took, from `part_<id>` fields, and whether every id named one of
    the school's pupils (an id from elsewhere is refused, never saved)."""
    parts: dict[int, str] = {}
    valid = dict(PARTS)
    all_known = True
    for key in data:
        if not key.startswith("part_"):
            continue
        raw = key.removeprefix("part_")
        value = data.get(key)
        if not raw.isdigit() or value not in valid:
            all_known = False
            continue
        if value != NOT_INVOLVED:
            parts[int(raw)] = value
    found = set(roll(organisation).filter(pk__in=parts).values_list("pk", flat=True))
    if found != set(parts):
        all_known = False
        parts = {pk: part for pk, part in parts.items() if pk in found}
    return parts, all_known


class FollowUpForm(forms.Form):
    held = forms.ChoiceField(
        label=_("Is what was agreed holding?"),
        choices=[("yes", _("Yes")), ("no", _("No, it needs more work"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether what was agreed is holding")},
    )
    followed_up_on = DateField(label=_("Date of the follow-up"), past_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["followed_up_on"].initial = timezone.localdate()


class ExclusionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _sanction_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        return _clean_sanction(self, data)


class _PupilChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class ParentInformedForm(forms.Form):
    pupil = _PupilChoice(queryset=Party.objects.none(), widget=forms.RadioSelect)
    informed_name = forms.CharField(
        max_length=120,
        error_messages={
            "required": _("Enter who was informed"),
            "max_length": _("Who was informed must be 120 characters or fewer"),
        },
    )
    method = forms.ChoiceField(
        label=_("How were they informed?"),
        choices=InformedMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how they were informed"),
            "invalid_choice": _("Choose how they were informed"),
        },
    )
    informed_on = DateField(label=_("When were they informed?"), past_only=True)
    said = forms.CharField(
        label=_("What were they told?"),
        help_text=_("In short: what happened, and what happens next."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter what they were told"),
            "max_length": _("What they were told must be 500 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = current_words()
        field = self.fields["pupil"]
        assert isinstance(field, _PupilChoice)
        field.label = _("Which %(participant)s?") % {"participant": words.participant}
        field.empty_label = None
        field.error_messages = {
            "required": _("Choose the %(participant)s") % {"participant": words.participant},
            "invalid_choice": _("Choose a %(participant)s in this case")
            % {"participant": words.participant},
        }
        field.queryset = case.parties.select_related("person").order_by("pk")
        self.fields["informed_name"].label = _("Which %(parent)s was informed?") % {
            "parent": words.parent
        }
        self.fields["informed_name"].help_text = _("Their name and how they are related.")
        self.fields["informed_on"].initial = timezone.localdate()


class RaiseConcernForm(forms.Form):
    told_in_person = forms.BooleanField(
        label=_("I have also told the designated safeguarding lead in person"), required=False
    )


class ResolveConcernForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("What did the designated safeguarding lead decide?"),
        choices=Resolution.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the designated safeguarding lead decided"),
            "invalid_choice": _("Choose what the designated safeguarding lead decided"),
        },
    )


class _MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.email})"


class SchoolSettingsForm(forms.Form):
    safeguarding_lead = _MemberChoice(
        label=_("Designated safeguarding lead"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not named"),
        error_messages={"invalid_choice": _("Choose a member of the school's Amends account")},
    )
    deputy_safeguarding_lead = _MemberChoice(
        label=_("Deputy designated safeguarding lead"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not named"),
        error_messages={"invalid_choice": _("Choose a member of the school's Amends account")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(
            pk__in=Membership.objects.active().filter(organisation=organisation).values("user_id")
        ).order_by("full_name")
        for name in ("safeguarding_lead", "deputy_safeguarding_lead"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead, deputy = data.get("safeguarding_lead"), data.get("deputy_safeguarding_lead")
        if lead and deputy and lead == deputy:
            self.add_error(
                "deputy_safeguarding_lead", _("The deputy must be someone other than the lead")
            )
        return data
