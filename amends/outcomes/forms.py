from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from amends.core.concurrency import VersionField, versioned_initial
from amends.core.forms_govuk import DateField
from amends.outcomes.models import (
    Delivery,
    FeedbackResponse,
    HarmMeasure,
    HarmQuestionSet,
    ReoffendingCheck,
    VictimsCodeRecord,
)
from amends.outcomes.services import FEEDBACK_FIELDS


def scale_choices(low: str, high: str) -> list[tuple[int, str]]:
    """0 to 10, with the two ends of the scale named."""
    return [
        (n, f"{n} – {low}" if n == 0 else f"{n} – {high}" if n == 10 else str(n)) for n in range(11)
    ]


def scale_field(label: str, low: str, high: str, *, required_message: str) -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        help_text=_("0 means “%(low)s”, 10 means “%(high)s”.")
        % {"low": low.lower(), "high": high.lower()},
        choices=scale_choices(low, high),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": required_message,
            "invalid_choice": _("Choose a number from 0 to 10"),
        },
    )


class HarmMeasureForm(forms.Form):
    """A person's answers from 0 to 10 at one stage: one radio group per question."""

    answered_on = DateField(label=_("Date answered"), past_only=True)
    version = VersionField()
    # For new answers: the version of the questions shown (see harm_measure_record).
    questions_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        questions: list[dict[str, str]],
        measure: HarmMeasure | None,
        questions_version: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        answered_on: Any = self.fields["answered_on"]
        answered_on.error_messages["required"] = _("Enter the date the answers were given")
        for question in questions:
            self.fields[f"q_{question['key']}"] = scale_field(
                question["text"],
                question["low"],
                question["high"],
                required_message=f"Choose a number from 0 to 10 for “{question['text']}”",
            )
        if measure is not None:
            versioned_initial(self, measure)
            self.fields["answered_on"].initial = measure.answered_on
            for rating in measure.ratings.all():
                if f"q_{rating.question_key}" in self.fields:
                    self.fields[f"q_{rating.question_key}"].initial = rating.rating
        else:
            self.fields["answered_on"].initial = timezone.localdate()
            self.fields["questions_version"].initial = questions_version

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{q['key']}"] for q in self.questions]

    def ratings(self) -> dict[str, int]:
        return {q["key"]: self.cleaned_data[f"q_{q['key']}"] for q in self.questions}


