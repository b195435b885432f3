"""Prevented: harm that did not happen again, found from the data itself.

Two measures, each defined once here or in `models.py`:

- *Repeat incident* (every sector): `repeat_incident_exists()`, defined below.
- *Reoffending* (justice sector): the answer to a closed case's twelve-month
  reoffending check (`ReoffendingCheck`, recorded by a coordinator).
"""

from __future__ import annotations

import datetime

from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from amends.cases.models import Case, Party, PartyRole
from amends.outcomes.models import ReoffendingCheck

REPEAT_WINDOW_DAYS = 365
PRINCIPAL_ROLES = (PartyRole.HARMED, PartyRole.RESPONSIBLE)


def _was(role: str, in_case: OuterRef) -> Q:
    """A party of a principal role whose person had `role` in the case `in_case` names."""
    return Q(
        role__in=PRINCIPAL_ROLES,
        person__parties__case=in_case,
        person__parties__role=role,
    )


def repeat_incident_exists() -> Exists:
    """*Repeat incident*, for a closed case: True when a later case of the same
    organisation, whose referral was received after the day this case closed
    and no more than 365 days after it, involves at least one of this case's
    harmed people and at least one of its responsible people.

    People are matched by their one record (a person has one record in an
    organisation however many cases they are in), not by name. In the later
    case each of the two may be the person harmed or the person responsible:
    a repeat between the same people counts whichever way round it happened.
    A later case opened without a referral is placed by the date it was
    opened. A case still open, or with no harmed or no responsible person, has
    no repeat incident. Works in every sector.

    Use it to annotate a Case QuerySet:
    `Case.objects.annotate(repeat_incident=repeat_incident_exists())`.
    """
    # Start from this case's people: each party of a later case whose person was
    # harmed here (the `Party.person` index), so the work grows with the people of
    # the closed case, not with every case of its organisation.
    later_parties = (
        Party.objects.filter(_was(PartyRole.HARMED, OuterRef("pk")))
        .filter(case__organisation=OuterRef("organisation"))
        .exclude(case=OuterRef("pk"))
        .annotate(arrived_on=Coalesce("case__referral__received_on", "case__opened_on"))
        .filter(arrived_on__gt=OuterRef("closed_on"), arrived_on__lte=OuterRef("window_ends"))
        .filter(
            # ... whose case also has someone who was responsible here.
            Exists(
                Party.objects.filter(case=OuterRef("case")).filter(
                    _was(PartyRole.RESPONSIBLE, OuterRef(OuterRef("pk")))
                )
            )
        )
    )
    # The case itself once more, by its key, so its closing date (in the service's
    # time zone) can be worked out before the later cases are compared with it.
    this_case = (
        Case.objects.filter(pk=OuterRef("pk"), closed_at__isnull=False)
        .annotate(closed_on=TruncDate("closed_at"))
        .annotate(
            window_ends=ExpressionWrapper(
                F("closed_on") + datetime.timedelta(days=REPEAT_WINDOW_DAYS),
                output_field=DateField(),
            )
        )
        .filter(Exists(later_parties))
    )
    return Exists(this_case)


def repeat_incident_found(case: Case) -> bool:
    """Whether `repeat_incident_exists()` holds for this case (False while it is open)."""
    if case.closed_at is None:
        return False
    return (
        Case.objects.filter(pk=case.pk)
        .annotate(repeat_incident=repeat_incident_exists())
        .values_list("repeat_incident", flat=True)
        .get()
    )


def repeat_window_over(case: Case, today: datetime.date | None = None) -> bool:
    """True once the twelve months after closure in which a repeat would count have passed."""
    if case.closed_at is None:
        return False
    closed_on = timezone.localdate(case.closed_at)
    return (today or timezone.localdate()) > closed_on + datetime.timedelta(days=REPEAT_WINDOW_DAYS)


def reoffending_check_of(case: Case) -> ReoffendingCheck | None:
    """The case's reoffending check while it is closed (None in other sectors or while open)."""
    if case.closed_at is None:
        return None
    return ReoffendingCheck.objects.filter(case=case).first()
