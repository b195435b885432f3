from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from amends.documents.models import Document

register = template.Library()


@register.simple_tag(takes_context=True)
def case_documents(context: template.Context, case: Any) -> QuerySet[Document]:
    """The case's documents, through the access path (the case page has checked the case)."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None:
        return Document.objects.none()
    return Document.objects.visible_to(membership).filter(case=case).select_related("party__person")
