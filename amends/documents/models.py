"""Files kept with a case: signed agreements and evidence.

Files live under settings.MEDIA_ROOT (var/uploads), which no URL serves; the
only way out is `documents:download`, which checks access first. The stored
name is random, so nothing about the person or the upload reaches the disk.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Case, CaseChildQuerySet, Party
from amends.core.models import OrganisationOwned


class DocumentKind(models.TextChoices):
    SIGNED_AGREEMENT = "signed_agreement", _("Signed agreement")
    EVIDENCE = "evidence", _("Evidence that an action was done")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Document(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "case", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "documents" / self.stored_name

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
            self.content_type, "bin"
        )
