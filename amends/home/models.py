"""What the home pages remember about each person: their last visit and their calendar feed."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


class HomeVisit(models.Model):
    """When a user last opened their home page in an organisation ("new since your last visit")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_home_visit_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organisation_id} at {self.seen_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """A user's private calendar address. Only a hash of its token is kept, so a copy of the
    database cannot be used to read anyone's calendar; a new token ends the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
