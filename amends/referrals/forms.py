from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.core.forms_govuk import DateField
from amends.core.models import Organisation, Sector
from amends.core.vocabulary import (
    current_words,
    decline_choices,
    process_choices,
)
from amends.people.forms import IdentifierKindField, identifier_choices
from amends.people.forms import _age_in_band as age_in_band
from amends.people.models import AgeBand, Person
from amends.people.services import normalise_identifier
from amends.referrals.models import (
    INCIDENT_REFERENCES,
    Agreed,
    HarmType,
    JusticeStage,
    Need,
    ProposedRole,
    ReferralPerson,
    Risk,
    referral_problems,
)
from amends.referrals.services import PossibleMatch

MAX_PEOPLE = 20
NO_STAGE = "none"


class ErrorsInPageOrder(forms.Form):
    """Errors found by clean() listed in the order of the fields, as the error summary needs."""

    def full_clean(self) -> None:
        super().full_clean()
        errors = self.errors
        if errors:
            ordered = {
                name: errors[name] for name in [NON_FIELD_ERRORS, *self.fields] if name in errors
            }
            errors.clear()
            errors.update(ordered)


class ReferralForm(ErrorsInPageOrder):
    sector = forms.ChoiceField(
        label=_("Which kind of service is this referral for?"),
        choices=Sector.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of service the referral is for"),
            "invalid_choice": _("Choose a kind of service from the list"),
        },
    )
    source_agency = forms.CharField(
        label=_("Referring agency"),
        max_length=120,
        help_text=_("For example, Northbridge Police, Kingsmead Academy, Riverside Homes."),
        error_messages={
            "required": _("Enter the referring agency"),
            "max_length": _("The referring agency must be 120 characters or fewer"),
        },
    )
    referrer_name = forms.CharField(
        label=_("Referrer's name"),
        max_length=120,
        error_messages={
            "required": _("Enter the referrer's name"),
            "max_length": _("The referrer's name must be 120 characters or fewer"),
        },
    )
    referrer_contact = forms.CharField(
        label=_("Referrer's phone or e-mail"),
        max_length=254,
        required=False,
        error_messages={"max_length": _("The phone or e-mail must be 254 characters or fewer")},
    )
    received_on = DateField(
        label=_("Date received"), past_only=True, help_text=_("For example, 24 11 2026.")
    )
    incident_date = DateField(label=_("Date of the incident"), required=False, past_only=True)
    incident_reference = forms.CharField(
        label=_("Crime or incident reference"),
        max_length=30,
        required=False,
        error_messages={"max_length": _("The reference must be 30 characters or fewer")},
    )
    incident_summary = forms.CharField(
        label=_("What happened"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Facts only: what happened, where, and who was affected."),
        error_messages={
            "required": _("Enter what happened"),
            "max_length": _("What happened must be 4,000 characters or fewer"),
        },
    )
    harm_type = forms.ModelChoiceField(
        label=_("Kind of harm"),
        queryset=HarmType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the kind of harm"),
            "invalid_choice": _("Choose a kind of harm from the list"),
        },
    )
    justice_stage = forms.ChoiceField(
        label=_("Criminal justice stage"),
        choices=JusticeStage.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose a stage from the list")},
    )
    risks = forms.MultipleChoiceField(
        label=_("Known risks and safety concerns"),
        choices=Risk.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("About anyone involved. Select all that apply."),
        error_messages={
            "required": _("Choose the known risks and safety concerns, or “None known”"),
            "invalid_choice": _("Choose risks from the list"),
        },
    )
    risk_note = forms.CharField(
        label=_("About the risks"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who the risk is from or to, and anything that keeps people safe."),
        error_messages={"max_length": _("About the risks must be 1,000 characters or fewer")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        harm_type: Any = self.fields["harm_type"]
        harm_type.queryset = HarmType.objects.for_organisation(organisation)
        sectors = [(v, label) for v, label in Sector.choices if v in organisation.sectors] or list(
            Sector.choices
        )
        codes = [code for code, _ in sectors]
        sector: Any = self.fields["sector"]
        sector.choices = sectors
        reference = self.fields["incident_reference"]
        # What the reference is called, for each sector the form can be sent for.
        self.reference_kinds = {
            code: {"label": INCIDENT_REFERENCES[code].label, "hint": INCIDENT_REFERENCES[code].hint}
            for code in codes
        }
        chosen = codes[0] if len(codes) == 1 else self.data.get("sector")
        if len(sectors) == 1:
            sector.initial = codes[0]
            sector.widget = forms.HiddenInput()
        if chosen in self.reference_kinds:
            reference.label = self.reference_kinds[chosen]["label"]
            reference.help_text = self.reference_kinds[chosen]["hint"]
        else:
            reference.help_text = "The reference of the " + " or the ".join(
                INCIDENT_REFERENCES[code].label.lower() for code in codes
            )
        if Sector.JUSTICE not in codes:
            del self.fields["justice_stage"]
        elif len(sectors) > 1:
            # Without JavaScript the stage shows whatever the sector; this lets it be left out.
            stage: Any = self.fields["justice_stage"]
            stage.choices = [
                *JusticeStage.choices,
                (NO_STAGE, _("Does not apply: not a justice referral")),
            ]
            stage.help_text = _("Only for a criminal and civil justice referral.")
        self.fields["received_on"].initial = timezone.localdate()

    @property
    def asks_sector(self) -> bool:
        return not self["sector"].is_hidden

    def clean_incident_reference(self) -> str:
        return " ".join(self.cleaned_data["incident_reference"].upper().split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sector = data.get("sector")
        if data.get("justice_stage") == NO_STAGE:
            data["justice_stage"] = ""
        data.setdefault("justice_stage", "")
        for field, message in referral_problems(
            sector=sector,
            justice_stage=data["justice_stage"],
            incident_reference=data.get("incident_reference", ""),
            risks=data.get("risks", []),
        ).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data


class ProposedPersonForm(ErrorsInPageOrder):
    role = forms.ChoiceField(
        label=_("Their part"),
        choices=lambda: current_words().role_choices(ProposedRole.values, long=True),
        widget=forms.RadioSelect,
    )
    given_name = forms.CharField(label=_("First name"), max_length=100)
    family_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = DateField(
        label=_("Date of birth"),
        required=False,
        past_only=True,
        help_text=_("For example, 27 3 2009. Leave blank if not known and choose an age band."),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=[("", _("Not known")), *AgeBand.choices], required=False
    )
    agreed_to_referral = forms.ChoiceField(
        label=_("Have they agreed to be referred?"),
        choices=Agreed.choices,
        widget=forms.RadioSelect,
    )
    agreed_to_contact = forms.ChoiceField(
        label=_("Have they agreed to be contacted by the service?"),
        choices=Agreed.choices,
        widget=forms.RadioSelect,
    )
    needs = forms.MultipleChoiceField(
        label=_("Do they need any of these to take part?"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Select all that apply."),
    )
    language = forms.CharField(
        label=_("Language they prefer, if not English"), max_length=60, required=False
    )
    needs_note = forms.CharField(
        label=_("About their needs"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example, British Sign Language, large print, a wheelchair user."),
    )
    identifier_kind = IdentifierKindField(
        label=_("Reference you know them by"),
        choices=lambda: [("", "None"), *identifier_choices()],
        required=False,
        help_text=_("So the service can find them if it already knows them."),
    )
    identifier_value = forms.CharField(
        label=_("The reference"),
        max_length=30,
        required=False,
        help_text=_("As it is written in your records."),
    )
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    safe_contact = forms.CharField(
        label=_("Safe way to contact them"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("If you know it. For example, only call after 6pm; do not leave a voicemail."),
    )

    def __init__(self, data: QueryDict | None = None, *, number: int) -> None:
        # A section left blank is not judged, and not sent (as in a formset).
        super().__init__(
            data, prefix=f"person{number}", empty_permitted=True, use_required_attribute=False
        )
        self.number = number
        who = {"who": _("person %(number)s") % {"number": number}}
        required = {
            "role": _("Choose the part of %(who)s: harmed, responsible, supporter or another part"),
            "given_name": _("Enter the first name of %(who)s"),
            "family_name": _("Enter the last name of %(who)s"),
            "agreed_to_referral": _("Choose whether %(who)s agreed to be referred, or “Not asked”"),
            "agreed_to_contact": _("Choose whether %(who)s agreed to be contacted, or “Not asked”"),
        }
        for name, message in required.items():
            self.fields[name].error_messages["required"] = message % who
        messages = {
            "role": _("Choose the part of %(who)s from the list"),
            "agreed_to_referral": _("Choose whether %(who)s agreed to be referred"),
            "agreed_to_contact": _("Choose whether %(who)s agreed to be contacted"),
            "needs": _("Choose the needs of %(who)s from the list"),
            "age_band": _("Choose the age band of %(who)s from the list"),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["invalid_choice"] = message % who
        lengths = {
            "given_name": (
                _("The first name of %(who)s must be %(limit)s characters or fewer"),
                100,
            ),
            "family_name": (
                _("The last name of %(who)s must be %(limit)s characters or fewer"),
                100,
            ),
            "language": (_("The language of %(who)s must be %(limit)s characters or fewer"), 60),
            "needs_note": (
                _("About their needs of %(who)s must be %(limit)s characters or fewer"),
                500,
            ),
            "phone": (_("The phone number of %(who)s must be %(limit)s characters or fewer"), 30),
            "safe_contact": (
                _("The safe way to contact them of %(who)s must be %(limit)s characters or fewer"),
                500,
            ),
        }
        for name, (message, limit) in lengths.items():
            self.fields[name].error_messages["max_length"] = message % {
                **who,
                "limit": f"{limit:,}",
            }

    def full_clean(self) -> None:
        super().full_clean()
        born = self.errors.get("date_of_birth")
        if born:
            # "Date of birth must include a year": whose, among several people.
            self.errors["date_of_birth"] = self.error_class(
                [
                    str(m).replace(
                        gettext("Date of birth"),
                        gettext("Date of birth of person %(number)s") % {"number": self.number},
                        1,
                    )
                    for m in born
                ]
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        who = _("person %(number)s") % {"number": self.number}
        band, born = data.get("age_band"), data.get("date_of_birth")
        if band and born:
            age = Person(date_of_birth=born).age_on(timezone.localdate())
            if age is not None and not age_in_band(age, band):
                self.add_error(
                    "age_band",
                    _("The age band of %(who)s does not match their date of birth") % {"who": who},
                )
        if Need.INTERPRETER in data.get("needs", []) and not data.get("language"):
            self.add_error(
                "language", _("Enter the language %(who)s needs an interpreter for") % {"who": who}
            )
        kind, value = data.get("identifier_kind"), data.get("identifier_value", "")
        if value and not kind:
            self.add_error(
                "identifier_kind", _("Choose what kind of reference %(who)s has") % {"who": who}
            )
        elif kind:
            try:
                data["identifier_value"] = normalise_identifier(kind, value)
            except ValidationError as exc:
                for message in exc.message_dict.get("value", exc.messages):
                    self.add_error(
                        "identifier_value",
                        _("%(message)s (%(who)s)") % {"message": message, "who": who},
                    )
        return data

    def details(self) -> dict[str, Any]:
        """The person's details, as referral_create takes them."""
        data = self.cleaned_data
        return {name: data[name] for name in PERSON_FIELDS}


PERSON_FIELDS = (
    "role",
    "given_name",
    "family_name",
    "date_of_birth",
    "age_band",
    "agreed_to_referral",
    "agreed_to_contact",
    "needs",
    "language",
    "needs_note",
    "identifier_kind",
    "identifier_value",
    "phone",
    "safe_contact",
)


def people_forms(data: QueryDict | None, count: int) -> list[ProposedPersonForm]:
    return [ProposedPersonForm(data, number=n) for n in range(1, count + 1)]


NEW_RECORD = "new"


class AcceptForm(forms.Form):
    """Accepting a referral: the process, and who each proposed person is.

    A proposed person who may already be recorded gets a choice, `person_<pk>`:
    one of the possible matches, or someone new. One with no possible match is
    added as someone new without asking.
    """

    planned_process = forms.ChoiceField(
        label=_("Planned process"),
        choices=process_choices,
        widget=forms.RadioSelect,
        help_text=_("You can change this later as preparation goes on."),
        error_messages={
            "required": _("Choose the planned process"),
            "invalid_choice": _("Choose a process from the list"),
        },
    )

    def __init__(
        self,
        *args: Any,
        proposed: list[ReferralPerson] | None = None,
        matches: dict[int, list[PossibleMatch]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.matches = matches or {}
        self.people_by_pk: dict[str, Person] = {}
        for item in proposed or []:
            found = self.matches.get(item.pk) or []
            if not found:
                continue
            name = f"{item.given_name} {item.family_name}".strip()
            self.people_by_pk.update({str(m.person.pk): m.person for m in found})
            self.fields[f"person_{item.pk}"] = forms.ChoiceField(
                label=_("Who is %(name)s?") % {"name": name},
                choices=[(str(m.person.pk), m.person.display_name) for m in found]
                + [(NEW_RECORD, _("Someone new: add %(name)s as a new record") % {"name": name})],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _(
                        "Choose who %(name)s is: someone already recorded, or someone new"
                    )
                    % {"name": name},
                    "invalid_choice": _("Choose who %(name)s is from the list") % {"name": name},
                },
            )

    def chosen_people(self) -> dict[int, Person | None]:
        """For each proposed person asked about: the record chosen, or None for a new one."""
        return {
            int(name.removeprefix("person_")): self.people_by_pk.get(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("person_")
        }


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is it declined?"),
        choices=decline_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why the referral is declined"),
            "invalid_choice": _("Choose a reason from the list"),
        },
    )
    note = forms.CharField(
        label=_("Note for the record"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Not shown to the referrer."),
    )


class HarmTypeForm(forms.Form):
    name = forms.CharField(
        label=_("New kind of harm"),
        max_length=80,
        error_messages={
            "required": _("Enter the name of the kind of harm"),
        },
    )
