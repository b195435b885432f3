"""Imports: people, referrals and a school's roll read from a CSV or XLSX file.

An import is checked whole (every row, every cell) before anything is saved, and saved whole in
one transaction: one bad row refuses the file. The file itself is kept, encrypted, only until the
import is saved; the problems found keep the cells they are about so the preview can show them.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedTextField, encrypt
from amends.core.models import OrganisationOwned, OrganisationQuerySet, Role


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("People")
    REFERRALS = "referrals", _("Referrals")
    ROLL = "roll", _("School roll")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Columns to match")
    CHECKING = "checking", _("Being checked")
    READY = "ready", _("Checked: ready to save")
    REFUSED = "refused", _("Has problems: nothing saved")
    SAVING = "saving", _("Being saved")
    SAVED = "saved", _("Saved")


# A background run that has not reported for this long was stopped (a worker killed).
STALLED_AFTER = datetime.timedelta(minutes=2)


class EncryptedListField(EncryptedTextField):
    """A list (of rows, with the cells of a file) kept as JSON, encrypted at rest."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else []

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else []
        return value if value is not None else []

    def get_prep_value(self, value: Any) -> Any:
        if not value:
            return ""
        return encrypt(json.dumps(value, ensure_ascii=False))


class ImportQuerySet(OrganisationQuerySet):
    """Coordinators see their organisation's imports; nobody else sees any."""

    readable_by = (Role.COORDINATOR,)


class Import(OrganisationOwned):
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.MAPPING
    )
    file_name = models.CharField(max_length=255)
    # The file as uploaded, encrypted (core.fields.fernet); emptied once the import is saved.
    content = models.BinaryField(default=b"")
    headers = models.JSONField(default=list)
    # Field name -> the heading of the column it is read from.
    mapping = models.JSONField(default=dict)
    row_count = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    in_background = models.BooleanField(default=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Each row with a problem: {"row": n, "cells": {field: value}, "errors": {field: message}}.
    problems = EncryptedListField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    # Each row that may be someone already recorded: {"row": n, "name": ..., "matches":
    # [[person pk, why], ...]}.
    duplicates = EncryptedListField(default=list, blank=True)
    leave_out_duplicates = models.BooleanField(default=False)
    added_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    left_out_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.pk}"

    @property
    def is_working(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.SAVING)

    @property
    def stalled(self) -> bool:
        """A background run stopped before it finished: nothing it was doing was saved."""
        if not self.is_working or not self.in_background:
            return False
        last = self.heartbeat_at or self.updated_at
        return timezone.now() - last > STALLED_AFTER

    @property
    def percent(self) -> int:
        if not self.row_count:
            return 0
        return min(100, self.rows_done * 100 // self.row_count)


class ColumnMapping(OrganisationOwned):
    """The columns an organisation last matched for a kind of import, offered next time."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    mapping = models.JSONField(default=dict)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="import_mapping_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"Columns for {self.get_kind_display()}"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.mapping)
