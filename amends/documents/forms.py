from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.cases.forms import party_choices
from amends.cases.models import Case, Party
from amends.documents.models import DocumentKind

# The form also appears on the case page, beside other forms: its ids must not clash.
PREFIX = "document"


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("For example, “Signed agreement” or “Receipt for the repair”."),
        error_messages={"required": _("Enter a title")},
    )
    kind = forms.ChoiceField(
        label=_("What kind of document is it?"),
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what kind of document it is")},
    )
    party = forms.ModelChoiceField(
        label=_("Who is it about? (optional)"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("The whole case"),
    )
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("A PDF, PNG or JPEG, smaller than 10MB."),
        error_messages={"required": _("Select a file"), "empty": _("The selected file is empty")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_choices(self.fields["party"], case)
