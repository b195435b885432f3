"""Restorative meetings: direct meetings, conferences and circles, and indirect exchanges."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Case, CaseChildQuerySet, Party, ProcessType
from amends.core.fields import EncryptedTextField
from amends.core.models import OrganisationOwned
from amends.core.vocabulary import current_words


class MeetingStatus(models.TextChoices):
    ARRANGED = "arranged", _("Arranged")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# The restorative questions, stage by stage, for facilitation mode: each stage has
# its questions for the person responsible and for the person harmed.
# Labels and questions are marked for translation, read in the language of the page.
STAGES: list[tuple[str, Any, list[Any], list[Any]]] = [
    (
        "what_happened",
        _("What happened"),
        [_("What happened?"), _("What were you thinking about at the time?")],
        [_("What did you think when you realised what had happened?")],
    ),
    (
        "thoughts_feelings",
        _("Thoughts and feelings"),
        [
            _("What have you thought about since?"),
            _("How did you feel then, and how do you feel now?"),
        ],
        [
            _("How did you feel then, and how do you feel now?"),
            _("What has been the hardest thing for you?"),
        ],
    ),
    (
        "who_affected",
        _("Who has been affected"),
        [_("Who has been affected by what happened?"), _("In what way have they been affected?")],
        [_("What impact has this had on you and on others?")],
    ),
    (
        "put_right",
        _("Putting things right"),
        [_("What needs to happen to put things right?"), _("What could you do to make amends?")],
        [_("What do you need to happen to make things right?"), _("What do you need to move on?")],
    ),
]


def names_in_the_room(parties: list[Party]) -> dict[int, str]:
    """How facilitation mode names each party: first name and part, e.g. "Sam (supporter)".

    Two people with the same first name are told apart by their family name's
    initial ("Sam O. (supporter)"), which is all of it the room needs to see.
    """
    counts: dict[str, int] = {}
    for party in parties:
        key = party.first_name.casefold()
        counts[key] = counts.get(key, 0) + 1
    names = {}
    for party in parties:
        name = party.first_name
        if counts[name.casefold()] > 1 and party.person.family_name:
            name = f"{name} {party.person.family_name[0].upper()}."
        names[party.pk] = f"{name} ({party.get_role_display().lower()})"
    return names


class Meeting(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    process = models.CharField(max_length=30, choices=ProcessType.choices)
    scheduled_at = models.DateTimeField(_("Date and time"))
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
    # What actually happened, recorded when the meeting is marked held.
    held_at = models.DateTimeField(_("When it was held"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("How long it took"), null=True, blank=True
    )
    held_early_reason = EncryptedTextField(
        _("Why it was held before the arranged time"), max_length=500, blank=True
    )
    # Facilitation-mode notes, one per stage of the restorative questions.
    what_happened = EncryptedTextField(max_length=6000, blank=True)
    thoughts_feelings = EncryptedTextField(max_length=6000, blank=True)
    who_affected = EncryptedTextField(max_length=6000, blank=True)
    put_right = EncryptedTextField(max_length=6000, blank=True)
    outcome_notes = EncryptedTextField(
        _("What happened at the meeting"), max_length=6000, blank=True
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "case", "-scheduled_at"]),
            models.Index(fields=["organisation", "facilitator", "scheduled_at"]),
            # The service's week of arranged meetings (the coordinator's home).
            models.Index(
                fields=["organisation", "status", "scheduled_at"], name="meeting_calendar"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_process_display()} on {self.scheduled_at:%d %b %Y}"

    def get_process_display(self) -> str:  # type: ignore[no-redef]
        return current_words().process_label(self.process)


class MeetingAttendee(OrganisationOwned):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="meetings_attended")
    # Everyone invited has a row; `attended` records who actually came once the meeting is held.
    attended = models.BooleanField(default=False)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "meeting", "party"], name="attend_once_per_meeting"
            )
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
