from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.core.concurrency import VersionField
from amends.core.forms_govuk import DateField
from amends.training.models import (
    Assessment,
    Audience,
    Cohort,
    Course,
    EnrolmentStatus,
    Level,
    Programme,
)
from amends.training.services import trainers_of


class ProgrammeForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Programme
        fields = ["title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"summary": _("Shown at the top of the programme's public page.")}
        error_messages = {"title": {"required": _("Enter the programme's title")}}


class CourseForm(forms.ModelForm):
    version = VersionField()
    days = forms.IntegerField(
        label=_("Number of days"),
        min_value=1,
        max_value=20,
        help_text=_("For example, 3"),
        error_messages={
            "required": _("Enter the number of days"),
            "invalid": _("The number of days must be a whole number, like 3"),
        },
    )
    accredited_hours = forms.DecimalField(
        label=_("Accredited hours"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("500"),
        decimal_places=1,
        help_text=_("The hours of continuing development it counts for, like 21"),
        error_messages={"invalid": _("Accredited hours must be a number, like 21")},
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "level",
            "days",
            "accredited_hours",
            "summary",
            "learning_outcomes",
            "is_published",
        ]
        widgets = {
            "level": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "learning_outcomes": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "summary": _("What the course teaches, for the programme's public page."),
            "learning_outcomes": _("One on each line. By the end, people will be able to…"),
            "is_published": _("Published courses, and their open cohorts, show on the website."),
        }
        error_messages = {
            "title": {"required": _("Enter the course title")},
            "level": {
                "required": _("Select the course's level"),
                "invalid_choice": _("Select a level from the list"),
            },
            "summary": {"required": _("Enter what the course teaches")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level: Any = self.fields["level"]
        level.choices = Level.choices  # no empty choice among the radios


class CohortForm(forms.Form):
    """A cohort of a course: a date for each of the course's days, where, who and how many."""

    version = VersionField()
    audience = forms.ChoiceField(
        label=_("Who is it for?"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.OPEN,
        error_messages={
            "required": _("Select who the cohort is for"),
            "invalid_choice": _("Select who the cohort is for from the list"),
        },
    )
    client_organisation = forms.CharField(
        label=_("Client organisation"),
        required=False,
        max_length=200,
        help_text=_("For an in-house cohort: the organisation it is run for."),
    )
    venue = forms.CharField(
        label=_("Venue"),
        required=False,
        max_length=300,
        help_text=_("Name and address of the venue."),
    )
    online_link = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("If it runs online, the link people join by."),
        error_messages={"invalid": _("Enter the link in full, like https://meet.example.org/abc")},
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=200,
        help_text=_("The most people who can take part, like 16"),
        error_messages={
            "required": _("Enter the number of places"),
            "invalid": _("Places must be a whole number, like 16"),
        },
    )
    price = forms.DecimalField(
        label=_("Price in pounds"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        decimal_places=2,
        help_text=_(
            "Per place for an open cohort; the whole fee for an in-house cohort. "
            "Leave empty if not set."
        ),
        error_messages={"invalid": _("The price must be a number, like 450.00")},
    )
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers"),
        queryset=Cohort.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one trainer"),
            "invalid_choice": _("Select trainers from the list"),
        },
    )
    joining_instructions = forms.CharField(
        label=_("Joining instructions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Sent to each person when they are enrolled: arrival time, parking, what to bring."
        ),
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        trainers: Any = self.fields["trainers"]
        trainers.queryset = trainers_of(course.organisation_id)
        trainers.label_from_instance = lambda user: user.get_full_name() or user.email
        self.day_names = []
        for number in range(1, course.days + 1):
            name = f"day_{number}"
            self.fields[name] = DateField(
                label=_("Day %(number)s") % {"number": number} if course.days > 1 else _("Date"),
                help_text=_("For example, 14 3 2027"),
                error_messages={
                    "required": _("Enter the date of day %(number)s") % {"number": number}
                },
            )
            self.day_names.append(name)
        # The days first, as the page asks for them.
        order = [*self.day_names, *[n for n in self.fields if n not in self.day_names]]
        self.order_fields(order)

    def dates(self) -> list[datetime.date]:
        return [self.cleaned_data[name] for name in self.day_names]

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("day_")}
        data.pop("version", None)
        data["trainers"] = list(data["trainers"])
        data["dates"] = self.dates()
        return data


class EnrolmentForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter their full name")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("Joining instructions and any offer of a place are sent here."),
        error_messages={
            "required": _("Enter their e-mail address"),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.org"),
        },
    )
    organisation_name = forms.CharField(
        label=_("Organisation"), required=False, max_length=200, help_text=_("Where they work.")
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are they withdrawing?"),
        max_length=200,
        error_messages={"required": _("Enter why they are withdrawing")},
    )


class RegisterForm(forms.Form):
    """One day's register: a tick for each person there."""

    present = forms.MultipleChoiceField(
        label=_("Who is here"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # The marks as the page showed them ("id:1,id:0"): only marks changed here are saved.
    shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20000)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present: Any = self.fields["present"]
        present.choices = [(str(pk), name) for pk, name in people]

    def shown_marks(self) -> dict[int, bool]:
        marks: dict[int, bool] = {}
        for item in (self.cleaned_data.get("shown") or "").split(","):
            pk, _, mark = item.partition(":")
            if pk.isdigit() and mark in ("0", "1"):
                marks[int(pk)] = mark == "1"
        return marks


RESULT_CHOICES = [
    (EnrolmentStatus.COMPLETED.value, _("Completed: issue their certificate")),
    (EnrolmentStatus.NOT_COMPLETED.value, _("Did not complete")),
]


class ResultForm(forms.Form):
    version = VersionField()
    status = forms.ChoiceField(
        label=_("Did they complete the course?"),
        choices=RESULT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether they completed the course"),
            "invalid_choice": _("Select whether they completed the course"),
        },
    )
    assessment = forms.ChoiceField(
        label=_("Assessment result"),
        choices=Assessment.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Select an assessment result from the list")},
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the training team only; never on the certificate."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the certificate revoked?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept with the certificate and in the audit log. The public check shows only "
            "that it is revoked."
        ),
        error_messages={"required": _("Enter why the certificate is revoked")},
    )


class CertificateCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_(
            "It is printed on the certificate: 4 groups of 4 letters, like KHMT-PQRA-WXCE-FDNY"
        ),
        error_messages={"required": _("Enter the verification code from the certificate")},
    )
