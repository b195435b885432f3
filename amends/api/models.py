"""API keys for agency systems, and the referrals each key submitted.

A key is shown once when it is made; only its SHA-256 hash is kept, as for invitations, so a
copy of the database cannot be used to call the API. A key acts as a referrer (submit, read
the status of what it submitted) or a viewer (aggregate reports), never more.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedTextField
from amends.core.models import (
    Membership,
    Organisation,
    OrganisationOwned,
    OrganisationQuerySet,
    Role,
)

KEY_PREFIX = "amends"


class Scope(models.TextChoices):
    SUBMIT_REFERRALS = "referrals:submit", _("Submit referrals")
    READ_REFERRALS = "referrals:read", _("Read the status of the referrals it submitted")
    READ_REPORTS = "reports:read", _("Read aggregate report figures")


class ApiKeyQuerySet(OrganisationQuerySet):
    readable_by = (Role.COORDINATOR,)


class ApiKey(OrganisationOwned):
    name = models.CharField(max_length=100)
    # The public start of the key ("amends_3kF9xQ2a"), to tell keys apart in lists and logs.
    prefix = models.CharField(max_length=20, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    webhook_url = models.URLField(_("Webhook address"), max_length=500, blank=True)
    # Kept (encrypted), not hashed: Amends signs each webhook with it.
    webhook_secret = EncryptedTextField(max_length=100, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> tuple[str, str]:
        """A new key and its public prefix."""
        prefix = f"{KEY_PREFIX}_{secrets.token_urlsafe(6)}"
        return f"{prefix}_{secrets.token_urlsafe(32)}", prefix

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def status_label(self) -> str:
        if self.is_revoked:
            return gettext("Revoked")
        if self.is_expired:
            return gettext("Expired")
        return gettext("Active")

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels[s]) for s in self.scopes if s in labels]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiSubmissionQuerySet(OrganisationQuerySet):
    def of_key(self, key: ApiKey) -> Self:
        return self.filter(organisation_id=key.organisation_id, api_key=key)

    def visible_to(self, member: Membership) -> Self:
        return self.none()  # read only through the key that made them


class ApiSubmission(OrganisationOwned):
    """A referral submitted through the API: by which key, under which Idempotency-Key,
    with which body (its hash), so a retry makes no second referral."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="api_submission"
    )
    idempotency_key = models.CharField(max_length=100)
    body_hash = models.CharField(max_length=64)

    objects = ApiSubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "api_key", "idempotency_key"],
                name="one_referral_per_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"Referral {self.referral_id} by {self.api_key_id}"


class ApiCallCount(models.Model):
    """How many calls a key has made in one window of the rate limit. Counted in the database,
    so every server process and thread shares one count for the key."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    # The window's number: seconds since the epoch divided by the window's length.
    window = models.BigIntegerField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "api_key", "window"], name="one_count_per_key_and_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.calls} calls by {self.api_key_id} in window {self.window}"
