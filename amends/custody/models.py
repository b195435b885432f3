"""Prisons: where a prisoner is held, transfers and release, visitors' security clearance,
and conduct before and after the restorative process.

Each record belongs to one organisation (an establishment's restorative justice service),
like every other personal record; a transfer to another establishment leaves a record on
both sides and moves nothing else across (see custody.services.case_transfer).
"""

from __future__ import annotations

import re
from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Case, CaseChildQuerySet, Party
from amends.core.fields import EncryptedTextField
from amends.core.models import Membership, Organisation, OrganisationOwned, OrganisationQuerySet
from amends.people.models import Person
from amends.referrals.models import Referral

# The probation case reference number (nDelius CRN): one letter and six digits.
CRN_PATTERN = re.compile(r"^[A-Z][0-9]{6}$")
CRN_EXAMPLE = "X123456"


class PersonCustodyQuerySet(OrganisationQuerySet):
    def visible_to(self, member: Membership) -> Self:
        """Where someone is held is visible exactly when the person is."""
        return self.filter(person__in=Person.objects.visible_to(member))


class PersonCustody(OrganisationOwned):
    """Where a prisoner is held. Their prison number is a people.PersonIdentifier."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="custody")
    establishment = models.CharField(max_length=120)
    wing = models.CharField(_("Wing or unit"), max_length=60, blank=True)
    cell = models.CharField(_("Cell or location"), max_length=30, blank=True)
    crn = models.CharField(_("Probation case reference number (CRN)"), max_length=7, blank=True)

    objects = PersonCustodyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("people in custody")
        indexes = [models.Index(fields=["organisation", "wing"])]

    def __str__(self) -> str:
        return f"{self.person} at {self.establishment}"


class CaseCustody(OrganisationOwned):
    """A case's release date: work planned after it cannot happen inside."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="custody")
    release_on = models.DateField(_("Release date"), null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Release of {self.case} on {self.release_on}"


class TransferDirection(models.TextChoices):
    OUT = "out", _("Transferred out")
    IN = "in", _("Transferred in")


class CaseTransferQuerySet(OrganisationQuerySet):
    def visible_to(self, member: Membership) -> Self:
        """A transfer out is visible with its case; a transfer in, to the receiving
        establishment's coordinators (it arrives as a referral for triage)."""
        queryset = super().visible_to(member)
        if member is None or member.is_coordinator:
            return queryset
        return queryset.filter(case__in=Case.objects.visible_to(member))


class CaseTransfer(OrganisationOwned):
    """One side of a transfer of a prisoner, and their case, between establishments.

    The sending service keeps its case (marked transferred out) with a row of direction
    OUT; when the receiving establishment uses Amends it gets a referral for triage and a
    row of direction IN. `other_organisation` names the other side, never its records.
    """

    direction = models.CharField(max_length=3, choices=TransferDirection.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="transfers"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    establishment = models.CharField(_("The other establishment"), max_length=120)
    other_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transferred_on = models.DateField(_("Date of transfer"))
    prisoners = models.CharField(max_length=300, help_text=_("Names of the prisoners transferred."))

    objects = CaseTransferQuerySet.as_manager()

    class Meta:
        ordering = ["-transferred_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "direction", "-transferred_on"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on {self.transferred_on}: {self.establishment}"


class ClearanceStep(models.TextChoices):
    APPLICATION_RECEIVED = "application_received", _("Application received")
    ID_CHECKED = "id_checked", _("Identity documents checked")
    VETTING_SUBMITTED = "vetting_submitted", _("Security vetting submitted")
    CLEARED = "cleared", _("Cleared by security")
    REFUSED = "refused", _("Refused by security")


# The order the steps are usually taken in; cleared and refused end it.
CLEARANCE_ORDER = [
    ClearanceStep.APPLICATION_RECEIVED,
    ClearanceStep.ID_CHECKED,
    ClearanceStep.VETTING_SUBMITTED,
    ClearanceStep.CLEARED,
]


class VisitorClearance(OrganisationOwned):
    """A person in the case who comes into the establishment from outside (a person harmed,
    a supporter), and where their security clearance has reached."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visitor_clearances")
    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="visitor_clearance")
    # The latest step; only custody.services moves it.
    stage = models.CharField(max_length=30, choices=ClearanceStep.choices)
    stage_on = models.DateField()

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organisation", "case"])]

    def __str__(self) -> str:
        return f"Clearance of {self.party}: {self.get_stage_display()}"

    @property
    def is_cleared(self) -> bool:
        return self.stage == ClearanceStep.CLEARED


class VisitorClearanceStep(OrganisationOwned):
    """One dated step of a visitor's security clearance; the history is kept."""

    clearance = models.ForeignKey(VisitorClearance, on_delete=models.CASCADE, related_name="steps")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=30, choices=ClearanceStep.choices)
    taken_on = models.DateField(_("Date"))
    note = EncryptedTextField(max_length=500, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["taken_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} on {self.taken_on}"


class ConductPeriod(models.TextChoices):
    BEFORE = "before", _("Before the restorative process")
    AFTER = "after", _("After the restorative process")


class ConductRecord(OrganisationOwned):
    """Adjudications and violent incidents involving one party in a period before or after
    the process, entered by staff from the establishment's own records."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conduct_records")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="conduct_records")
    period = models.CharField(max_length=10, choices=ConductPeriod.choices)
    months = models.PositiveSmallIntegerField(_("Number of months"))
    adjudications = models.PositiveSmallIntegerField()
    violent_incidents = models.PositiveSmallIntegerField()

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["party_id", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "party", "period"], name="conduct_once_per_period"
            )
        ]
        indexes = [models.Index(fields=["organisation", "case"])]

    def __str__(self) -> str:
        return f"{self.party}: {self.get_period_display()}"
