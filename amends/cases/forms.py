from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amends.accounts.models import User
from amends.cases.models import (
    RISK_CONCERNS,
    Acknowledgement,
    Case,
    CaseStatus,
    ConsentDecision,
    ConsentMethod,
    ConsentScope,
    ContactKind,
    ContactOutcome,
    Party,
    PartyRole,
    RiskDecision,
)
from amends.core.concurrency import VersionField, versioned_initial
from amends.core.forms_govuk import DateField
from amends.core.models import Membership, Role, Sector
from amends.core.vocabulary import (
    closure_choices,
    current_words,
    process_choices,
    words_for,
)
from amends.people.models import Person
from amends.practitioners.standing import standing_notes
from amends.referrals.models import HarmType


def _choices_without_blank(field: Any) -> None:
    field.choices = [c for c in field.choices if c[0] != ""]


def party_label(party: Party) -> str:
    """A party as staff see them in a choice: full name and part in the case."""
    return f"{party.person.full_name} ({party.get_role_display().lower()})"


def case_parties(case: Case) -> Any:
    return case.parties.select_related("person").order_by("pk")


def party_choices(field: Any, case: Case) -> None:
    """Offer the case's parties, each named with their part."""
    field.queryset = case_parties(case)
    field.label_from_instance = party_label


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return party_label(obj)


class PartyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return party_label(obj)


class FacilitatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference or name"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *CaseStatus.choices]
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any sector")), *Sector.choices]
    )
    process = forms.ChoiceField(
        label=_("Planned process"),
        required=False,
        choices=lambda: [("", _("Any process")), *process_choices()],
    )
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )
    part = forms.ChoiceField(
        label=_("As"),
        required=False,
        choices=[
            ("", _("Lead or co-facilitator")),
            ("lead", _("Lead")),
            ("co", _("Co-facilitator")),
        ],
    )
    overdue = forms.BooleanField(
        label=_("Only open cases whose next step is overdue"),
        help_text=_("The next step was due before today."),
        required=False,
    )
    unallocated = forms.BooleanField(label=_("Only cases without a facilitator"), required=False)
    open = forms.BooleanField(label=_("Only open cases"), required=False)

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facilitator: Any = self.fields["facilitator"]
        facilitator.queryset = facilitators_of(member)


def facilitators_of(member: Membership) -> Any:
    return User.objects.filter(
        memberships__organisation_id=member.organisation_id,
        memberships__is_active=True,
        memberships__role__in=[Role.FACILITATOR, Role.COORDINATOR],
    ).order_by("full_name")


def _open_case_count(organisation_id: int, role_field: str) -> Coalesce:
    cases = (
        Case.objects.filter(organisation_id=organisation_id, **{role_field: OuterRef("pk")})
        .exclude(status=CaseStatus.CLOSED)
        .order_by()
        .values(role_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(cases, output_field=IntegerField()), Value(0))


def facilitators_with_caseload(member: Membership) -> Any:
    """The service's facilitators, each with their open cases here as lead and as co, in one query."""
    return facilitators_of(member).annotate(
        open_as_lead=_open_case_count(member.organisation_id, "lead_facilitator"),
        open_as_co=_open_case_count(member.organisation_id, "co_facilitator"),
    )


def caseload_label(user: Any) -> str:
    """ "Bob Barraclough (3 open cases: 2 as lead, 1 as co-facilitator)"."""
    lead, co = user.open_as_lead, user.open_as_co
    if not lead + co:
        return _("%(name)s (no open cases)") % {"name": user.get_full_name()}
    return ngettext(
        "%(name)s (%(total)s open case: %(lead)s as lead, %(co)s as co-facilitator)",
        "%(name)s (%(total)s open cases: %(lead)s as lead, %(co)s as co-facilitator)",
        lead + co,
    ) % {"name": user.get_full_name(), "total": lead + co, "lead": lead, "co": co}


class _SharedChoices(forms.models.ModelChoiceIterator):
    """Choices read once for the whole form, so the lead and co-facilitator lists share a query."""

    def __init__(self, field: Any, read: Callable[[], list[Any]]) -> None:
        super().__init__(field)
        self.read = read

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.read():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.read()) + (self.field.empty_label is not None)


