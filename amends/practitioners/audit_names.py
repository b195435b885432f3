"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.practitioners.models import (
    DevelopmentActivity,
    PractitionerRecord,
    Registration,
    SupervisionSession,
    TrainingRecord,
    practitioners_of,
)

KINDS: list[tuple[type[PractitionerRecord], str]] = [
    (TrainingRecord, "Training"),
    (Registration, "Registration"),
    (SupervisionSession, "Supervision"),
    (DevelopmentActivity, "Continuing development"),
]


def _namer(model: type[PractitionerRecord], kind: str):  # type: ignore[no-untyped-def]
    def name(member: Membership, ids: list[int]) -> dict[int, RecordName]:
        records = list(
            model.objects.visible_to(member).filter(pk__in=ids).select_related("practitioner")
        )
        pages = dict(
            practitioners_of(member)
            .filter(user_id__in={r.practitioner_id for r in records})
            .values_list("user_id", "pk")
        )
        return {
            r.pk: RecordName(
                kind,
                f"{r.practitioner.get_full_name()}: {r}",
                reverse("practitioners:detail", args=[pages[r.practitioner_id]])
                if r.practitioner_id in pages
                else "",
            )
            for r in records
        }

    return name


for _model, _kind in KINDS:
    register_namer(_model._meta.model_name or "")(_namer(_model, _kind))