class QuestionSetForm(forms.Form):
    """The wording of each harm question and the names of its scale's ends."""

    version = VersionField()

    def __init__(self, *args: Any, question_set: HarmQuestionSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = str(question_set.version)
        self.groups = []
        for question in question_set.questions:
            key = question["key"]
            self.fields[f"{key}_text"] = forms.CharField(
                label=_("Question"), max_length=300, initial=question["text"]
            )
            self.fields[f"{key}_low"] = forms.CharField(
                label=_("What 0 means"), max_length=60, initial=question["low"]
            )
            self.fields[f"{key}_high"] = forms.CharField(
                label=_("What 10 means"), max_length=60, initial=question["high"]
            )
            for part, message in (
                ("text", _("Enter the question")),
                ("low", _("Enter what 0 means")),
                ("high", _("Enter what 10 means")),
            ):
                field = self.fields[f"{key}_{part}"]
                field.error_messages["required"] = message
                field.error_messages["max_length"] = _(
                    "%(label)s must be %(n)s characters or fewer"
                ) % {"label": field.label, "n": 60 if part != "text" else 300}
            self.groups.append(
                (question, [self[f"{key}_text"], self[f"{key}_low"], self[f"{key}_high"]])
            )

    def based_on_version(self) -> int | None:
        value = self.cleaned_data.get("version") or ""
        return int(value) if value.isdigit() else None

    def wording(self) -> dict[str, dict[str, str]]:
        keys = {name.rsplit("_", 1)[0] for name in self.fields if name != "version"}
        return {
            key: {part: self.cleaned_data[f"{key}_{part}"] for part in ("text", "low", "high")}
            for key in keys
        }


class FeedbackForm(forms.ModelForm):
    """The feedback questions, answered through a one-time link or given by phone."""

    harm_put_right = scale_field(
        "How much has the harm been put right?",
        "Not at all",
        "Completely",
        required_message="Choose a number from 0 to 10 for how much the harm has been put right",
    )

    class Meta:
        model = FeedbackResponse
        fields = FEEDBACK_FIELDS
        widgets = {
            "satisfied": forms.RadioSelect,
            "well_prepared": forms.RadioSelect,
            "listened_to": forms.RadioSelect,
            "felt_safe": forms.RadioSelect,
            "would_recommend": forms.RadioSelect,
            "comments": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "comments": {
                "max_length": "Anything else you tell us must be 2,000 characters or fewer"
            },
            "satisfied": {"required": "Choose how satisfied you are with the process"},
            "well_prepared": {"required": "Choose whether you felt well prepared"},
            "listened_to": {"required": "Choose whether you felt listened to"},
            "felt_safe": {"required": "Choose whether you felt safe"},
            "would_recommend": {"required": "Choose whether you would recommend it"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Worded in the language of the page (the person answers in Welsh or English); the
        # answers are stored as the same codes either way.
        wording = _feedback_wording()
        answers = _feedback_answers()
        for name, (label, required) in wording.items():
            field: Any = self.fields[name]
            field.label = label
            if required:
                field.error_messages["required"] = required
            if name in answers:
                field.choices = [
                    (v, answers[name].get(v, text)) for v, text in field.choices if v != ""
                ]
                field.error_messages["invalid_choice"] = gettext("Choose one of the answers")
        low, high = gettext("Not at all"), gettext("Completely")
        scale: Any = self.fields["harm_put_right"]
        scale.choices = scale_choices(low, high)
        scale.help_text = gettext("0 means “%(low)s”, 10 means “%(high)s”.") % {
            "low": low.lower(),
            "high": high.lower(),
        }
        scale.error_messages["invalid_choice"] = gettext("Choose a number from 0 to 10")
        comments = self.fields["comments"]
        comments.help_text = gettext("Please do not include anyone's contact details.")
        comments.error_messages["max_length"] = gettext(
            "Anything else you tell us must be 2,000 characters or fewer"
        )


def _feedback_wording() -> dict[str, tuple[str, str]]:
    """Each feedback question, and what to say when it is not answered."""
    return {
        "satisfied": (
            gettext("How satisfied are you with the restorative justice process?"),
            gettext("Choose how satisfied you are with the process"),
        ),
        "well_prepared": (
            gettext("Did you feel well prepared for it?"),
            gettext("Choose whether you felt well prepared"),
        ),
        "listened_to": (
            gettext("Did you feel listened to?"),
            gettext("Choose whether you felt listened to"),
        ),
        "felt_safe": (
            gettext("Did you feel safe taking part?"),
            gettext("Choose whether you felt safe"),
        ),
        "would_recommend": (
            gettext("Would you recommend it to someone in your position?"),
            gettext("Choose whether you would recommend it"),
        ),
        "harm_put_right": (
            gettext("How much has the harm been put right?"),
            gettext("Choose a number from 0 to 10 for how much the harm has been put right"),
        ),
        "comments": (gettext("Is there anything else you would like to tell us?"), ""),
    }


def _feedback_answers() -> dict[str, dict[str, str]]:
    # Welsh answers with the question's own verb ("Oeddwn", "Byddwn"): each has a context.
    yes_partly_no = {
        "yes": pgettext("did you feel?", "Yes"),
        "partly": pgettext("did you feel?", "Partly"),
        "no": pgettext("did you feel?", "No"),
    }
    return {
        "satisfied": {
            "very_satisfied": gettext("Very satisfied"),
            "satisfied": gettext("Satisfied"),
            "neither": gettext("Neither satisfied nor dissatisfied"),
            "dissatisfied": gettext("Dissatisfied"),
            "very_dissatisfied": gettext("Very dissatisfied"),
        },
        "well_prepared": yes_partly_no,
        "listened_to": yes_partly_no,
        "felt_safe": yes_partly_no,
        "would_recommend": {
            "yes": pgettext("would you?", "Yes"),
            "not_sure": pgettext("would you?", "Not sure"),
            "no": pgettext("would you?", "No"),
        },
    }


class FeedbackLinkForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How will you give them the link?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how to give them the link"),
            "invalid_choice": _("Choose how to give them the link"),
        },
    )

    def __init__(self, *args: Any, email_safe: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["delivery"]
        field.choices = [
            (Delivery.EMAIL, _("E-mail it to the address on their record")),
            (Delivery.ON_SCREEN, _("Show it on screen, to read out or pass on by text")),
        ]
        if not email_safe:
            field.choices = field.choices[1:]
            field.initial = Delivery.ON_SCREEN


class VictimsCodeForm(forms.ModelForm):
    crime_reported_on = DateField(
        label=_("Date the crime was reported"),
        required=False,
        past_only=True,
        help_text=_("Leave empty if it was not reported. For example, 27 3 2026."),
    )
    informed_on = DateField(
        label=_("Date first given information about restorative justice"),
        past_only=True,
        help_text=_("For example, 2 4 2026."),
    )
    version = VersionField()

    class Meta:
        model = VictimsCodeRecord
        fields = ["crime_reported_on", "informed_on", "informed_by", "informed_how"]
        widgets = {"informed_how": forms.RadioSelect}
        error_messages = {
            "informed_by": {
                "required": _("Enter who gave the information"),
                "max_length": _("Who gave the information must be 200 characters or fewer"),
            },
            "informed_how": {
                "required": _("Choose how the information was given"),
                "invalid_choice": _("Choose how the information was given"),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        informed_on: Any = self.fields["informed_on"]
        informed_on.error_messages["required"] = _(
            "Enter the date they were first given information about restorative justice"
        )
        how: Any = self.fields["informed_how"]
        how.choices = [c for c in how.choices if c[0] != ""]
        if self.instance.pk:
            versioned_initial(self, self.instance)


class ReoffendingCheckForm(forms.ModelForm):
    """The answer to a closed justice case's twelve-month reoffending check, and its source."""

    version = VersionField()

    class Meta:
        model = ReoffendingCheck
        fields = ["answer", "source"]
        widgets = {"answer": forms.RadioSelect}
        error_messages = {
            "answer": {
                "required": _("Choose whether they have offended again, or that it is not known"),
                "invalid_choice": _(
                    "Choose whether they have offended again, or that it is not known"
                ),
            },
            "source": {
                "required": _("Enter where the answer came from"),
                "max_length": _("Where the answer came from must be 200 characters or fewer"),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answer: Any = self.fields["answer"]
        answer.required = True
        answer.choices = [c for c in answer.choices if c[0] != ""]
        self.fields["source"].required = True
        versioned_initial(self, self.instance)
