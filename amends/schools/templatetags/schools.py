"""The school's part of a case page: the conversation, parents informed, safeguarding."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch

from amends.accounts.models import User
from amends.cases.models import Case
from amends.schools.models import ParentInformed, SafeguardingHandOff, SchoolCase

register = template.Library()


@register.simple_tag(takes_context=True)
def school_case(context: template.Context, case: Case) -> dict[str, Any]:
    """What the case page shows of a school's case, read through the access path."""
    request = context.get("request")
    member = getattr(request, "membership", None)
    if member is None:
        return {}
    details = SchoolCase.objects.visible_to(member).filter(case=case).first()
    handoffs = list(
        SafeguardingHandOff.objects.visible_to(member)
        .filter(case=case)
        .select_related("created_by", "resolved_by")
        .prefetch_related(Prefetch("passed_to", queryset=User.objects.order_by("full_name")))
    )
    informed = list(
        ParentInformed.objects.visible_to(member)
        .filter(case=case)
        .select_related("pupil__person", "created_by")
    )
    children = [
        party for party in case.parties.select_related("person") if party.person.child_today()
    ]
    return {
        "details": details,
        "handoffs": handoffs,
        "paused": any(h.resolved_at is None for h in handoffs),
        "informed": informed,
        "children": children,
        "is_coordinator": member.is_coordinator,
    }
