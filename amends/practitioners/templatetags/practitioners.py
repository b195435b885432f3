from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from amends.practitioners.models import PRACTITIONER_ROLES, AllocationOverride, TrainingLevel
from amends.practitioners.standing import Standing, level_needed, sector_words, standing_of

register = template.Library()


@register.simple_tag
def training_needed(case: Any) -> str:
    """What a lead facilitator of `case` must hold, in a sentence."""
    sector = sector_words(case.sector)
    if level_needed(case) == TrainingLevel.ADVANCED:
        return _(
            "The lead facilitator needs advanced training for %(sector)s: this is a case of "
            "%(harm)s, which needs extra care."
        ) % {"sector": sector, "harm": case.harm_type.name.lower()}
    return _("The lead facilitator needs practitioner-level training for %(sector)s.") % {
        "sector": sector
    }


@register.simple_tag
def allocation_override(case: Any) -> AllocationOverride | None:
    """The reason the current lead was given the case without the training it needs, if so.
    (The case page has checked the case through the access path.)"""
    if case.lead_facilitator_id is None:
        return None
    return (
        AllocationOverride.objects.filter(case=case, facilitator_id=case.lead_facilitator_id)
        .select_related("created_by")
        .first()
    )


@register.simple_tag(takes_context=True)
def my_standing(context: template.Context) -> Standing | None:
    """The signed-in practitioner's own standing, for their home page."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_role(*PRACTITIONER_ROLES):
        return None
    return standing_of(membership.user, membership.organisation)
