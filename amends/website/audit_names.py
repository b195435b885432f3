"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.website.models import HelpRequest, Page, TrainingEnquiry


@register_namer("trainingenquiry")
def _name_enquiries(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    return {
        e.pk: RecordName("Training enquiry", str(e), reverse("website:enquiry", args=[e.pk]))
        for e in TrainingEnquiry.objects.visible_to(member).filter(pk__in=ids)
    }


@register_namer("helprequest")
def _name_requests(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    return {
        r.pk: RecordName(
            "Request for restorative justice", str(r), reverse("website:request", args=[r.pk])
        )
        for r in HelpRequest.objects.visible_to(member).filter(pk__in=ids)
    }


@register_namer("page")
def _name_pages(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    return {
        p.pk: RecordName("Web page", p.draft_title, reverse("website:page_edit", args=[p.slug]))
        for p in Page.objects.filter(pk__in=ids)
    }
