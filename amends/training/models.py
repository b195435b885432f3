"""Training: programmes (one per sector) → courses → cohorts → enrolments → certificates.

Training belongs to an organisation like every other record: the consultancy
runs it, and its trainers and coordinators are the only roles that read it.
The people enrolled have no account; they are named on their enrolment.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedTextField
from amends.core.models import Membership, OrganisationOwned, OrganisationQuerySet, Role, Sector

#: The roles that run training: trainers, and coordinators of the organisation.
TRAINING_ROLES: tuple[str, ...] = (Role.TRAINER, Role.COORDINATOR)


class TrainingQuerySet(OrganisationQuerySet):
    readable_by = TRAINING_ROLES


class Level(models.TextChoices):
    """In order: each level builds on the one before."""

    AWARENESS = "awareness", _("Awareness")
    PRACTITIONER = "practitioner", _("Practitioner (facilitator)")
    ADVANCED = "advanced", _("Advanced practitioner")
    TRAINER = "trainer", _("Trainer")


LEVEL_ORDER = {level: rank for rank, level in enumerate(Level.values)}


class Programme(OrganisationOwned):
    sector = models.CharField(max_length=20, choices=Sector.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField(_("What the programme is for"), max_length=2000, blank=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sector"], name="one_programme_per_sector"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CourseQuerySet(TrainingQuerySet):
    def published(self) -> Self:
        return self.filter(is_published=True)


class Course(OrganisationOwned):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices)
    days = models.PositiveSmallIntegerField(_("Number of days"))
    accredited_hours = models.DecimalField(
        _("Accredited hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    summary = models.TextField(_("What it teaches"), max_length=2000)
    learning_outcomes = models.TextField(_("Learning outcomes"), max_length=4000, blank=True)
    is_published = models.BooleanField(_("Published on the website"), default=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "title"]
        indexes = [models.Index(fields=["organisation", "programme", "is_published"])]

    def __str__(self) -> str:
        return self.title

    def outcomes(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.learning_outcomes.splitlines() if line.strip()]


class Audience(models.TextChoices):
    OPEN = "open", _("Open to anyone")
    IN_HOUSE = "in_house", _("In-house for a client organisation")


class Cohort(OrganisationOwned):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.OPEN)
    client_organisation = models.CharField(_("Client organisation"), max_length=200, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(_("Online meeting link"), max_length=500, blank=True)
    capacity = models.PositiveSmallIntegerField(_("Places"))
    price = models.DecimalField(
        _("Price (£)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    joining_instructions = models.TextField(max_length=4000, blank=True)
    # The first and last day, kept by the services from the days, so lists sort and filter
    # on a column instead of a join.
    starts_on = models.DateField(null=True, blank=True, editable=False)
    ends_on = models.DateField(null=True, blank=True, editable=False)
    trainers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CohortTrainer",
        through_fields=("cohort", "trainer"),
        related_name="+",
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["organisation", "starts_on"])]

    def __str__(self) -> str:
        return (
            f"{self.course} from {self.starts_on:%-d %B %Y}" if self.starts_on else str(self.course)
        )

    @property
    def is_open(self) -> bool:
        return self.audience == Audience.OPEN

    @property
    def places_left(self) -> int:
        """Free places; lists annotate `taken` (queries.cohorts_with_places) to avoid a query."""
        taken = getattr(self, "taken", None)
        if taken is None:
            taken = self.enrolments.filter(status__in=HOLDS_A_PLACE).count()
        return max(0, self.capacity - taken)

    @property
    def where(self) -> str:
        return self.venue or ("Online" if self.online_link else "")


class CohortTrainer(OrganisationOwned):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cohort", "trainer"], name="train_a_cohort_once"
            )
        ]


class CohortDay(OrganisationOwned):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="days")
    number = models.PositiveSmallIntegerField()
    date = models.DateField()

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["cohort_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cohort", "number"], name="one_day_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"Day {self.number}, {self.date:%-d %B %Y}"


class EnrolmentStatus(models.TextChoices):
    OFFERED = "offered", _("Offered a place")
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("Waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Did not complete")


#: Statuses that hold a place on the cohort (an offer holds it until it expires).
HOLDS_A_PLACE = (
    EnrolmentStatus.OFFERED,
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.NOT_COMPLETED,
)
#: Statuses in which the person is still on the cohort's books (one such enrolment per address).
ACTIVE = (*HOLDS_A_PLACE, EnrolmentStatus.WAITING)


class Assessment(models.TextChoices):
    NOT_ASSESSED = "", _("Not assessed yet")
    PASSED = "passed", _("Passed")
    NOT_YET = "not_yet", _("Not yet competent")


class EnrolmentQuerySet(TrainingQuerySet):
    def holding_places(self) -> Self:
        return self.filter(status__in=HOLDS_A_PLACE)

    def waiting(self) -> Self:
        return self.filter(status=EnrolmentStatus.WAITING).order_by("waiting_since", "pk")


class Enrolment(OrganisationOwned):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    name = models.CharField(_("Full name"), max_length=200)
    # Kept lower-cased, in clear: completed training is looked up by address.
    email = models.EmailField(_("E-mail address"), max_length=254)
    organisation_name = models.CharField(_("Organisation"), max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=EnrolmentStatus.choices)
    waiting_since = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    offer_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    assessment = models.CharField(
        _("Assessment result"), max_length=20, choices=Assessment.choices, blank=True, default=""
    )
    completed_on = models.DateField(null=True, blank=True)
    notes = EncryptedTextField(max_length=2000, blank=True)
    joining_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["cohort_id", "name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "cohort", "status"]),
            models.Index(fields=["email", "status"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cohort", "email"],
                condition=models.Q(status__in=list(ACTIVE)),
                name="one_active_enrolment_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} on cohort {self.cohort_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def holds_a_place(self) -> bool:
        return self.status in HOLDS_A_PLACE


class Attendance(OrganisationOwned):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    day = models.ForeignKey(CohortDay, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=False)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "enrolment", "day"], name="one_mark_per_day"
            )
        ]


# Letters only, none that reads as another (no B/8, I/1/L, O/0, S/5, Z/2).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY"
CODE_GROUPS, CODE_GROUP_LENGTH = 4, 4  # 20^16 ≈ 2^69 codes


def new_certificate_code() -> str:
    groups = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    ]
    return "-".join(groups)


def normalise_code(typed: str) -> str:
    """A code as typed (any case, spaces or none) in its printed form, or "" if it cannot be one."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(letters) != CODE_GROUPS * CODE_GROUP_LENGTH or any(
        ch not in CODE_ALPHABET for ch in letters
    ):
        return ""
    return "-".join(
        letters[n : n + CODE_GROUP_LENGTH] for n in range(0, len(letters), CODE_GROUP_LENGTH)
    )


class CertificateQuerySet(TrainingQuerySet):
    def current(self) -> Self:
        return self.filter(revoked_at__isnull=True)


class Certificate(OrganisationOwned):
    """What the certificate says, kept as issued: a later change of the course's title does
    not change a certificate someone holds."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=19, unique=True, default=new_certificate_code)
    holder_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    completed_on = models.DateField()
    accredited_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.CharField(_("Reason"), max_length=500, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "pk"]

    def __str__(self) -> str:
        return f"Certificate {self.code}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


def member_trains(member: Membership | None) -> bool:
    return member is not None and member.has_role(*TRAINING_ROLES)


def offer_token_new() -> tuple[str, str]:
    """A one-time accept link's token, and the hash that is all we keep of it."""
    token = secrets.token_urlsafe(32)
    return token, Enrolment.hash_token(token)
