"""Referrals: how work arrives, and the triage that accepts or declines it."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models

from amends.core.fields import EncryptedTextField
from amends.core.models import (
    Membership,
    Organisation,
    OrganisationOwned,
    OrganisationQuerySet,
    Role,
)
from amends.people.models import IdentifierKind

DEFAULT_HARM_TYPES = [
    "Violence",
    "Burglary",
    "Criminal damage",
    "Theft",
    "Hate incident",
    "Harassment or bullying",
    "Neighbour dispute or anti-social behaviour",
    "Online harm",
    "Other",
]


class HarmTypeQuerySet(OrganisationQuerySet):
    readable_by = (Role.COORDINATOR, Role.FACILITATOR, Role.REFERRER, Role.VIEWER)

    def for_organisation(self, organisation: Organisation) -> Self:
        """The organisation's list, starting it with the standard harm types the first time."""
        if not self.model.objects.filter(organisation=organisation).exists():
            self.model.objects.bulk_create(
                [
                    self.model(organisation=organisation, name=name, position=i)
                    for i, name in enumerate(DEFAULT_HARM_TYPES)
                ],
                ignore_conflicts=True,  # two first requests at once
            )
        return self.filter(organisation=organisation, is_active=True)


class HarmType(OrganisationOwned):
    """A kind of harm. Each organisation keeps its own list, starting from the standard one."""

    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = HarmTypeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="harm_type_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class JusticeStage(models.TextChoices):
    OUT_OF_COURT = "out_of_court", "Out of court"
    PRE_SENTENCE = "pre_sentence", "Pre-sentence"
    POST_SENTENCE_COMMUNITY = "post_sentence_community", "Post-sentence, in the community"
    IN_CUSTODY = "in_custody", "In custody"
    NOT_A_CRIME = "not_a_crime", "Not a crime"


class ReferralStatus(models.TextChoices):
    NEW = "new", "Waiting for triage"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class DeclineReason(models.TextChoices):
    NOT_SUITABLE = "not_suitable", "Not suitable for a restorative process"
    OUTSIDE_REMIT = "outside_remit", "Outside what this service covers"
    DUPLICATE = "duplicate", "Already referred"
    NOT_ENOUGH_INFORMATION = "not_enough_information", "Not enough information"
    OTHER_SERVICE = "other_service", "Better met by another service"


class ProposedRole(models.TextChoices):
    HARMED = "harmed", "Harmed person"
    RESPONSIBLE = "responsible", "Responsible person"
    OTHER = "other", "Someone else affected"


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


class Referral(OrganisationOwned):
    source_agency = models.CharField("Referring agency", max_length=120)
    referrer_name = models.CharField("Referrer's name", max_length=120)
    referrer_contact = EncryptedTextField("Referrer's phone or e-mail", max_length=254, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The referrer account that made the referral, if any.",
    )
    received_on = models.DateField("Date received")
    incident_date = models.DateField("Date of the incident", null=True, blank=True)
    incident_summary = EncryptedTextField("What happened", max_length=4000)
    harm_type = models.ForeignKey(HarmType, on_delete=models.PROTECT, related_name="+")
    justice_stage = models.CharField(
        "Criminal justice stage", max_length=30, choices=JusticeStage.choices, blank=True
    )
    sector = models.CharField(max_length=20)
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
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} from {self.source_agency}"


class ReferralPerson(OrganisationOwned):
    """Someone proposed in a referral: an existing person, or the details of a new one."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=20, choices=ProposedRole.choices)
    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = EncryptedTextField("Phone number", max_length=30, blank=True)
    notes = EncryptedTextField(max_length=1000, blank=True)
    # A reference the referrer knows them by; triage matches it to people already recorded.
    identifier_kind = models.CharField(
        "Kind of identifier", max_length=20, choices=IdentifierKind.choices, blank=True
    )
    identifier_value = models.CharField("Identifier", max_length=30, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.get_role_display()})"
