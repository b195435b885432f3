from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.imports.checking import Column

NOT_IN_FILE = ""


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_(
            "A CSV or Excel (.xlsx) file, smaller than 50 MB, with a row of column headings first."
        ),
        error_messages={
            "required": _("Select a CSV or Excel file"),
            "empty": _("The selected file is empty"),
            "invalid": _("Select a CSV or Excel file"),
        },
    )


class MappingForm(forms.Form):
    """For each thing the import reads, the column of the file it is in."""

    def __init__(
        self, *args: Any, columns: list[Column], headers: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [(NOT_IN_FILE, _("Not in the file")), *[(h, h) for h in headers if h]]
        for column in columns:
            field = forms.ChoiceField(
                label=column.label,
                choices=choices,
                required=column.required,
                help_text=column.hint,
                error_messages={
                    "required": _("Choose the column that holds the %(column)s")
                    % {"column": column.label.lower()},
                    "invalid_choice": _("Choose a column of the file for the %(column)s")
                    % {"column": column.label.lower()},
                },
            )
            self.fields[column.field] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for column in self.columns:
            heading = data.get(column.field)
            if not heading:
                continue
            if heading in used:
                self.add_error(
                    column.field,
                    _("The column “%(heading)s” is already chosen for the %(column)s")
                    % {"heading": heading, "column": used[heading].lower()},
                )
            else:
                used[heading] = column.label
        return data


class SaveForm(forms.Form):
    duplicates = forms.ChoiceField(
        label=_("What should happen to the rows that may be someone already recorded?"),
        choices=[
            ("leave_out", _("Leave them out: I will check them and add them myself")),
            ("add", _("Add them as new records anyway")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what should happen to the rows that may be duplicates")
        },
    )
