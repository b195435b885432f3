"""Large exports, made by the task queue and kept, encrypted, for the member who asked.

An export whose rows grow with the organisation's records (the audit log) is made in the
background once it passes a size (settings.AMENDS_EXPORT_BACKGROUND_ROWS). The file lives under
settings.MEDIA_ROOT/exports, which no URL serves, encrypted with the field keys (decision 5),
under a random name; only the member who asked may download it, and it is deleted after
settings.AMENDS_EXPORT_KEEP_DAYS.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedTextField
from amends.core.models import Membership, OrganisationOwned, OrganisationQuerySet, Role


class ExportKind(models.TextChoices):
    AUDIT_LOG = "audit_log", _("Audit log")


class ExportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting to start")
    WORKING = "working", _("Being made")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be made")
    EXPIRED = "expired", _("Deleted")


# A run that has not reported for this long was stopped (a worker killed): nothing was kept.
STALLED_AFTER = datetime.timedelta(minutes=2)


class ExportQuerySet(OrganisationQuerySet):
    """An export is seen only by the coordinator who asked for it, in that organisation."""

    readable_by = (Role.COORDINATOR,)

    def visible_to(self, member: Membership) -> Self:
        return super().visible_to(member).filter(created_by_id=member.user_id)


class Export(OrganisationOwned):
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.WAITING
    )
    # What was asked for (the page's filters, as JSON), encrypted: it may hold an e-mail address.
    parameters = EncryptedTextField(blank=True, default="")
    file_name = models.CharField(max_length=120)
    # The file's name on disk: random, so nothing about the export reaches the disk.
    stored_name = models.CharField(max_length=80, editable=False)
    size = models.PositiveBigIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Why it could not be made, in words for the person who asked.
    failure = models.CharField(max_length=300, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "created_by", "-created_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "exports" / self.stored_name

    @property
    def is_working(self) -> bool:
        return self.status in (ExportStatus.WAITING, ExportStatus.WORKING)

    @property
    def stalled(self) -> bool:
        """A run that stopped before it finished (a worker killed): no file was kept."""
        if self.status != ExportStatus.WORKING:
            return False
        last = self.heartbeat_at or self.updated_at
        return timezone.now() - last > STALLED_AFTER

    @property
    def failed(self) -> bool:
        return self.status == ExportStatus.FAILED or self.stalled

    @property
    def percent(self) -> int:
        if not self.row_count:
            return 0
        return min(100, self.rows_done * 100 // self.row_count)

    def parameters_dict(self) -> dict[str, Any]:

        return json.loads(self.parameters) if self.parameters else {}
