"""Deliveries: messages Amends sends to the outside world from the background (webhooks now,
e-mails later), each tried until it is delivered or has failed for good.

A delivery is a row before it is a task: the row is written in the same transaction as the
change it reports, and the task that sends it is enqueued when that transaction commits. The
row, not the task, says whether it has been delivered, so a task run twice (a worker killed
after sending, a retry enqueued twice) never sends a delivered message again.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Self

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.models import Membership, Organisation, Role


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    # Not sent, and never will be: the person's safe-contact answers rule it out.
    WITHHELD = "withheld", _("Withheld")


class DeliveryKind(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    EMAIL = "email", _("E-mail")
    TEXT = "text", _("Text message")


# What each event is called on the coordinator's page.
EVENT_LABELS = {
    "referral.accepted": _("Referral accepted"),
    "referral.declined": _("Referral declined"),
    "message.invitation": _("Meeting invitation"),
    "message.change": _("Meeting changed"),
    "message.cancellation": _("Meeting cancelled"),
    "message.reminder": _("Meeting reminder"),
    "message.thank_you": _("Thank you"),
    "message.feedback_link": _("Feedback link"),
    "staff.meeting": _("Meeting in a facilitator's calendar"),
    "staff.digest": _("Facilitator's daily digest"),
}


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def visible_to(self, member: Membership) -> Self:
        """Coordinators see their organisation's deliveries; nobody else sees any."""
        if member is None or not member.has_role(Role.COORDINATOR):
            return self.none()
        return self.filter(organisation_id=member.organisation_id)

    def stalled(self, *, grace_seconds: int = 300) -> Self:
        """Pending deliveries whose try is long overdue: their task was lost (a worker
        killed mid-task) and nobody holds them."""
        now = timezone.now()
        cutoff = now - datetime.timedelta(seconds=grace_seconds)
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lt=cutoff).filter(
            models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now)
        )


class Delivery(models.Model):
    # The id travels with the message (a webhook's `Amends-Webhook-Id` header), so a
    # receiver can tell a repeat from a new message.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    event = models.CharField(max_length=60)
    # What sends it (for a webhook, the API key whose receiver it goes to) and what it is about.
    sender_type = models.CharField(max_length=40)
    sender_id = models.CharField(max_length=40)
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)
    destination = models.CharField(max_length=500, help_text=_("Where it goes, as shown."))
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Held by a worker that is sending it now; another run leaves it alone until then.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # Why a message waits (outside the person's contact hours) or was withheld.
    note = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.event_label} to {self.destination}"

    @property
    def event_label(self) -> str:
        return str(EVENT_LABELS.get(self.event, self.event))
