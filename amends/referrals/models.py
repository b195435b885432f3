"""Referrals: how work arrives, and the triage that accepts or declines it."""

from __future__ import annotations

import re
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedCharField, EncryptedTextField
from amends.core.models import (
    Membership,
    Organisation,
    OrganisationOwned,
    OrganisationQuerySet,
    Role,
    Sector,
)
from amends.core.vocabulary import SECTOR_WORDS, current_words, harm_type_defaults
from amends.people.models import AgeBand, IdentifierKind, MessageLanguage, Person

# Kinds of harm that need extra care: a lead facilitator needs advanced training for them.
NEEDS_ADVANCED_TRAINING = {
    "domestic abuse",
    "sexual harm",
    "stalking",
    "hate crime",
    "hate incident",
    "serious violence",
}


def needs_advanced_training(name: str) -> bool:
    return " ".join(name.split()).lower() in NEEDS_ADVANCED_TRAINING


class HarmTypeQuerySet(OrganisationQuerySet):
    readable_by = (Role.COORDINATOR, Role.FACILITATOR, Role.REFERRER, Role.VIEWER)

    def for_organisation(self, organisation: Organisation) -> Self:
        """The organisation's list, starting it the first time with its sectors' harm types."""
        if not self.model.objects.filter(organisation=organisation).exists():
            self.model.objects.bulk_create(
                [
                    self.model(
                        organisation=organisation,
                        name=name,
                        position=i,
                        needs_advanced_training=needs_advanced_training(name),
                    )
                    for i, name in enumerate(harm_type_defaults(organisation.sectors))
                ],
                ignore_conflicts=True,  # two first requests at once
            )
        return self.filter(organisation=organisation, is_active=True)


class HarmType(OrganisationOwned):
    """A kind of harm. Each organisation keeps its own list, starting from its sectors' one."""

    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    needs_advanced_training = models.BooleanField(
        _("Needs advanced training"),
        default=False,
        help_text=_("A lead facilitator needs advanced training for the case's sector."),
    )

    objects = HarmTypeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="harm_type_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class JusticeStage(models.TextChoices):
    OUT_OF_COURT = "out_of_court", _("Out of court")
    PRE_SENTENCE = "pre_sentence", _("Pre-sentence")
    POST_SENTENCE_COMMUNITY = "post_sentence_community", _("Post-sentence, in the community")
    IN_CUSTODY = "in_custody", _("In custody")
    NOT_A_CRIME = "not_a_crime", _("Not a crime")


class ReferralSource(models.TextChoices):
    AGENCY = "agency", _("An agency or referrer")
    SELF = "self", _("Self-referral")


class ReferralStatus(models.TextChoices):
    NEW = "new", _("Waiting for triage")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class DeclineReason(models.TextChoices):
    NOT_SUITABLE = "not_suitable", _("Not suitable for a restorative process")
    OUTSIDE_REMIT = "outside_remit", _("Outside what this service covers")
    DUPLICATE = "duplicate", _("Already referred")
    NOT_ENOUGH_INFORMATION = "not_enough_information", _("Not enough information")
    OTHER_SERVICE = "other_service", _("Better met by another service")
    # Each sector says this in its own words (core.vocabulary), e.g. the behaviour policy.
    HANDLED_OTHERWISE = "handled_otherwise", _("Better dealt with another way")


class ProposedRole(models.TextChoices):
    HARMED = "harmed", _("Person harmed")
    RESPONSIBLE = "responsible", _("Person responsible")
    SUPPORTER_OF_HARMED = "supporter_of_harmed", _("Supporter of the person harmed")
    SUPPORTER_OF_RESPONSIBLE = "supporter_of_responsible", _("Supporter of the person responsible")
    PARENT_OF_HARMED = "parent_of_harmed", _("Parent or carer of the person harmed")
    PARENT_OF_RESPONSIBLE = "parent_of_responsible", _("Parent or carer of the person responsible")
    COMMUNITY = "community", _("Community member")
    PROFESSIONAL = "professional", _("Professional, such as a social worker or officer")
    OTHER = "other", _("Someone else affected")


# A supporter or parent stands beside one of the people at the centre of the harm.
SUPPORTS: dict[str, str] = {
    ProposedRole.SUPPORTER_OF_HARMED: ProposedRole.HARMED,
    ProposedRole.SUPPORTER_OF_RESPONSIBLE: ProposedRole.RESPONSIBLE,
    ProposedRole.PARENT_OF_HARMED: ProposedRole.HARMED,
    ProposedRole.PARENT_OF_RESPONSIBLE: ProposedRole.RESPONSIBLE,
}
PARENT_ROLES = {ProposedRole.PARENT_OF_HARMED, ProposedRole.PARENT_OF_RESPONSIBLE}


