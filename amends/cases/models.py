"""The restorative case: its parties, consent, risk assessment, contact log and timeline."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedTextField
from amends.core.models import Membership, OrganisationOwned, OrganisationQuerySet, Role
from amends.core.vocabulary import current_words

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ProcessType(models.TextChoices):
    MEDIATION_DIRECT = "mediation_direct", _("Direct mediation (face to face)")
    SHUTTLE = "shuttle", _("Shuttle mediation")
    LETTER_EXCHANGE = "letter_exchange", _("Letter exchange")
    CONFERENCE = "conference", _("Restorative conference")
    FAMILY_GROUP_CONFERENCE = "family_group_conference", _("Family group conference")
    COMMUNITY_CONFERENCE = "community_conference", _("Community conference")
    PEACEMAKING_CIRCLE = "peacemaking_circle", _("Peacemaking circle")
    SENTENCING_CIRCLE = "sentencing_circle", _("Sentencing circle")
    RESPONSIVE_CIRCLE = "responsive_circle", _("Responsive circle")
    CONVERSATION = "conversation", _("Restorative conversation")


INDIRECT_PROCESSES = {ProcessType.SHUTTLE, ProcessType.LETTER_EXCHANGE}


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PREPARING = "preparing", _("Preparing")
    MEETING_ARRANGED = "meeting_arranged", _("Meeting arranged")
    MONITORING = "monitoring", _("Agreement monitoring")
    CLOSED = "closed", _("Closed")


class ClosureOutcome(models.TextChoices):
    AGREEMENT_COMPLETED = "agreement_completed", _("Agreement completed")
    # An agreement was made, but not every action in it was carried out.
    AGREEMENT_NOT_COMPLETED = "agreement_not_completed", _("Agreement made but not completed")
    COMPLETED_WITHOUT_AGREEMENT = (
        "completed_without_agreement",
        _("Process completed without an agreement"),
    )
    HARMED_DECLINED = "harmed_declined", _("Not proceeded: person harmed declined")
    RESPONSIBLE_DECLINED = "responsible_declined", _("Not proceeded: person responsible declined")
    NOT_SUITABLE = "not_suitable", _("Not proceeded: not suitable after risk assessment")
    NO_CONTACT = "no_contact", _("Not proceeded: could not be contacted")
    # Each sector says these in its own words (core.vocabulary): a pupil left the school,
    # a household moved away, a prisoner was transferred or released.
    MOVED_ON = "moved_on", _("Not proceeded: someone moved away")
    HANDLED_OTHERWISE = "handled_otherwise", _("Not proceeded: dealt with another way")
    WITHDRAWN = "withdrawn", _("Not proceeded: withdrawn")


NOT_PROCEEDED = {
    ClosureOutcome.HARMED_DECLINED,
    ClosureOutcome.RESPONSIBLE_DECLINED,
    ClosureOutcome.NOT_SUITABLE,
    ClosureOutcome.NO_CONTACT,
    ClosureOutcome.MOVED_ON,
    ClosureOutcome.HANDLED_OTHERWISE,
    ClosureOutcome.WITHDRAWN,
}


# Facilitators' time on a case: the minutes of every contact logged on it. Summed over a
# case's contact log (Case.minutes_logged), or as a window over its rows, so the newest entry
# can carry the total (the case page).
MINUTES_LOGGED = Sum("minutes")


class CaseQuerySet(OrganisationQuerySet):
    def visible_to(self, member: Membership) -> Self:
        """Coordinators see every case of their organisation; facilitators their allocated ones."""
        queryset = super().visible_to(member)
        if member is not None and member.role == Role.FACILITATOR:
            return queryset.filter(
                Q(lead_facilitator_id=member.user_id) | Q(co_facilitator_id=member.user_id)
            )
        return queryset

    def open(self) -> Self:
        return self.exclude(status=CaseStatus.CLOSED)


class Case(OrganisationOwned):
    reference = models.CharField(max_length=20)
    referral = models.OneToOneField(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="case"
    )
    sector = models.CharField(max_length=20)
    harm_type = models.ForeignKey(
        "referrals.HarmType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    harm_summary = EncryptedTextField(_("Summary of the harm"), max_length=4000)
    incident_date = models.DateField(null=True, blank=True)
    justice_stage = models.CharField(max_length=30, blank=True)
    planned_process = models.CharField(
        max_length=30, choices=ProcessType.choices, default=ProcessType.CONFERENCE
    )
    lead_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    co_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(default=datetime.date.today)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_outcome = models.CharField(max_length=40, choices=ClosureOutcome.choices, blank=True)
    closure_note = EncryptedTextField(max_length=2000, blank=True)
    next_step = models.CharField(max_length=200, blank=True)
    next_step_due = models.DateField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="case_reference_unique_in_organisation"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "-opened_on", "-id"]),
            models.Index(fields=["organisation", "status", "-opened_on"]),
            models.Index(fields=["organisation", "lead_facilitator", "status"]),
            models.Index(fields=["organisation", "co_facilitator", "status"]),
            models.Index(fields=["organisation", "next_step_due"]),
            # The open cases alone, with what the coordinator's home counts of them (who
            # leads, who co-facilitates, when the next step is due): counted from the index
            # without reading the cases, however many closed ones the service holds.
            models.Index(
                fields=["organisation", "lead_facilitator", "co_facilitator", "next_step_due"],
                condition=~models.Q(status="closed"),
                name="case_open",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # Stored codes shown in the words of the page's sector (core.vocabulary).
    def get_planned_process_display(self) -> str:  # type: ignore[no-redef]
        return current_words().process_label(self.planned_process)

    def get_closure_outcome_display(self) -> str:  # type: ignore[no-redef]
        return current_words().closure_label(self.closure_outcome)

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    @property
    def is_indirect(self) -> bool:
        return self.planned_process in INDIRECT_PROCESSES

    def facilitator_ids(self) -> set[int]:
        return {i for i in (self.lead_facilitator_id, self.co_facilitator_id) if i}

    def minutes_logged(self) -> int:
        return int(
            self.contacts.filter(organisation_id=self.organisation_id).aggregate(
                total=MINUTES_LOGGED
            )["total"]
            or 0
        )


class CaseReferenceCounter(models.Model):
    """The last case number used per organisation and year; locked while a case opens."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_number}"


