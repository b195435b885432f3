"""A school's restorative work on the one case engine.

A restorative conversation is a case (process "conversation") with the pupils
as its parties; what a school also needs to know of a case sits beside it in
`SchoolCase`. Parents and carers kept informed, and safeguarding concerns
passed on to the designated safeguarding lead, are recorded per case. The
concern itself is never stored here: it belongs in the school's safeguarding
system.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Case, CaseChildQuerySet, Party
from amends.core.fields import EncryptedTextField
from amends.core.models import Organisation, OrganisationOwned


class DfeReason(models.TextChoices):
    """The Department for Education's reasons for a suspension or permanent exclusion."""

    PHYSICAL_ASSAULT_PUPIL = "physical_assault_pupil", _("Physical assault against a pupil")
    PHYSICAL_ASSAULT_ADULT = "physical_assault_adult", _("Physical assault against an adult")
    VERBAL_ABUSE_PUPIL = (
        "verbal_abuse_pupil",
        _("Verbal abuse or threatening behaviour against a pupil"),
    )
    VERBAL_ABUSE_ADULT = (
        "verbal_abuse_adult",
        _("Verbal abuse or threatening behaviour against an adult"),
    )
    WEAPON = "weapon", _("Use or threat of use of an offensive weapon or prohibited item")
    BULLYING = "bullying", _("Bullying")
    RACIST_ABUSE = "racist_abuse", _("Racist abuse")
    SEXUAL_ORIENTATION_GENDER_IDENTITY = (
        "sexual_orientation_gender_identity",
        _("Abuse against sexual orientation and gender identity"),
    )
    DISABILITY = "disability", _("Abuse relating to disability")
    SEXUAL_MISCONDUCT = "sexual_misconduct", _("Sexual misconduct")
    DRUG_ALCOHOL = "drug_alcohol", _("Drug and alcohol related")
    DAMAGE = "damage", _("Damage")
    THEFT = "theft", _("Theft")
    DISRUPTIVE = "disruptive", _("Persistent or general disruptive behaviour")
    ONLINE = "online", _("Inappropriate use of social media or online technology")
    PROTECTIVE_MEASURES = (
        "protective_measures",
        _("Wilful and repeated transgression of protective measures"),
    )
    OTHER = "other", _("Other")


class SanctionConsidered(models.TextChoices):
    NONE = "none", _("No")
    SUSPENSION = "suspension", _("Yes, a suspension")
    PERMANENT_EXCLUSION = "permanent_exclusion", _("Yes, a permanent exclusion")


class SchoolCase(OrganisationOwned):
    """What a school records of a case beyond the case itself."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="school")
    # A restorative conversation recorded on the spot, rather than a case prepared over weeks.
    is_conversation = models.BooleanField(default=False)
    held_on = models.DateField(null=True, blank=True)
    agreed = EncryptedTextField(_("What was agreed"), max_length=1000, blank=True)
    follow_up_on = models.DateField(_("Follow-up date"), null=True, blank=True)
    followed_up_on = models.DateField(null=True, blank=True)
    dfe_reason = models.CharField(
        _("Reason for the incident"), max_length=40, choices=DfeReason.choices, blank=True
    )
    sanction_considered = models.CharField(
        _("Was a suspension or exclusion being considered?"),
        max_length=30,
        choices=SanctionConsidered.choices,
        default=SanctionConsidered.NONE,
    )
    # Of a sanction considered: was it avoided? None while not known.
    sanction_avoided = models.BooleanField(null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "is_conversation", "follow_up_on"]),
            models.Index(fields=["organisation", "held_on"]),
        ]

    def __str__(self) -> str:
        return f"School record of case {self.case_id}"

    @property
    def follow_up_due(self) -> bool:
        return self.follow_up_on is not None and self.followed_up_on is None


class InformedMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    MEETING = "meeting", _("Meeting at school")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    APP = "app", _("Message through the school's app")


class ParentInformed(OrganisationOwned):
    """A parent or carer of a pupil under 18 was told about the pupil's part in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parents_informed")
    pupil = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="parents_informed")
    informed_name = EncryptedTextField(_("Who was informed"), max_length=120)
    method = models.CharField(_("How"), max_length=20, choices=InformedMethod.choices)
    informed_on = models.DateField(_("When"))
    said = EncryptedTextField(_("What they were told"), max_length=500)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-informed_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "case"])]

    def __str__(self) -> str:
        return f"Parent or carer informed on {self.informed_on}"


class SchoolSettings(models.Model):
    """A school's own settings: who its designated safeguarding lead is."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="school_settings"
    )
    safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Designated safeguarding lead"),
    )
    deputy_safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Deputy designated safeguarding lead"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("school settings")

    def __str__(self) -> str:
        return f"School settings of {self.organisation_id}"


class Resolution(models.TextChoices):
    CLEARED = "cleared", _("Cleared to continue the restorative work")
    RESOLVED = "resolved", _("Resolved by the designated safeguarding lead")


class SafeguardingHandOffQuerySet(CaseChildQuerySet):
    def pausing(self) -> Self:
        return self.filter(resolved_at__isnull=True)


class SafeguardingHandOff(OrganisationOwned):
    """A safeguarding concern was passed on. Holds who, when and to whom: never the concern."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safeguarding")
    raised_at = models.DateTimeField()
    # Who it was passed on to, by e-mail through Amends (blank: no lead was named).
    passed_to = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    told_in_person = models.BooleanField(
        _("Also told the safeguarding lead in person"), default=False
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)

    objects = SafeguardingHandOffQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "case", "resolved_at"])]

    def __str__(self) -> str:
        return f"Safeguarding hand-off on case {self.case_id}"
