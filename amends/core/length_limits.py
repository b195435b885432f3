"""Length and number limits in plain words, for every form in Amends.

Django's own messages ("Ensure this value has at most 100 characters (it has
140).") do not say which field they are about, and read like a machine. Its
validators cannot name the field: they never see its label. The form can, when
the error is put on a field, so `install()` (run once, at start-up, by the
core app) wraps `BaseForm.add_error` to restate each limit from the field's
label: "Last name must be 100 characters or fewer". A field that sets its own
message for a limit keeps it.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext, ngettext

# Error code: the sentence, from the field's label and the limit (as people write it).
PLAIN_LIMITS: dict[str, Callable[[str, str], str]] = {
    "max_length": lambda label, limit: (
        gettext("%(label)s must be %(limit)s characters or fewer")
        % {"label": label, "limit": limit}
    ),
    "min_length": lambda label, limit: (
        gettext("%(label)s must be %(limit)s characters or more") % {"label": label, "limit": limit}
    ),
    "max_value": lambda label, limit: (
        gettext("%(label)s must be %(limit)s or less") % {"label": label, "limit": limit}
    ),
    "min_value": lambda label, limit: (
        gettext("%(label)s must be %(limit)s or more") % {"label": label, "limit": limit}
    ),
    "max_digits": lambda label, limit: (
        gettext("%(label)s must be %(limit)s digits or fewer") % {"label": label, "limit": limit}
    ),
    "max_decimal_places": lambda label, limit: (
        ngettext(
            "%(label)s must have %(limit)s decimal place or fewer",
            "%(label)s must have %(limit)s decimal places or fewer",
            1 if limit == "1" else 2,
        )
        % {"label": label, "limit": limit}
    ),
    "max_whole_digits": lambda label, limit: (
        ngettext(
            "%(label)s must have %(limit)s digit or fewer before the decimal point",
            "%(label)s must have %(limit)s digits or fewer before the decimal point",
            1 if limit == "1" else 2,
        )
        % {"label": label, "limit": limit}
    ),
}


def limit_text(limit: Any) -> str:
    """A limit as people write it: 1,440 rather than 1440; 2.5 rather than 2.50."""
    if isinstance(limit, bool):
        return str(limit)
    if isinstance(limit, int):
        return f"{limit:,}"
    if isinstance(limit, float | decimal.Decimal):
        return f"{decimal.Decimal(str(limit)).normalize():,f}"
    return str(limit)


def field_label(form: forms.BaseForm, name: str) -> str:
    label = str(form[name].label or name).strip().rstrip("?:").strip()
    return label[:1].upper() + label[1:]


def plain_limit_errors(
    form: forms.BaseForm, name: str, errors: list[ValidationError]
) -> list[ValidationError]:
    """The field's errors, with each limit Django worded restated from the field's label."""
    if name == NON_FIELD_ERRORS or name not in form.fields:
        return errors
    own_messages = form.fields[name].error_messages
    restated = []
    for error in errors:
        code = getattr(error, "code", None)
        params = getattr(error, "params", None) or {}
        limit = params.get("limit_value", params.get("max"))
        if code in PLAIN_LIMITS and code not in own_messages and limit is not None:
            message = PLAIN_LIMITS[code](field_label(form, name), limit_text(limit))
            error = ValidationError(message, code=code)
        restated.append(error)
    return restated


_django_add_error = forms.BaseForm.add_error


def _add_error(self: forms.BaseForm, field: str | None, error: Any) -> None:
    if not isinstance(error, ValidationError):
        error = ValidationError(error)
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {name: plain_limit_errors(self, name, errs) for name, errs in error.error_dict.items()}
        )
    elif field is not None:
        error = ValidationError(plain_limit_errors(self, field, error.error_list))
    _django_add_error(self, field, error)


def install() -> None:
    """Make every form word its limits plainly. Safe to call more than once."""
    forms.BaseForm.add_error = _add_error  # type: ignore[method-assign]
