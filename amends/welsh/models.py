"""The Welsh text of the public website's pages, written by its staff beside the English."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WelshPage(models.Model):
    """A page's Welsh title, summary and text. The public sees it as soon as it is saved with a
    title; until then the Welsh site shows the English text with a note saying so."""

    page = models.OneToOneField("website.Page", on_delete=models.CASCADE, related_name="welsh")
    title = models.CharField(_("Teitl (title)"), max_length=120, blank=True)
    summary = models.CharField(_("Crynodeb (summary)"), max_length=300, blank=True)
    body = models.TextField(_("Testun (text)"), max_length=20000, blank=True)
    html = models.TextField(blank=True, help_text=_("The body as sanitised HTML."))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.title or f"Welsh text of {self.page_id}"

    @property
    def is_written(self) -> bool:
        return bool(self.title.strip())