class PartyRole(models.TextChoices):
    HARMED = "harmed", _("Person harmed")
    RESPONSIBLE = "responsible", _("Person responsible")
    SUPPORTER = "supporter", _("Supporter")
    PARENT_CARER = "parent_carer", _("Parent or carer")
    COMMUNITY = "community", _("Community member")
    PROFESSIONAL = "professional", _("Professional")


class Side(models.TextChoices):
    HARMED = "harmed", _("Side of the person harmed")
    RESPONSIBLE = "responsible", _("Side of the person responsible")
    COMMUNITY = "community", _("Community and professionals")


ROLES_NEEDING_SUBJECT = {PartyRole.SUPPORTER, PartyRole.PARENT_CARER}


class CaseChildQuerySet(OrganisationQuerySet):
    """Records that belong to a case are visible exactly when their case is.

    They carry their organisation's key and are filtered by it directly, so an index led
    by the organisation serves every list of them; only a facilitator, who sees just the
    cases allocated to them, adds the condition on the case.
    """

    def visible_to(self, member: Membership) -> Self:
        queryset = super().visible_to(member)
        if member is not None and member.role == Role.FACILITATOR:
            return queryset.filter(case__in=Case.objects.visible_to(member))
        return queryset


class Party(OrganisationOwned):
    """A person's part in a case. Their side decides what they may be shown."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=20, choices=PartyRole.choices)
    side = models.CharField(max_length=20, choices=Side.choices)
    supports = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supporters",
        help_text=_("For a supporter or parent/carer: the party they support."),
    )
    private_notes = EncryptedTextField(max_length=4000, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "case", "person"], name="person_once_per_case"
            )
        ]
        indexes = [models.Index(fields=["organisation", "case"])]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return f"{self.person.full_name} ({self.get_role_display()})"

    def get_role_display(self) -> str:  # type: ignore[no-redef]
        return current_words().role_label(self.role)

    def get_side_display(self) -> str:  # type: ignore[no-redef]
        return current_words().side_label(self.side)

    @property
    def first_name(self) -> str:
        return self.person.known_as or self.person.given_name


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Given")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    LETTER = "letter", _("By letter")
    EMAIL = "email", _("By e-mail")
    VIDEO = "video", _("By video call")


class ConsentScope(models.TextChoices):
    """What a consent is for. Taking part is the consent every step needs."""

    TAKE_PART = "take_part", _("Taking part in the restorative process")
    SHARE_INFORMATION = "share_information", _("Sharing information with the other parties")
    DIRECT_MEETING = "direct_meeting", _("A direct (face-to-face) meeting")
    INDIRECT_ONLY = "indirect_only", _("Indirect contact only (shuttle mediation or letters)")


# How the parties may meet: the latest decision on either of these says which way.
MEETING_FORMAT_SCOPES = {ConsentScope.DIRECT_MEETING, ConsentScope.INDIRECT_ONLY}


class ConsentRecord(OrganisationOwned):
    """One entry in a party's consent ledger. Never changed: a new entry supersedes.

    `party` is whose taking part the consent is about; `given_by` is who gave
    it: the party themself, or for a child, their parent or carer. `scope` is
    what it is for; a later entry supersedes an earlier one of the same scope.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="consents")
    given_by = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="consents_given")
    scope = models.CharField(
        _("What it is for"),
        max_length=20,
        choices=ConsentScope.choices,
        default=ConsentScope.TAKE_PART,
    )
    decision = models.CharField(max_length=20, choices=ConsentDecision.choices)
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    decided_on = models.DateField()
    note = EncryptedTextField(max_length=2000, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "case", "party"])]

    def __str__(self) -> str:
        return f"Consent {self.get_decision_display()} for party {self.party_id} ({self.scope})"


