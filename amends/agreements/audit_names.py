"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.agreements.models import Agreement
from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership


@register_namer("agreement")
def _name_agreements(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    agreements = Agreement.objects.visible_to(member).filter(pk__in=ids).select_related("case")
    return {
        a.pk: RecordName(
            "Agreement",
            f"Agreement in {a.case.reference}",
            reverse("agreements:detail", args=[a.case_id]),
        )
        for a in agreements
    }
