"""What the case, person and party pages show of housing, in a fixed number of queries.

An address is shown only on a household's own page and to its own members' side: the
party page of someone in one household never names another household or its address.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch

from amends.cases.models import Case, Party
from amends.core.models import Sector
from amends.housing.models import CaseHousehold, CaseHousing, HouseholdMember
from amends.people.models import Person

register = template.Library()


@register.inclusion_tag("housing/_case_housing.html", takes_context=True)
def case_housing(context: template.Context, case: Case) -> dict[str, Any]:
    """The case page's households and ASB details (a communities case only)."""
    if case.sector != Sector.COMMUNITIES:
        return {"shown": False}
    links = list(
        CaseHousehold.objects.filter(case=case)
        .select_related("household")
        .prefetch_related(
            Prefetch(
                "household__members", queryset=HouseholdMember.objects.select_related("person")
            )
        )
    )
    parties = {p.person_id: p for p in Party.objects.filter(case=case)}
    households = [
        {
            "household": link.household,
            "members": [(m.person, parties.get(m.person_id)) for m in link.household.members.all()],
        }
        for link in links
    ]
    return {
        "shown": True,
        "case": case,
        "details": CaseHousing.objects.filter(case=case).first(),
        "households": households,
        "request": context.get("request"),
        "words": context.get("words"),
    }


@register.inclusion_tag("housing/_person_household.html", takes_context=True)
def person_household(context: template.Context, person: Person) -> dict[str, Any]:
    member = getattr(context.get("request"), "membership", None)
    if member is None or Sector.COMMUNITIES not in (member.organisation.sectors or []):
        return {"shown": False}
    membership = HouseholdMember.objects.filter(person=person).select_related("household").first()
    return {
        "shown": True,
        "person": person,
        "membership": membership,
        "request": context.get("request"),
        "words": context.get("words"),
    }


@register.inclusion_tag("housing/_party_household.html", takes_context=True)
def party_household(context: template.Context, party: Party) -> dict[str, Any]:
    """The party's own household and its address: their own side's details, nothing else."""
    if party.case.sector != Sector.COMMUNITIES:
        return {"membership": None}
    membership = (
        HouseholdMember.objects.filter(person_id=party.person_id)
        .select_related("household")
        .first()
    )
    return {"membership": membership, "party": party, "words": context.get("words")}