class Agreed(models.TextChoices):
    """A person's answer, as the referrer knows it."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_ASKED = "not_asked", _("Not asked")


class Need(models.TextChoices):
    INTERPRETER = "interpreter", _("An interpreter")
    DISABILITY = "disability", _("Support for a disability")
    ACCESS = "access", _("Access needs, such as step-free access or a hearing loop")


class Risk(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    WEAPONS = "weapons", _("Weapons")
    SELF_HARM = "self_harm", _("Self-harm or suicide")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    THREATS = "threats", _("Threats or intimidation")
    SUBSTANCE_MISUSE = "substance_misuse", _("Alcohol or drug misuse")
    SAFEGUARDING = "safeguarding", _("A child or adult at risk of harm (safeguarding)")
    NONE_KNOWN = "none_known", _("None known")


class IncidentReference:
    """How one sector writes the reference of a crime or incident, and what to say if it is wrong."""

    def __init__(self, label: str, example: str, pattern: str, characters: str) -> None:
        self.label = label
        self.hint = f"If there is one. For example, {example}."
        self.pattern = re.compile(pattern)
        self.problem = (
            f"Enter the {label[0].lower()}{label[1:]} using only {characters}, "
            f"for example {example}"
        )


# Police forces, schools and landlords number things in their own ways, so only the
# characters and the length are checked.
INCIDENT_REFERENCES: dict[str, IncidentReference] = {
    Sector.JUSTICE: IncidentReference(
        SECTOR_WORDS[Sector.JUSTICE].incident_reference,
        "41/12345/26",
        r"^[A-Z0-9][A-Z0-9/-]{3,29}$",
        "letters, numbers, slashes and hyphens (at least 4 characters)",
    ),
    Sector.SCHOOLS: IncidentReference(
        SECTOR_WORDS[Sector.SCHOOLS].incident_reference,
        "INC-2026-0412",
        r"^[A-Z0-9][A-Z0-9 /.-]{0,29}$",
        "letters, numbers, spaces, full stops, slashes and hyphens",
    ),
    Sector.COMMUNITIES: IncidentReference(
        SECTOR_WORDS[Sector.COMMUNITIES].incident_reference,
        "ASB/004512",
        r"^[A-Z0-9][A-Z0-9 /.-]{0,29}$",
        "letters, numbers, spaces, full stops, slashes and hyphens",
    ),
    Sector.PRISONS: IncidentReference(
        SECTOR_WORDS[Sector.PRISONS].incident_reference,
        "2026-004512",
        r"^[A-Z0-9][A-Z0-9/-]{2,29}$",
        "letters, numbers, slashes and hyphens (at least 3 characters)",
    ),
}


def referral_problems(
    *,
    sector: str | None,
    justice_stage: str,
    incident_reference: str,
    risks: list[str],
    self_referral: bool = False,
) -> dict[str, str]:
    """What is wrong with these answers taken together, by field. Empty when all is well.
    Someone asking for themselves is not asked the criminal justice stage: triage finds it."""
    problems = {}
    if sector == Sector.JUSTICE and not justice_stage and not self_referral:
        problems["justice_stage"] = "Choose the criminal justice stage, or “Not a crime”"
    if sector and sector != Sector.JUSTICE and justice_stage:
        problems["justice_stage"] = (
            "Only a criminal and civil justice referral has a criminal justice stage: choose "
            "“Does not apply”, or choose “Criminal and civil justice” as the kind of service"
        )
    kind = INCIDENT_REFERENCES.get(sector or "")
    if incident_reference and kind is not None and not kind.pattern.match(incident_reference):
        problems["incident_reference"] = kind.problem
    if Risk.NONE_KNOWN in risks and len(risks) > 1:
        problems["risks"] = "Choose either the risks you know of, or “None known”, not both"
    return problems


def _codes(stored: str) -> list[str]:
    return [code for code in stored.split(",") if code]


def _labels(stored: str, choices: type[models.TextChoices]) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels[code]) for code in _codes(stored) if code in labels]


class ReferralQuerySet(OrganisationQuerySet):
    readable_by = (Role.COORDINATOR, Role.REFERRER)

    def visible_to(self, member: Membership) -> Self:
        """Coordinators see all the organisation's referrals; referrers only their own."""
        queryset = super().visible_to(member)
        if member is not None and member.role == Role.REFERRER:
            return queryset.filter(referred_by_id=member.user_id)
        return queryset

    def waiting(self) -> Self:
        return self.filter(status=ReferralStatus.NEW).order_by("received_on", "pk")

    def last_agency_of(self, member: Membership) -> str:
        """The referring agency a member named in their last referral here, or ""."""
        agency = (
            self.filter(organisation_id=member.organisation_id, referred_by_id=member.user_id)
            .order_by("-pk")
            .values_list("source_agency", flat=True)
            .first()
        )
        return agency or ""


