"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.cases.models import Case
from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership


@register_namer("case")
def _name_cases(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    cases = Case.objects.visible_to(member).filter(pk__in=ids).only("pk", "reference")
    return {
        c.pk: RecordName("Case", c.reference, reverse("cases:detail", args=[c.pk])) for c in cases
    }
