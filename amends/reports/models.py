"""What an organisation has decided about its reports: the hourly rate that prices a
facilitator's time, and whether its aggregates are shared with the consultancy that
supports it. No personal data lives here."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.models import Organisation


class ReportSettings(models.Model):
    """One row per organisation, made the first time a coordinator saves it."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="report_settings"
    )
    hourly_rate = models.DecimalField(
        _("Hourly cost of a facilitator (£)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Salary, on-costs and overheads for one hour of a facilitator's time."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Report settings of {self.organisation_id}"


class SharingQuerySet(models.QuerySet["AggregateSharing"]):
    def current(self) -> Self:
        return self.filter(withdrawn_at__isnull=True)


class AggregateSharing(models.Model):
    """An organisation's agreement that a consultancy may see its aggregate reports.

    Never records: only the figures the organisation's own viewers see. Withdrawing
    keeps the row (who agreed, when, who withdrew, when), so the history stays.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sharing_agreements"
    )
    consultancy = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="shared_with_us"
    )
    agreed_at = models.DateTimeField(default=timezone.now)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SharingQuerySet.as_manager()

    class Meta:
        ordering = ["-agreed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "consultancy"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_sharing_per_consultancy",
            )
        ]
        indexes = [models.Index(fields=["consultancy", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} shares aggregates with {self.consultancy_id}"
