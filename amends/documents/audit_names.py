"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.documents.models import Document


@register_namer("document")
def _name_documents(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    documents = Document.objects.visible_to(member).filter(pk__in=ids).select_related("case")
    return {
        d.pk: RecordName(
            "Document",
            f"{d.title} in {d.case.reference}",
            reverse("cases:detail", args=[d.case_id]),
        )
        for d in documents
    }
