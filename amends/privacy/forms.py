from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.privacy.models import AnonymisationReason


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you erasing their data?"),
        choices=[c for c in AnonymisationReason.choices if c[0] != AnonymisationReason.RETENTION],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select why their data is being erased")},
    )
    note = forms.CharField(
        label=_("Anything else to record (optional)"),
        help_text=_(
            "For example, how the request reached you. Do not write their name or details."
        ),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand their details will be replaced and cannot be got back"),
        error_messages={"required": _("Confirm that you understand the data cannot be got back")},
    )