class AllocateForm(forms.Form):
    lead_facilitator = forms.ModelChoiceField(
        label=_("Lead facilitator"),
        queryset=User.objects.none(),
        empty_label=_("Choose a facilitator"),
        error_messages={
            "required": _("Choose the lead facilitator"),
            "invalid_choice": _("Choose a facilitator from the list"),
        },
    )
    co_facilitator = forms.ModelChoiceField(
        label=_("Co-facilitator"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No co-facilitator"),
        error_messages={"invalid_choice": _("Choose a facilitator from the list")},
    )
    override_reason = forms.CharField(
        label=_("Reason to allocate anyway"),
        help_text=_(
            "Only if the lead facilitator does not hold the training this case needs. "
            "It shows on the case and in the audit log: do not name the people in the case."
        ),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, member: Membership, case: Case | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        facilitators = facilitators_with_caseload(member)
        read: list[list[Any]] = []
        # What each facilitator lacks to lead this case ("no schools training"), read with them.
        notes: dict[int, str] = {}

        def read_once() -> list[Any]:
            if not read:
                read.append(list(facilitators))
                if case is not None:
                    notes.update(standing_notes(read[0], case))
            return read[0]

        def label(user: Any) -> str:
            # The missing training goes straight after the name: a long label is cut off at the
            # select's edge, and the caseload matters less than what the lead may not hold.
            note = notes.get(user.pk)
            caseload = caseload_label(user)
            if not note:
                return caseload
            name = user.get_full_name()
            return f"{name} ({note}){caseload[len(name) :]}"

        for name in ("lead_facilitator", "co_facilitator"):
            field: Any = self.fields[name]
            field.iterator = lambda f: _SharedChoices(f, read_once)
            field.queryset = facilitators  # checks a posted choice; the lists use read_once
            field.label_from_instance = label


class CaseDetailsForm(forms.ModelForm):
    incident_date = DateField(label=_("Date of the incident"), required=False, past_only=True)
    next_step_due = DateField(label=_("Next step due by"), required=False)
    version = VersionField()

    class Meta:
        model = Case
        fields = [
            "harm_summary",
            "harm_type",
            "incident_date",
            "planned_process",
            "next_step",
            "next_step_due",
        ]
        labels = {"harm_type": _("Kind of harm"), "next_step": _("Next step")}
        widgets = {
            "harm_summary": forms.Textarea(attrs={"rows": 5}),
            "planned_process": forms.RadioSelect,
        }
        error_messages = {
            "harm_summary": {"required": _("Enter a summary of the harm")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        harm_type: Any = self.fields["harm_type"]
        harm_type.queryset = HarmType.objects.for_organisation(self.instance.organisation)
        harm_type.empty_label = _("Not given")
        planned_process: Any = self.fields["planned_process"]
        planned_process.choices = words_for(
            self.instance.organisation, self.instance.sector
        ).process_choices(current=self.instance.planned_process)
        versioned_initial(self, self.instance)


class PartyAddForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Their part in the case"),
        choices=lambda: current_words().role_choices(PartyRole.values),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose their part in the case"),
            "invalid_choice": _("Choose a part from the list"),
        },
    )
    supports = forms.ModelChoiceField(
        label=_("Who do they support?"),
        help_text=_("Only for a supporter or a parent or carer."),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Choose someone already recorded"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    given_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    date_of_birth = DateField(label=_("Date of birth"), required=False, past_only=True)

    def __init__(self, *args: Any, case: Case, matches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_choices(self.fields["supports"], case)
        person: Any = self.fields["person"]
        person.queryset = matches
        person.label_from_instance = lambda p: (
            _("%(name)s, born %(born)s")
            % {"name": p.display_name, "born": f"{p.date_of_birth:%-d %B %Y}"}
            if p.date_of_birth
            else p.display_name
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("given_name") and data.get("family_name")):
            self.add_error(
                "given_name",
                _(
                    "Choose someone already recorded, or enter the first and last name of someone new"
                ),
            )
        return data


class ConsentForm(forms.Form):
    party = forms.ModelChoiceField(
        label=_("Whose taking part is this about?"),
        queryset=Party.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose whose taking part this is about"),
            "invalid_choice": _("Choose someone in this case"),
        },
    )
    given_by = forms.ModelChoiceField(
        label=_("Who gave or refused consent?"),
        help_text=_("The person themself, or for a child, their parent or carer."),
        queryset=Party.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose who gave or refused consent"),
            "invalid_choice": _("Choose someone in this case"),
        },
    )
    scope = forms.ChoiceField(
        label=_("What is the consent for?"),
        help_text=_(
            "Record each on its own. A direct meeting needs consent to a direct meeting "
            "as well as to taking part."
        ),
        choices=ConsentScope.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the consent is for"),
            "invalid_choice": _("Choose what the consent is for from the list"),
        },
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ConsentDecision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the decision"),
            "invalid_choice": _("Choose a decision from the list"),
        },
    )
    method = forms.ChoiceField(
        label=_("How was it obtained?"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how consent was obtained"),
            "invalid_choice": _("Choose a way from the list"),
        },
    )
    decided_on = DateField(label=_("Date"), past_only=True)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_choices(self.fields["party"], case)
        party_choices(self.fields["given_by"], case)
        self.fields["decided_on"].initial = timezone.localdate()


