"""Messages to people: each organisation's wording of them, and each meeting's calendar event.

The wording is per organisation, per kind of message and per language (English and Welsh);
where an organisation has not written its own, the defaults in `amends.notify.messages` are
used.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.models import OrganisationOwned
from amends.meetings.models import Meeting
from amends.people.models import MessageLanguage, Person


class MessageKind(models.TextChoices):
    INVITATION = "invitation", _("Meeting invitation")
    CHANGE = "change", _("Meeting changed")
    CANCELLATION = "cancellation", _("Meeting cancelled")
    REMINDER = "reminder", _("Meeting reminder")
    THANK_YOU = "thank_you", _("Thank you")
    FEEDBACK_LINK = "feedback_link", _("Feedback link")


class MessageTemplate(OrganisationOwned):
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    language = models.CharField(max_length=2, choices=MessageLanguage.choices)
    subject = models.CharField(_("Subject line of the e-mail"), max_length=150)
    body = models.TextField(_("Message"), max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "language"], name="one_template_per_kind_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class MeetingCalendarEvent(models.Model):
    """The meeting's event in calendars: its SEQUENCE goes up with each change sent, so a
    calendar that has it replaces it rather than adding another (the UID never changes)."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="calendar_event"
    )
    sequence = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Calendar event for meeting {self.meeting_id}, sequence {self.sequence}"


class MeetingCalendarLink(models.Model):
    """A link to one person's copy of a meeting's calendar event, sent where the e-mail cannot
    carry the file (GOV.UK Notify attaches no calendar files). Only a hash of its token is
    kept, so a copy of the database cannot be used to read anyone's invitation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Made for a cancellation: it gives the CANCEL event, which takes the meeting out of a
    # calendar, rather than the invitation.
    cancellation = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) ^ models.Q(user__isnull=True),
                name="calendar_link_for_a_person_or_a_user",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar link for meeting {self.meeting_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
