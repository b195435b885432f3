"""Communities and social housing: households at addresses with their tenancies, the
households a neighbour dispute involves, and what a landlord records on an ASB case.

A household's address and tenancy reference are personal data: they belong to one
organisation, are read through `visible_to`, and are shown only on the household's own
page and to its own members' side of a case (never to another household's side).
"""

from __future__ import annotations

import re
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Case, CaseChildQuerySet
from amends.core.fields import EncryptedCharField
from amends.core.models import (
    Membership,
    Organisation,
    OrganisationOwned,
    OrganisationQuerySet,
    Role,
)
from amends.people.models import IDENTIFIER_FORMATS, IdentifierKind, Person

TENANCY_REFERENCE_FORMAT, TENANCY_REFERENCE_EXAMPLE = IDENTIFIER_FORMATS[
    IdentifierKind.TENANCY_REFERENCE
]
# A landlord's ASB case reference, as its housing management system writes it.
ASB_REFERENCE_FORMAT = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,19}$")
ASB_REFERENCE_EXAMPLE = "ASB-2026-0147"


def reference_form(text: str) -> str:
    """A reference as it is stored and searched: upper case, no spaces."""
    return "".join(text.split()).upper()


class Tenure(models.TextChoices):
    SOCIAL_RENT = "social_rent", _("Social rent tenancy with us")
    AFFORDABLE_RENT = "affordable_rent", _("Affordable rent tenancy with us")
    STARTER = "starter", _("Starter or introductory tenancy with us")
    SHARED_OWNERSHIP = "shared_ownership", _("Shared ownership with us")
    LEASEHOLD = "leasehold", _("Leaseholder of a home we manage")
    PRIVATE_RENT = "private_rent", _("Private rented (another landlord)")
    OWNER_OCCUPIER = "owner_occupier", _("Owner-occupier")
    OTHER = "other", _("Something else or not known")


# Tenures in which the household rents or part-owns its home from the organisation.
LANDLORD_TENURES = {
    Tenure.SOCIAL_RENT,
    Tenure.AFFORDABLE_RENT,
    Tenure.STARTER,
    Tenure.SHARED_OWNERSHIP,
}


class TenancyEnd(models.TextChoices):
    MOVED_BY_CHOICE = "moved_by_choice", _("The household chose to move")
    TRANSFER = "transfer", _("Transferred to another of our homes")
    POSSESSION = "possession", _("Possession order or eviction")
    ABANDONED = "abandoned", _("Home abandoned")
    DIED = "died", _("The tenant died")
    OTHER = "other", _("Another reason")


# Ends of a tenancy that mean it was lost rather than moved on from.
TENANCY_LOST = {TenancyEnd.POSSESSION, TenancyEnd.ABANDONED}


class HouseholdQuerySet(OrganisationQuerySet):
    def visible_to(self, member: Membership) -> Self:
        """Coordinators see the organisation's households; a facilitator, those in their cases."""
        queryset = super().visible_to(member)
        if member is not None and member.role == Role.FACILITATOR:
            return queryset.filter(
                pk__in=CaseHousehold.objects.visible_to(member).values("household_id")
            )
        return queryset

    def search(self, query: str) -> Self:
        """Households whose name holds `query`, or whose tenancy reference is it."""
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(name__icontains=query) | Q(tenancy_reference=reference_form(query)[:20])
        )


