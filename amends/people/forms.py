from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.core.concurrency import VersionField, versioned_initial
from amends.core.forms_govuk import DateField, TimeField
from amends.core.vocabulary import current_words
from amends.people.models import (
    IDENTIFIER_FORMATS,
    AgeBand,
    IdentifierKind,
    MessageLanguage,
    Person,
    SafeToUse,
)

PHONE_RE = re.compile(r"^\+?[0-9 ()-]{10,20}$")


class PersonForm(forms.ModelForm):
    date_of_birth = DateField(
        label=_("Date of birth"),
        required=False,
        past_only=True,
        help_text=_("For example, 27 3 2009. Leave blank if not known and choose an age band."),
    )
    marked_child = forms.BooleanField(
        label=_("This person is under 18"),
        required=False,
        help_text=_("Only needed when the date of birth is not known."),
    )
    contact_from = TimeField(
        label=_("From"), required=False, help_text=_("For example, 9am or 09:00.")
    )
    contact_until = TimeField(
        label=_("Until"), required=False, help_text=_("For example, 6pm or 18:00.")
    )
    version = VersionField()

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "known_as",
            "pronouns",
            "date_of_birth",
            "age_band",
            "email",
            "phone",
            "address",
            "preferred_contact",
            "voicemail_safe",
            "text_safe",
            "letter_safe",
            "email_safe",
            "contact_from",
            "contact_until",
            "safe_contact_notes",
            "language",
            "interpreter_needed",
            "message_language",
            "accessibility_needs",
            "year_group",
            "form_group",
        ]
        help_texts = {
            "known_as": _("The name they like to be called, if different."),
            "pronouns": _("For example, she/her, he/him, they/them."),
            "address": _("The address it is safe to write to or visit."),
            "safe_contact_notes": _(
                "For example, only call after 6pm; do not mention the case to anyone who answers."
            ),
            "accessibility_needs": _(
                "Anything that helps them take part: large print, step-free access, breaks."
            ),
            "message_language": _(
                "Letters, e-mails and texts to them are written in this language."
            ),
            "year_group": _("For example, Year 8."),
            "form_group": _("For example, 8B."),
        }
        labels = {"accessibility_needs": _("Accessibility needs"), "address": _("Address")}
        widgets = {
            "voicemail_safe": forms.RadioSelect,
            "text_safe": forms.RadioSelect,
            "letter_safe": forms.RadioSelect,
            "email_safe": forms.RadioSelect,
            "message_language": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
            "safe_contact_notes": forms.Textarea(attrs={"rows": 3}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "given_name": {"required": _("Enter their first name")},
            "family_name": {"required": _("Enter their last name")},
            "email": {"max_length": _("E-mail address must be 254 characters or fewer")},
            "address": {"max_length": _("Address must be 500 characters or fewer")},
            "year_group": {"max_length": _("Year group must be 20 characters or fewer")},
            "form_group": {"max_length": _("Form or class must be 20 characters or fewer")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["age_band"].choices = [("", _("Not known")), *AgeBand.choices]
        fields["preferred_contact"].choices = [("", _("Not known"))] + [
            c for c in fields["preferred_contact"].choices if c[0]
        ]
        for name in ("voicemail_safe", "text_safe", "letter_safe", "email_safe"):
            fields[name].choices = [c for c in fields[name].choices if c[0]]
        # Answers added after people were first recorded: left unanswered, they keep the default.
        for name in ("email_safe", "message_language"):
            fields[name].required = False
        if current_words().sector != "schools":
            # A place on a school's roll means nothing to the other sectors.
            del fields["year_group"], fields["form_group"]
        if self.instance.pk:
            self.fields["marked_child"].initial = self.instance.is_child
            versioned_initial(self, self.instance)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if email:
            try:
                forms.EmailField().clean(email)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("Enter an e-mail address in the correct format, like name@example.org")
                ) from exc
        return email

    def clean_email_safe(self) -> str:
        return self.cleaned_data.get("email_safe") or SafeToUse.UNKNOWN

    def clean_message_language(self) -> str:
        return self.cleaned_data.get("message_language") or MessageLanguage.ENGLISH

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                _("Enter a phone number, like 01632 960 001 or 07700 900 982")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        band = data.get("age_band")
        dob = data.get("date_of_birth")
        if dob and band:
            age = Person(date_of_birth=dob).age_on(datetime.date.today())
            if age is not None and not _age_in_band(age, band):
                self.add_error("age_band", _("The age band does not match the date of birth"))
        start, end = data.get("contact_from"), data.get("contact_until")
        if start and end and end <= start:
            self.add_error("contact_until", _("The time until must be later than the time from"))
        return data


def _age_in_band(age: int, band: str) -> bool:
    bounds = {
        AgeBand.UNDER_10: (0, 9),
        AgeBand.AGE_10_13: (10, 13),
        AgeBand.AGE_14_17: (14, 17),
        AgeBand.AGE_18_24: (18, 24),
        AgeBand.AGE_25_39: (25, 39),
        AgeBand.AGE_40_59: (40, 59),
        AgeBand.AGE_60_PLUS: (60, 200),
    }
    low, high = bounds[AgeBand(band)]
    return low <= age <= high


def identifier_choices() -> list[tuple[str, str]]:
    """The kinds of identifier the current sector knows people by."""
    # The labels are lazy: they read in the language of the page when shown.
    labels = cast("dict[str, str]", dict(IdentifierKind.choices))
    return current_words().identifier_choices(labels)


def identifier_hint() -> str:
    """For example, "Police reference like 41/12345/26; prison number like A1234BC."."""
    choices = identifier_choices()
    return (
        "; ".join(
            f"{label if i == 0 else label.lower()} like {IDENTIFIER_FORMATS[code][1]}"
            for i, (code, label) in enumerate(choices)
        )
        + "."
    )


class IdentifierKindField(forms.ChoiceField):
    """Offers the sector's kinds of identifier (a school, the unique pupil number) and accepts
    any kind Amends knows, so a service may still record one its sector rarely uses."""

    def valid_value(self, value: Any) -> bool:
        return value in IdentifierKind.values


class IdentifierForm(forms.Form):
    kind = IdentifierKindField(
        label=_("Kind of identifier"),
        choices=identifier_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the kind of identifier"),
            "invalid_choice": _("Select a kind of identifier from the list"),
        },
    )
    value = forms.CharField(
        label=_("Identifier"),
        max_length=30,
        error_messages={
            "required": _("Enter the identifier"),
            "max_length": _("The identifier must be 30 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].help_text = identifier_hint()


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or reference"), required=False, max_length=100)
