"""Refusing a save that would silently overwrite someone else's change.

A form carries the record's `updated_at` as it was when the page was loaded.
The service locks the row, compares, and refuses if anyone saved in between.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class EditConflict(ValidationError):
    """Someone else changed the record after this form was loaded."""

    def __init__(self, changed_fields: list[str], current: models.Model) -> None:
        self.changed_fields = changed_fields
        self.current = current
        differ = (
            f" The saved record now differs from yours in: {', '.join(changed_fields)}."
            if changed_fields
            else ""
        )
        super().__init__(
            "Someone else saved changes to this record while you were editing it, so yours "
            f"have not been saved.{differ} The form now shows the saved details: make your "
            "changes again."
        )


def version_of(instance: models.Model) -> str:
    updated_at = getattr(instance, "updated_at", None)
    return updated_at.isoformat() if updated_at else ""


def lock_and_check(instance: models.Model, loaded_version: str | None, fields: list[str]) -> Any:
    """Lock the row; raise EditConflict if it changed since `loaded_version`."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if loaded_version is None or version_of(current) == loaded_version:
        return current
    changed = [
        str(getattr(current._meta.get_field(name), "verbose_name", name))
        for name in fields
        if getattr(current, name) != getattr(instance, name, None)
    ]
    raise EditConflict(changed, current)
