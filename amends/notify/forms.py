from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.notify.models import MessageTemplate


class MessageTemplateForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject line of the e-mail"),
        max_length=MessageTemplate._meta.get_field("subject").max_length,
        error_messages={"required": _("Enter the subject line")},
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Texts send this message without the subject line."),
        error_messages={"required": _("Enter the message")},
    )