class Referral(OrganisationOwned):
    source = models.CharField(
        max_length=20, choices=ReferralSource.choices, default=ReferralSource.AGENCY
    )
    source_agency = models.CharField(_("Referring agency"), max_length=120)
    referrer_name = models.CharField(_("Referrer's name"), max_length=120)
    referrer_contact = EncryptedTextField(
        _("Referrer's phone or e-mail"), max_length=254, blank=True
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The referrer account that made the referral, if any."),
    )
    received_on = models.DateField(_("Date received"))
    incident_date = models.DateField(_("Date of the incident"), null=True, blank=True)
    incident_summary = EncryptedTextField(_("What happened"), max_length=4000)
    harm_type = models.ForeignKey(HarmType, on_delete=models.PROTECT, related_name="+")
    justice_stage = models.CharField(
        _("Criminal justice stage"), max_length=30, choices=JusticeStage.choices, blank=True
    )
    sector = models.CharField(max_length=20, choices=Sector.choices)
    incident_reference = models.CharField(
        _("Crime or incident reference"), max_length=30, blank=True
    )
    # Codes of Risk, comma-separated; encrypted, as they say something of the people's health.
    risks = EncryptedCharField(_("Known risks and safety concerns"), max_length=200, blank=True)
    risk_note = EncryptedTextField(_("About the risks"), max_length=1000, blank=True)
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    decline_note = EncryptedTextField(max_length=1000, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "received_on"]),
            models.Index(fields=["organisation", "referred_by"]),
            # Triage's "recently triaged": the newest decisions first.
            models.Index(
                fields=["organisation", "-decided_at", "-id"],
                condition=models.Q(decided_at__isnull=False),
                name="referral_recently_decided",
            ),
            # The reports' choice of referring agency: read from the index alone.
            models.Index(fields=["organisation", "source_agency"], name="referral_agency"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} from {self.source_agency}"

    def get_decline_reason_display(self) -> str:  # type: ignore[no-redef]
        return current_words().decline_label(self.decline_reason)

    @property
    def is_self_referral(self) -> bool:
        return self.source == ReferralSource.SELF

    @property
    def risk_codes(self) -> list[str]:
        return _codes(self.risks)

    def risk_labels(self) -> list[str]:
        return _labels(self.risks, Risk)

    @property
    def incident_reference_label(self) -> str:
        kind = INCIDENT_REFERENCES.get(self.sector)
        return kind.label if kind else "Crime or incident reference"


class ReferralPerson(OrganisationOwned):
    """Someone proposed in a referral: an existing person, or the details of a new one."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=30, choices=ProposedRole.choices)
    given_name = models.CharField(_("First name"), max_length=100)
    family_name = models.CharField(_("Last name"), max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    agreed_to_referral = models.CharField(
        _("Agreed to be referred"), max_length=10, choices=Agreed.choices, default=Agreed.NOT_ASKED
    )
    agreed_to_contact = models.CharField(
        _("Agreed to be contacted"), max_length=10, choices=Agreed.choices, default=Agreed.NOT_ASKED
    )
    # Codes of Need, comma-separated; encrypted, as a disability is health data.
    needs = EncryptedCharField(max_length=100, blank=True)
    language = models.CharField(_("Language"), max_length=60, blank=True)
    # The language of their letters and messages: a request made on the Welsh website is Welsh.
    message_language = models.CharField(
        _("Language for letters and messages"),
        max_length=2,
        choices=MessageLanguage.choices,
        default=MessageLanguage.ENGLISH,
    )
    needs_note = EncryptedTextField(_("About their needs"), max_length=500, blank=True)
    phone = EncryptedTextField(_("Phone number"), max_length=30, blank=True)
    safe_contact = EncryptedTextField(_("Safe way to contact them"), max_length=500, blank=True)
    notes = EncryptedTextField(max_length=1000, blank=True)
    # A reference the referrer knows them by; triage matches it to people already recorded.
    identifier_kind = models.CharField(
        _("Kind of identifier"), max_length=20, choices=IdentifierKind.choices, blank=True
    )
    identifier_value = models.CharField(_("Identifier"), max_length=30, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.get_role_display()})"

    def get_role_display(self) -> str:  # type: ignore[no-redef]
        return current_words().role_label(self.role)

    @property
    def need_codes(self) -> list[str]:
        return _codes(self.needs)

    def need_labels(self) -> list[str]:
        return _labels(self.needs, Need)

    def person_details(self) -> dict[str, Any]:
        """What a person's record keeps of these details, for a new record at acceptance."""
        with translation.override(settings.LANGUAGE_CODE):  # stored: in English
            labels = [
                str(label)
                for code, label in Need.choices
                if code in self.need_codes and code != Need.INTERPRETER
            ]
        needs = "; ".join(labels + ([self.needs_note] if self.needs_note else []))
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
            "age_band": self.age_band,
            "phone": self.phone,
            "safe_contact_notes": self.safe_contact,
            "language": self.language,
            "message_language": self.message_language,
            "interpreter_needed": Need.INTERPRETER in self.need_codes,
            "accessibility_needs": needs,
        }

    def is_child(self) -> bool:
        """Under 18 by the date of birth or, failing that, the age band (as for a person)."""
        return Person(date_of_birth=self.date_of_birth, age_band=self.age_band).child_today()
