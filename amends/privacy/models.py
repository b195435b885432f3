"""A record of each anonymisation: what was anonymised, why, when and by whom.

It holds no personal data of the person concerned (their record is already
anonymised when this is written), and it tells retention which cases are done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedTextField
from amends.core.models import Organisation


class AnonymisationReason(models.TextChoices):
    RETENTION = "retention", _("The retention period ended")
    ERASURE_REQUEST = "erasure_request", _("The person asked for their data to be erased")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew consent and asked for erasure")
    NO_LONGER_NEEDED = (
        "no_longer_needed",
        _("It is no longer needed for the reason it was collected"),
    )
    OBJECTION = "objection", _("The person objected, and there is no overriding reason to keep it")


class Anonymisation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=30, choices=AnonymisationReason.choices)
    note = EncryptedTextField(max_length=1000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "case"]),
            models.Index(fields=["organisation", "person"]),
        ]

    def __str__(self) -> str:
        return f"Anonymisation {self.pk} ({self.reason})"