class Household(OrganisationOwned):
    name = models.CharField(
        _("Name of the household"),
        max_length=120,
        help_text=_("How the service refers to them, for example “The O’Connor household”."),
    )
    address_line_1 = EncryptedCharField(_("Address line 1"), max_length=200)
    address_line_2 = EncryptedCharField(_("Address line 2"), max_length=200, blank=True)
    town = models.CharField(_("Town or city"), max_length=100)
    postcode = EncryptedCharField(max_length=10)
    estate = models.CharField(_("Estate or area"), max_length=100, blank=True)
    tenure = models.CharField(max_length=30, choices=Tenure.choices)
    tenancy_reference = models.CharField(
        _("Tenancy reference"), max_length=20, blank=True, default=""
    )
    tenancy_started_on = models.DateField(_("Tenancy start date"), null=True, blank=True)
    tenancy_ended_on = models.DateField(_("Tenancy end date"), null=True, blank=True)
    tenancy_end_reason = models.CharField(
        _("Why the tenancy ended"), max_length=30, choices=TenancyEnd.choices, blank=True
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organisation", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "tenancy_reference"],
                condition=~Q(tenancy_reference=""),
                name="household_tenancy_unique_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def address_lines(self) -> list[str]:
        return [
            line
            for line in (self.address_line_1, self.address_line_2, self.town, self.postcode)
            if line
        ]

    @property
    def is_landlord_tenancy(self) -> bool:
        return self.tenure in LANDLORD_TENURES

    @property
    def tenancy_lost(self) -> bool:
        return self.tenancy_end_reason in TENANCY_LOST


class HouseholdMemberQuerySet(OrganisationQuerySet):
    def visible_to(self, member: Membership) -> Self:
        return self.filter(household__in=Household.objects.visible_to(member))


class HouseholdMember(OrganisationOwned):
    """A person living in a household. A person belongs to one household at a time."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    is_tenant = models.BooleanField(_("Named on the tenancy"), default=False)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        ordering = ["-is_tenant", "person__family_name", "person__given_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"], name="person_in_one_household"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "household"])]

    def __str__(self) -> str:
        return f"{self.person_id} in household {self.household_id}"


class CaseHousehold(OrganisationOwned):
    """A household a case (a neighbour dispute) involves; a dispute may involve several."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="households")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="case_links")

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "case", "household"], name="household_once_per_case"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "case"]),
            models.Index(fields=["household", "case"]),
        ]

    def __str__(self) -> str:
        return f"Household {self.household_id} in case {self.case_id}"


class EnforcementConsidered(models.TextChoices):
    NONE = "none", _("No, neither was being considered")
    INJUNCTION = "injunction", _("An injunction")
    POSSESSION = "possession", _("Possession action")
    BOTH = "both", _("Both an injunction and possession action")


class EscalationOutcome(models.TextChoices):
    NOT_YET_KNOWN = "not_yet_known", _("Not yet known")
    AVOIDED = "avoided", _("Avoided: no injunction or possession action was taken")
    TAKEN = "taken", _("Taken: an injunction or possession action went ahead")


class CaseHousing(OrganisationOwned):
    """What a landlord records on a case: its own ASB case reference, whether the case
    came from an ASB case review (the "community trigger"), and whether enforcement
    was being considered and was avoided."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="housing")
    asb_reference = models.CharField(_("ASB case reference"), max_length=20, blank=True, default="")
    from_case_review = models.BooleanField(_("Came from an ASB case review"), default=False)
    case_review_on = models.DateField(_("Date of the ASB case review"), null=True, blank=True)
    case_review_body = models.CharField(
        _("Who ran the ASB case review"), max_length=120, blank=True, default=""
    )
    enforcement_considered = models.CharField(
        _("Was an injunction or possession action being considered?"),
        max_length=20,
        choices=EnforcementConsidered.choices,
        default=EnforcementConsidered.NONE,
    )
    escalation_outcome = models.CharField(
        _("Was it avoided?"),
        max_length=20,
        choices=EscalationOutcome.choices,
        default=EscalationOutcome.NOT_YET_KNOWN,
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("case housing details")
        indexes = [models.Index(fields=["organisation", "asb_reference"])]

    def __str__(self) -> str:
        return f"Housing details of case {self.case_id}"

    @property
    def escalation_considered(self) -> bool:
        return self.enforcement_considered != EnforcementConsidered.NONE


class HousingSettings(models.Model):
    """An organisation's housing figures: the homes it owns, for measures per 1,000 homes.
    No personal data."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="housing_settings"
    )
    homes_owned = models.PositiveIntegerField(_("Number of homes you own"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Housing settings of {self.organisation_id}"
