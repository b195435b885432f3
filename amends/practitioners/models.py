"""A practitioner's record: training, registration, supervision and continuing development.

The record belongs to the person, not to one organisation: someone who
facilitates for two services has one record, which the coordinators of each
service, and the practitioner themself, may read. `organisation` on each row
says which service recorded it (for the audit log); who may read a row is
decided by the practitioner's current memberships (`visible_to`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedTextField
from amends.core.models import Membership, Organisation, OrganisationOwned, Role, Sector

#: Roles whose holders can be given cases, and so keep a practitioner record.
PRACTITIONER_ROLES = (Role.FACILITATOR, Role.COORDINATOR)


class TrainingLevel(models.TextChoices):
    AWARENESS = "awareness", _("Awareness")
    PRACTITIONER = "practitioner", _("Practitioner or facilitator")
    ADVANCED = "advanced", _("Advanced")
    TRAINER = "trainer", _("Trainer")


#: Each level covers those before it: a trainer may do what an advanced practitioner may.
LEVEL_RANK = {
    TrainingLevel.AWARENESS: 1,
    TrainingLevel.PRACTITIONER: 2,
    TrainingLevel.ADVANCED: 3,
    TrainingLevel.TRAINER: 4,
}


def practitioners_of(member: Membership) -> models.QuerySet[Membership]:
    """The active memberships of the member's organisation whose holders can take cases."""
    return Membership.objects.filter(
        organisation_id=member.organisation_id, is_active=True, role__in=PRACTITIONER_ROLES
    )


class PractitionerRecordQuerySet(models.QuerySet[Any]):
    def visible_to(self, member: Membership | None) -> Self:
        """A coordinator sees the records of their organisation's practitioners; anyone
        who can take cases sees their own; nobody else sees any."""
        if member is None or not member.is_active:
            return self.none()
        if member.is_coordinator:
            return self.filter(practitioner_id__in=practitioners_of(member).values("user_id"))
        if member.has_role(*PRACTITIONER_ROLES):
            return self.filter(practitioner_id=member.user_id)
        return self.none()


class PractitionerRecord(OrganisationOwned):
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    objects = PractitionerRecordQuerySet.as_manager()

    class Meta:
        abstract = True


class TrainingRecord(PractitionerRecord):
    """Training completed elsewhere, recorded with its certificate (Amends' own courses
    join it in `standing.practitioner_training`)."""

    title = models.CharField(_("Course"), max_length=150)
    provider = models.CharField(_("Who ran it"), max_length=150)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    level = models.CharField(max_length=20, choices=TrainingLevel.choices)
    completed_on = models.DateField(_("Date completed"))
    # The certificate: stored as a case's documents are, under a random name outside the web root.
    evidence_stored_name = models.CharField(max_length=80, unique=True, editable=False)
    evidence_content_type = models.CharField(max_length=40, editable=False)
    evidence_size = models.PositiveIntegerField(editable=False)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["practitioner", "sector", "level"])]

    def __str__(self) -> str:
        return self.title

    @property
    def evidence_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "practitioners" / self.evidence_stored_name

    @property
    def evidence_extension(self) -> str:
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
            self.evidence_content_type, "bin"
        )


class Registration(PractitionerRecord):
    """Membership of a professional body, such as the Restorative Justice Council."""

    body = models.CharField(_("Professional body"), max_length=150)
    number = models.CharField(_("Registration or accreditation number"), max_length=50)
    expires_on = models.DateField(_("Expiry date"))

    class Meta:
        ordering = ["expires_on", "pk"]
        indexes = [models.Index(fields=["practitioner", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.body} {self.number}"


class SupervisionSession(PractitionerRecord):
    held_on = models.DateField(_("Date of supervision"))
    supervisor = models.CharField(max_length=150)
    notes = EncryptedTextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["practitioner", "-held_on"])]

    def __str__(self) -> str:
        return f"Supervision on {self.held_on}"


class DevelopmentActivity(PractitionerRecord):
    """Continuing professional development: what was done, when, for how many hours."""

    done_on = models.DateField(_("Date"))
    activity = models.CharField(_("What you did"), max_length=200)
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["practitioner", "done_on"])]
        verbose_name_plural = "development activities"

    def __str__(self) -> str:
        return self.activity


class PracticeSettings(models.Model):
    """An organisation's expectations of its practitioners."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="practice_settings"
    )
    development_hours_target = models.PositiveSmallIntegerField(
        _("Continuing development hours each year"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    year_starts_month = models.PositiveSmallIntegerField(
        _("The development year starts in"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "practice settings"

    def __str__(self) -> str:
        return f"Practice settings of {self.organisation_id}"


class AllocationOverride(OrganisationOwned):
    """A case given to a lead facilitator without the training it needs, and why."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    missing = models.CharField(max_length=300)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "case", "-created_at"])]

    def __str__(self) -> str:
        return f"Allocation override on case {self.case_id}"
