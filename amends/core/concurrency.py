"""Refusing a save that would silently overwrite someone else's change.

A form that edits an existing record carries the record's version (its
`updated_at` as it was when the page was loaded) in a hidden field. The
service locks the row, compares, and refuses if anyone saved in between. A
save that arrives without a version is refused too: without it nobody can
tell whether the record changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Marked here and translated when it is raised (EditConflict).
MISSING_VERSION_MESSAGE = gettext_noop(
    "This page was out of date, so your changes have not been saved. "
    "The form now shows the saved details: make your changes again."
)


class EditConflict(ValidationError):
    """Someone else changed the record after this form was loaded (or the form had no version)."""

    def __init__(
        self, changed_fields: list[str], current: models.Model, message: StrOrPromise = ""
    ) -> None:
        self.changed_fields = changed_fields
        self.current = current
        if message:
            text = gettext(str(message))
        elif changed_fields:
            text = _(
                "Someone else saved changes to this record while you were editing it, so yours "
                "have not been saved. The saved record now differs from yours in: %(fields)s. "
                "The form now shows the saved details: make your changes again."
            ) % {"fields": ", ".join(changed_fields)}
        else:
            text = str(
                _(
                    "Someone else saved changes to this record while you were editing it, so "
                    "yours have not been saved. The form now shows the saved details: make your "
                    "changes again."
                )
            )
        super().__init__(text)


M = TypeVar("M", bound=models.Model)


def version_of(instance: models.Model) -> str:
    updated_at = getattr(instance, "updated_at", None)
    return updated_at.isoformat() if updated_at else ""


def lock_and_check(instance: models.Model, loaded_version: str | None, fields: list[str]) -> Any:
    """Lock the row and return it as saved; raise EditConflict if it changed since
    `loaded_version`, or if no version came with the save. Call inside a transaction."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if not loaded_version:
        raise EditConflict([], current, MISSING_VERSION_MESSAGE)
    if version_of(current) == loaded_version:
        return current
    changed = [
        str(getattr(current._meta.get_field(name), "verbose_name", name))
        for name in fields
        if getattr(current, name) != getattr(instance, name, None)
    ]
    raise EditConflict(changed, current)


def save_versioned(
    instance: M, loaded_version: str | None, fields: dict[str, Any], *, by: Any = None
) -> M:
    """Apply `fields` to `instance` and save it, refusing (EditConflict) if the row changed
    since `loaded_version`. Sets `updated_by` when given. Call inside a transaction."""
    for name, value in fields.items():
        setattr(instance, name, value)
    lock_and_check(instance, loaded_version, list(fields))
    if by is not None:
        instance.updated_by = by  # type: ignore[attr-defined]
    instance.full_clean()
    instance.save()
    return instance


class VersionField(forms.CharField):
    """The hidden field that carries a record's version through an edit form.

    Not required at the form level: a missing version is refused by
    `lock_and_check` with the saved record shown back, which is kinder than a
    field error the user cannot see or mend.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def versioned_initial(form: forms.BaseForm, instance: models.Model) -> None:
    """Set a form's `version` field to the record's version as loaded now."""
    form.fields["version"].initial = version_of(instance)
