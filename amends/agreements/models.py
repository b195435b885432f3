"""Outcome agreements: the actions that put things right, their follow-up and verification."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Case, CaseChildQuerySet, Party
from amends.core.fields import EncryptedTextField
from amends.core.models import OrganisationOwned


class Agreement(OrganisationOwned):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agreement")
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_on = models.DateField(null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Agreement for {self.case_id}"

    @property
    def is_agreed(self) -> bool:
        return self.agreed_on is not None


class ActionKind(models.TextChoices):
    APOLOGY_SPOKEN = "apology_spoken", _("Apology (spoken)")
    APOLOGY_WRITTEN = "apology_written", _("Apology (written)")
    REPARATION = "reparation", _("Reparation work")
    RESTITUTION = "restitution", _("Financial restitution")
    RETURN_PROPERTY = "return_property", _("Return of property")
    BEHAVIOUR = "behaviour", _("Behavioural commitment")
    SUPPORT_SERVICE = "support_service", _("Engaging with a support service")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    PARTLY_DONE = "partly_done", _("Partly done")
    NOT_DONE = "not_done", _("Not done")
    VARIED = "varied", _("Varied")


class AgreementActionQuerySet(CaseChildQuerySet):
    def still_open(self) -> Self:
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self) -> Self:
        return self.still_open().filter(due_on__lt=timezone.localdate())


class AgreementAction(OrganisationOwned):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=30, choices=ActionKind.choices)
    description = EncryptedTextField(max_length=2000)
    hours = models.DecimalField(
        _("Hours of work"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    amount = models.DecimalField(
        _("Amount (£)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    due_on = models.DateField(_("Due by"))
    # Reparation: the hours the person was found to have worked, recorded when it ends.
    hours_done = models.DecimalField(
        _("Hours worked"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    resolved_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification_note = EncryptedTextField(max_length=2000, blank=True)
    # A coordinator's variation: the terms that replaced the original ones.
    variation_terms = EncryptedTextField(_("New terms"), max_length=2000, blank=True)

    objects = AgreementActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["organisation", "case"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < timezone.localdate()


class Payment(OrganisationOwned):
    """A payment towards a financial restitution action."""

    action = models.ForeignKey(AgreementAction, on_delete=models.CASCADE, related_name="payments")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(_("Amount (£)"), max_digits=9, decimal_places=2)
    paid_on = models.DateField()

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"£{self.amount} on {self.paid_on}"


class Acceptance(OrganisationOwned):
    """A party's acceptance of the agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="acceptances")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    accepted_on = models.DateField()

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "agreement", "party"], name="accept_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.party} accepted on {self.accepted_on}"
