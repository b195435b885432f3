"""Organisations, memberships and the base every organisation-owned record stands on."""

from __future__ import annotations

import hashlib
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    JUSTICE = "justice", _("Criminal and civil justice")
    SCHOOLS = "schools", _("Schools")
    COMMUNITIES = "communities", _("Communities and social housing")
    PRISONS = "prisons", _("Prisons")


class SideWords(models.TextChoices):
    """What an organisation calls the two sides of a harm (see core.vocabulary)."""

    PERSON_HARMED = "person_harmed", _("Person harmed and person responsible")
    VICTIM_OFFENDER = "victim_offender", _("Victim and offender")
    HARMED_HARMER = "harmed_harmer", _("Harmed person and harmer")


class OrganisationKind(models.TextChoices):
    JUSTICE_SERVICE = "justice_service", _("Justice service")
    SCHOOL = "school", _("School")
    HOUSING = "housing", _("Housing provider or community service")
    PRISON = "prison", _("Prison")
    CONSULTANCY = "consultancy", _("Consultancy")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    FACILITATOR = "facilitator", _("Facilitator")
    REFERRER = "referrer", _("Referrer")
    VIEWER = "viewer", _("Viewer")
    TRAINER = "trainer", _("Trainer")


ROLE_DESCRIPTIONS = {
    Role.COORDINATOR: _(
        "Runs the service: sees everything in the organisation, triages and allocates."
    ),
    Role.FACILITATOR: _("Trained practitioner: works on the cases allocated to them."),
    Role.REFERRER: _("Makes referrals and sees whether each was accepted and progressed."),
    Role.VIEWER: _("Sees de-identified reports only."),
    Role.TRAINER: _("Runs training programmes, courses and certificates."),
}


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    sectors = models.JSONField(default=list, help_text=_("Sector codes the organisation works in."))
    address_line_1 = models.CharField(_("Address line 1"), max_length=200, blank=True)
    address_line_2 = models.CharField(_("Address line 2"), max_length=200, blank=True)
    town = models.CharField(_("Town or city"), max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(_("Telephone"), max_length=30, blank=True)
    email = models.EmailField(_("Contact e-mail"), blank=True)
    case_reference_prefix = models.CharField(max_length=6, default="RJ")
    retention_years = models.PositiveSmallIntegerField(
        default=7, help_text=_("Years a closed case is kept before it is anonymised.")
    )
    side_words = models.CharField(
        _("Words for the two sides"),
        max_length=20,
        choices=SideWords.choices,
        default=SideWords.PERSON_HARMED,
        db_default=SideWords.PERSON_HARMED,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels[code]) for code in self.sectors if code in labels]


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def visible_to(self, member: Membership) -> Self:
        """Members of the same organisation; only coordinators see the list."""
        if not member.is_coordinator:
            return self.none()
        return self.filter(organisation_id=member.organisation_id)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the user last chose to work in this organisation: they sign in to it next time.
    last_chosen_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        indexes = [models.Index(fields=["organisation", "role", "is_active"])]
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == Role.COORDINATOR

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == Role.FACILITATOR

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> Self:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def visible_to(self, member: Membership) -> Self:
        if not member.is_coordinator:
            return self.none()
        return self.filter(organisation_id=member.organisation_id)


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation in a role.

    Only a hash of the token is stored, so a copy of the database cannot be
    used to accept someone else's invitation.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class OrganisationQuerySet(models.QuerySet[Any]):
    """Base QuerySet for organisation-owned records: the one access path.

    `visible_to(member)` is the only way views read these records. Models
    narrow it further (a facilitator sees only their own cases) by overriding
    `visible_to` and calling `in_organisation_of` first.
    """

    #: Roles that may read this kind of record at all.
    readable_by: tuple[str, ...] = (Role.COORDINATOR, Role.FACILITATOR)

    def in_organisation_of(self, member: Membership) -> Self:
        if member is None or not member.is_active:
            return self.none()
        return self.filter(organisation_id=member.organisation_id)

    def visible_to(self, member: Membership) -> Self:
        if member is None or not member.has_role(*self.readable_by):
            return self.none()
        return self.in_organisation_of(member)


class OrganisationOwned(models.Model):
    """Every record holding personal data belongs to exactly one organisation.

    The organisation key is on every such table (not only reachable through a
    join), so each query filters on it directly and a large deployment can
    distribute tables by organisation.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Viewed")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    EXPORT = "export", _("Exported")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, member: Membership) -> Self:
        if member is None or not member.is_coordinator:
            return self.none()
        return self.filter(organisation_id=member.organisation_id)


class AuditEvent(models.Model):
    """Append-only record of who did what to which record, and from where.

    It names records, never their sensitive values. The database itself
    refuses UPDATE and DELETE on this table (see the migration's triggers);
    only retention may rewrite an expired record's summary, through the one
    path that lifts the guard for a single statement.
    """

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The chain that makes an edit outside Amends evident (core/audit_chain.py).
    summary_hash = models.CharField(max_length=64, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)
    rewritten_summary_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-at"]),
            models.Index(fields=["record_type", "record_id"]),
            # The head of an organisation's chain (core/audit_chain.py).
            models.Index(fields=["organisation", "-id"], name="core_audit_chain_head"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.record_type} {self.record_id}"