class RiskAssessmentForm(forms.Form):
    # The version of the case's current assessment when the page was loaded.
    version = VersionField()
    acknowledgement = forms.ChoiceField(
        label=_("Does the person responsible acknowledge responsibility?"),
        choices=Acknowledgement.choices,
        widget=forms.RadioSelect,
    )
    narrative = forms.CharField(
        label=_("Assessment"),
        help_text=_("What you found, and why you reached your decision."),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the assessment")},
    )
    mitigations = forms.CharField(
        label=_("Mitigations"),
        help_text=_(
            "What will keep everyone safe: separate waiting rooms, a supporter, a shorter meeting."
        ),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=RiskDecision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the decision"),
            "invalid_choice": _("Choose a decision from the list"),
        },
    )
    assessed_on = DateField(label=_("Date of the assessment"), past_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        responsible = current_words().responsible
        acknowledgement = self.fields["acknowledgement"]
        acknowledgement.label = _("Does the %(responsible)s acknowledge responsibility?") % {
            "responsible": responsible
        }
        acknowledgement.error_messages["required"] = _(
            "Choose how far the %(responsible)s acknowledges responsibility"
        ) % {"responsible": responsible}
        for name, question in RISK_CONCERNS:
            self.fields[name] = forms.BooleanField(label=question, required=False)
        self.fields["assessed_on"].initial = timezone.localdate()

    def concern_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _question in RISK_CONCERNS]


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of contact"),
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of contact"),
            "invalid_choice": _("Choose a kind from the list"),
        },
    )
    party = forms.ModelChoiceField(
        label=_("With"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("Nobody in particular"),
    )
    contact_on = DateField(label=_("Date"), past_only=True)
    outcome = forms.ChoiceField(
        label=_("What happened?"),
        choices=ContactOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what happened"),
            "invalid_choice": _("Choose what happened from the list"),
        },
    )
    next_contact_on = DateField(
        label=_("Next contact"),
        help_text=_(
            "If you plan to try again or get back in touch. It becomes the case's next "
            "step unless a meeting or agreement step comes first. For example, 14 3 2027"
        ),
        required=False,
        future_only=True,
    )
    minutes = forms.IntegerField(
        label=_("Minutes spent"),
        min_value=1,
        max_value=1440,
        error_messages={
            "required": _("Enter the minutes spent"),
            "invalid": _("Minutes spent must be a whole number, like 30"),
            "min_value": _("Minutes spent must be between 1 and 1440"),
            "max_value": _("Minutes spent must be between 1 and 1440"),
        },
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_choices(self.fields["party"], case)
        self.fields["contact_on"].initial = timezone.localdate()


class PartyNotesForm(forms.Form):
    version = VersionField()
    private_notes = forms.CharField(
        label=_("Private notes"),
        help_text=_("Never shown in anything meant for the other side."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did the case end?"),
        choices=closure_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the case ended"),
            "invalid_choice": _("Choose an outcome from the list"),
        },
    )
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you reopening the case?"),
        help_text=_("This goes on the case's timeline. Do not include sensitive details."),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter why the case is being reopened"),
            "max_length": _("The reason for reopening the case must be 200 characters or fewer"),
        },
    )
