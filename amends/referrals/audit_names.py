"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.referrals.models import HarmType, Referral


@register_namer("referral")
def _name_referrals(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    referrals = Referral.objects.visible_to(member).filter(pk__in=ids)
    return {
        r.pk: RecordName("Referral", str(r), reverse("referrals:detail", args=[r.pk]))
        for r in referrals
    }


@register_namer("harmtype")
def _name_harm_types(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    harm_types = HarmType.objects.visible_to(member).filter(pk__in=ids)
    return {
        h.pk: RecordName("Kind of harm", h.name, reverse("referrals:harm_types"))
        for h in harm_types
    }
