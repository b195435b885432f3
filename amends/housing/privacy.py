"""A resident's household in their subject access export, and out of the records when they
are erased or their cases reach the end of retention (amends.privacy)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from amends.housing.models import Household, HouseholdMember
from amends.people.models import Person


def household_held(person: Person) -> list[dict[str, Any]]:
    member = (
        HouseholdMember.objects.filter(organisation_id=person.organisation_id, person=person)
        .select_related("household")
        .first()
    )
    if member is None:
        return []
    household = member.household
    return [
        {
            "title": "Their household",
            "rows": {
                "Household": household.name,
                "Address": ", ".join(household.address_lines()),
                "Estate or area": household.estate,
                "Tenure": household.get_tenure_display(),
                "Tenancy reference": household.tenancy_reference,
                "Named on the tenancy": "Yes" if member.is_tenant else "No",
            },
        }
    ]


def household_clear(person: Person, counts: Counter[str]) -> None:
    """Take them out of their household; a household with no one left keeps no address."""
    members = HouseholdMember.objects.filter(organisation_id=person.organisation_id, person=person)
    household_ids = list(members.values_list("household_id", flat=True))
    if not household_ids:
        return
    members.delete()
    counts["household memberships removed"] += len(household_ids)
    emptied = Household.objects.filter(
        organisation_id=person.organisation_id, pk__in=household_ids, members__isnull=True
    ).update(address_line_1="", address_line_2="", postcode="", tenancy_reference="")
    if emptied:
        counts["household addresses removed"] += emptied
