from __future__ import annotations

from django import forms

from amends.notify.models import MessageTemplate


class MessageTemplateForm(forms.Form):
    subject = forms.CharField(
        label="Subject line of the e-mail",
        max_length=MessageTemplate._meta.get_field("subject").max_length,
        error_messages={"required": "Enter the subject line"},
    )
    body = forms.CharField(
        label="Message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Texts send this message without the subject line.",
        error_messages={"required": "Enter the message"},
    )
