from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class WelshPageForm(forms.Form):
    title = forms.CharField(
        label=_("Title in Welsh"),
        max_length=120,
        required=False,
        help_text=_("Leave it empty to show the English page, with a note, to Welsh readers."),
    )
    summary = forms.CharField(
        label=_("Summary in Welsh"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "lang": "cy"}),
    )
    body = forms.CharField(
        label=_("Text in Welsh"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "lang": "cy"}),
        help_text=_(
            "In Markdown, as the English page: ## for a heading, * for a bullet point, "
            "[words](address) for a link."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["title"].widget.attrs["lang"] = "cy"

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (data.get("title") or "").strip() and (
            (data.get("summary") or "").strip() or (data.get("body") or "").strip()
        ):
            self.add_error(
                "title", _("Enter the title in Welsh, or empty the summary and text too")
            )
        return data
