"""Form pieces that follow the GOV.UK Design System patterns."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What a date is missing, as the error message says it (`%(name)s` is the field's name).
MISSING_PARTS = {
    ("day",): _("%(name)s must include a day"),
    ("month",): _("%(name)s must include a month"),
    ("year",): _("%(name)s must include a year"),
    ("day", "month"): _("%(name)s must include a day and a month"),
    ("day", "year"): _("%(name)s must include a day and a year"),
    ("month", "year"): _("%(name)s must include a month and a year"),
    ("day", "month", "year"): _("%(name)s must include a day and a month and a year"),
}


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year in three boxes."""

    template_name = "includes/govuk/date_widget.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for label, sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub["part_label"] = label.capitalize()
        return context


class DateField(forms.Field):
    """A date from three boxes, with the GOV.UK error messages."""

    widget = DateInput

    def __init__(self, *, past_only: bool = False, future_only: bool = False, **kwargs: Any):
        self.past_only = past_only
        self.future_only = future_only
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        name = str(self.label or _("Date")).lower() if self.label else str(_("the date"))
        name = name[0].upper() + name[1:]
        if isinstance(value, datetime.date):
            return value
        parts = [("" if v is None else str(v)).strip() for v in (value or [])]
        if not any(parts):
            return None
        day, month, year = [*parts, "", "", ""][:3]
        missing = [
            part
            for part, v in zip(("day", "month", "year"), (day, month, year), strict=True)
            if not v
        ]
        if missing:
            raise ValidationError(MISSING_PARTS[tuple(missing)] % {"name": name})
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(
                _("%(name)s must be a real date, written in numbers") % {"name": name}
            )
        if len(year) != 4:
            raise ValidationError(_("Year must include 4 numbers"))
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(_("%(name)s must be a real date") % {"name": name}) from exc
        today = timezone.localdate()
        if self.past_only and date > today:
            raise ValidationError(_("%(name)s must be today or in the past") % {"name": name})
        if self.future_only and date < today:
            raise ValidationError(_("%(name)s must be today or in the future") % {"name": name})
        return date

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}


# "14:30", "14.30", "9:05"; "6pm", "6:30pm", "6.30 p.m."; "noon", "midnight".
_TIME_24 = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_TIME_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm)$")
_TIME_WORDS = {
    "noon": datetime.time(12, 0),
    "midday": datetime.time(12, 0),
    "midnight": datetime.time(0, 0),
}


def parse_time(text: str) -> datetime.time | None:
    """A time as people write it, or None if it is not one."""
    written = re.sub(r"\s+", "", text.lower())
    written = re.sub(r"([ap])\.?m\.?$", r"\1m", written)  # "p.m." and "p.m" are "pm"
    if written in _TIME_WORDS:
        return _TIME_WORDS[written]
    if match := _TIME_24.match(written):
        hour, minute = int(match[1]), int(match[2])
        if hour <= 23 and minute <= 59:
            return datetime.time(hour, minute)
        return None
    if match := _TIME_12.match(written):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        # 12am is midnight and 12pm is noon.
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
        return datetime.time(hour, minute)
    return None


class TimeField(forms.Field):
    """A time of day typed as people write it: 18:00, 18.00, 6pm, 6:30pm, 12pm (noon)."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "Enter a time, like 14:30 or 2:30pm"}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "For example, 14:30 or 2:30pm")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.time | None:
        if isinstance(value, datetime.time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 20 or (time := parse_time(text)) is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return time

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.time):
            return f"{value:%H:%M}"
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"autocomplete": "off", "spellcheck": "false"}
