"""Restorative meetings: direct meetings, conferences and circles, and indirect exchanges."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from amends.cases.models import Case, CaseChildQuerySet, Party, ProcessType
from amends.core.fields import EncryptedTextField
from amends.core.models import OrganisationOwned


class MeetingStatus(models.TextChoices):
    ARRANGED = "arranged", "Arranged"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


# The restorative questions, stage by stage, for facilitation mode.
STAGES: list[tuple[str, str, list[str]]] = [
    (
        "what_happened",
        "What happened",
        ["What happened?", "What were you thinking about at the time?"],
    ),
    (
        "thoughts_feelings",
        "Thoughts and feelings",
        ["What have you thought about since?", "How did you feel then, and how do you feel now?"],
    ),
    (
        "who_affected",
        "Who has been affected",
        ["Who has been affected by what happened?", "In what way have they been affected?"],
    ),
    (
        "put_right",
        "Putting things right",
        ["What needs to happen to put things right?", "What do you need to move on?"],
    ),
]


class Meeting(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    process = models.CharField(max_length=30, choices=ProcessType.choices)
    scheduled_at = models.DateTimeField("Date and time")
    venue = models.CharField(max_length=200, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    co_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.ARRANGED
    )
    held_at = models.DateTimeField(null=True, blank=True)
    # Facilitation-mode notes, one per stage of the restorative questions.
    what_happened = EncryptedTextField(max_length=6000, blank=True)
    thoughts_feelings = EncryptedTextField(max_length=6000, blank=True)
    who_affected = EncryptedTextField(max_length=6000, blank=True)
    put_right = EncryptedTextField(max_length=6000, blank=True)
    outcome_notes = EncryptedTextField("What happened at the meeting", max_length=6000, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "case", "-scheduled_at"]),
            models.Index(fields=["organisation", "facilitator", "scheduled_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_process_display()} on {self.scheduled_at:%d %b %Y}"


class MeetingAttendee(OrganisationOwned):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="meetings_attended")

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "party"], name="attend_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.party} at {self.meeting}"


class IndirectMessage(OrganisationOwned):
    """A message or letter carried between parties in shuttle mediation or a letter exchange."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="messages")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    from_party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    to_party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    carried_on = models.DateField()
    is_letter = models.BooleanField(default=False)
    summary = EncryptedTextField(max_length=6000)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["carried_on", "pk"]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.carried_on}"
