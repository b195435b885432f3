"""How the audit log names API keys (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.api.models import ApiKey
from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership


@register_namer("apikey")
def _name_api_keys(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    keys = ApiKey.objects.visible_to(member).filter(pk__in=ids)
    return {k.pk: RecordName("API key", str(k), reverse("api_keys:list")) for k in keys}