class Acknowledgement(models.TextChoices):
    FULL = "full", _("Accepts full responsibility")
    PARTIAL = "partial", _("Accepts some responsibility")
    NONE = "none", _("Does not accept responsibility")


class RiskDecision(models.TextChoices):
    SUITABLE = "suitable", _("Suitable")
    SUITABLE_WITH_MITIGATIONS = (
        "suitable_with_mitigations",
        _("Suitable with the listed mitigations"),
    )
    NOT_SUITABLE = "not_suitable", _("Not suitable")


# Concerns recorded in every risk assessment: field name and question.
RISK_CONCERNS: list[tuple[str, StrOrPromise]] = [
    ("power_imbalance", _("Is there a power imbalance between the parties?")),
    ("threats_or_intimidation", _("Have there been threats or intimidation?")),
    ("domestic_abuse", _("Is there domestic abuse?")),
    ("sexual_harm", _("Is there sexual harm?")),
    ("stalking", _("Is there stalking?")),
    ("hate", _("Was the harm motivated by hate?")),
    ("mental_health", _("Are there mental health concerns?")),
    ("substance_use", _("Is substance use a concern?")),
    ("safeguarding", _("Are there safeguarding concerns?")),
    ("venue_safety", _("Are there concerns about the venue's safety?")),
]
# These need extra care: a mitigation must be recorded before a meeting.
EXTRA_CARE_CONCERNS = {"domestic_abuse", "sexual_harm", "stalking", "hate"}


class RiskAssessment(OrganisationOwned):
    """A structured assessment of a case. A new one supersedes the last; history stays."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    acknowledgement = models.CharField(
        _("Does the person responsible acknowledge responsibility?"),
        max_length=20,
        choices=Acknowledgement.choices,
    )
    power_imbalance = models.BooleanField(default=False)
    threats_or_intimidation = models.BooleanField(default=False)
    domestic_abuse = models.BooleanField(default=False)
    sexual_harm = models.BooleanField(default=False)
    stalking = models.BooleanField(default=False)
    hate = models.BooleanField(default=False)
    mental_health = models.BooleanField(default=False)
    substance_use = models.BooleanField(default=False)
    safeguarding = models.BooleanField(default=False)
    venue_safety = models.BooleanField(default=False)
    narrative = EncryptedTextField(_("Assessment"), max_length=6000)
    mitigations = EncryptedTextField(max_length=4000, blank=True)
    decision = models.CharField(max_length=30, choices=RiskDecision.choices)
    assessed_on = models.DateField()

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        get_latest_by = ["assessed_on", "pk"]
        indexes = [models.Index(fields=["organisation", "case", "-assessed_on"])]

    def __str__(self) -> str:
        return f"Risk assessment of {self.case_id} on {self.assessed_on}"

    @property
    def allows_meeting(self) -> bool:
        return self.decision in {
            RiskDecision.SUITABLE,
            RiskDecision.SUITABLE_WITH_MITIGATIONS,
        }

    def concerns(self) -> list[StrOrPromise]:
        return [question for name, question in RISK_CONCERNS if getattr(self, name)]


class ContactKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    TEXT = "text", _("Text message")
    PREPARATION = "preparation", _("Preparation meeting")


class ContactOutcome(models.TextChoices):
    """What came of a contact or an attempt at one."""

    REACHED = "reached", _("Spoke to them or met them")
    LEFT_MESSAGE = "left_message", _("Left a message")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_DETAILS = "wrong_details", _("Wrong number or address")
    SENT = "sent", _("Letter, e-mail or text sent")
    DECLINED_TO_TALK = "declined_to_talk", _("They did not want to talk")


class ContactLogEntry(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    contact_on = models.DateField(_("Date"))
    minutes = models.PositiveIntegerField(_("Minutes spent"))
    # Blank on entries logged before outcomes were recorded.
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices, blank=True)
    next_contact_on = models.DateField(_("Next contact"), null=True, blank=True)
    note = EncryptedTextField(max_length=4000, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-contact_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "case", "-contact_on"])]
        verbose_name_plural = "contact log entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.contact_on}"


class CaseEvent(OrganisationOwned):
    """The case's timeline: every change, who made it and when. Never holds sensitive values."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "case", "-at"])]

    def __str__(self) -> str:
        return f"{self.code} at {self.at:%Y-%m-%d %H:%M}"
