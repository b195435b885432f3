"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.housing.models import Household


@register_namer("household")
def _name_households(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    households = Household.objects.visible_to(member).filter(pk__in=ids)
    return {
        h.pk: RecordName("Household", h.name, reverse("housing:detail", args=[h.pk]))
        for h in households
    }
