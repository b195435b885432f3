"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.custody.models import (
    CaseCustody,
    CaseTransfer,
    ConductRecord,
    PersonCustody,
    VisitorClearanceStep,
)


@register_namer("personcustody")
def _name_custody(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    found = PersonCustody.objects.visible_to(member).filter(pk__in=ids).select_related("person")
    return {
        c.pk: RecordName(
            "Where held", c.person.full_name, reverse("people:detail", args=[c.person_id])
        )
        for c in found
    }


@register_namer("casecustody")
def _name_release(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    found = CaseCustody.objects.visible_to(member).filter(pk__in=ids).select_related("case")
    return {
        c.pk: RecordName(
            "Release date", c.case.reference, reverse("cases:detail", args=[c.case_id])
        )
        for c in found
    }


@register_namer("casetransfer")
def _name_transfers(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    found = CaseTransfer.objects.visible_to(member).filter(pk__in=ids).select_related("case")
    return {
        t.pk: RecordName(
            "Transfer",
            f"{t.get_direction_display()}: {t.establishment}",
            reverse("cases:detail", args=[t.case_id]) if t.case_id else reverse("custody:overview"),
        )
        for t in found
    }


@register_namer("visitorclearancestep")
def _name_clearance(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    found = (
        VisitorClearanceStep.objects.visible_to(member)
        .filter(pk__in=ids)
        .select_related("clearance__party__person")
    )
    return {
        s.pk: RecordName(
            "Security clearance",
            s.clearance.party.person.full_name,
            reverse("custody:clearance", args=[s.case_id, s.clearance.party_id]),
        )
        for s in found
    }


@register_namer("conductrecord")
def _name_conduct(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    found = ConductRecord.objects.visible_to(member).filter(pk__in=ids).select_related("case")
    return {
        r.pk: RecordName(
            "Conduct record", r.case.reference, reverse("custody:conduct", args=[r.case_id])
        )
        for r in found
    }
