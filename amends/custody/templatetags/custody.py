"""What prison pages add to shared pages (the case, the person, the meeting, the case
list), each in a fixed number of queries. The shared page has already checked its record
through the access path."""

from __future__ import annotations

from typing import Any

from django import template

from amends.core.models import Sector
from amends.custody import services
from amends.custody.models import CaseCustody, PersonCustody, VisitorClearance

register = template.Library()


def _member_org(context: template.Context) -> Any:
    request = context.get("request")
    member = getattr(request, "membership", None)
    return member.organisation if member is not None else None


@register.simple_tag
def case_custody(case: Any) -> dict[str, Any] | None:
    """A prison case's release date and its warnings, transfer and visitors."""
    if case.sector != Sector.PRISONS:
        return None
    custody = CaseCustody.objects.filter(case=case).first()
    return {
        "release_on": custody.release_on if custody else None,
        "warnings": services.release_warnings(case),
        "transfer": services.transferred_out(case),
        "visitors": list(
            VisitorClearance.objects.filter(case=case)
            .select_related("party__person")
            .order_by("pk")
        ),
        "conduct_count": case.conduct_records.count(),
    }


@register.simple_tag(takes_context=True)
def person_custody(context: template.Context, person: Any) -> dict[str, Any] | None:
    """Where a prisoner is held, on a prison service's person page."""
    if not services.is_prison_service(_member_org(context)):
        return None
    return {
        "custody": PersonCustody.objects.filter(person=person).first(),
        "prison_number": services.prison_number_of(person),
    }


@register.simple_tag
def meeting_visitors(meeting: Any, parties: list[Any]) -> list[tuple[Any, Any, bool]] | None:
    """Each person taking part in a prison meeting, with their security clearance if they
    come in from outside, and whether they are held here (a prisoner needs none)."""
    if meeting.case.sector != Sector.PRISONS:
        return None
    clearances = {
        c.party_id: c for c in VisitorClearance.objects.filter(party__in=[p.pk for p in parties])
    }
    held = set(
        PersonCustody.objects.filter(person__in=[p.person_id for p in parties]).values_list(
            "person_id", flat=True
        )
    )
    return [(party, clearances.get(party.pk), party.person_id in held) for party in parties]


@register.simple_tag
def release_warned(cases: Any) -> set[int]:
    """Which of a page of cases have work planned after the release date: one query."""
    ids = [case.pk for case in cases if getattr(case, "sector", "") == Sector.PRISONS]
    if not ids:
        return set()
    from amends.cases.models import Case

    return set(
        services.with_release_warning(Case.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )
