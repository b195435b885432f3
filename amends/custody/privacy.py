"""Where a prisoner is held, in their subject access export, and removed when they are
erased or their cases reach the end of retention (amends.privacy)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from amends.cases.models import Case
from amends.custody.models import PersonCustody, VisitorClearanceStep
from amends.people.models import Person


def custody_held(person: Person) -> list[dict[str, Any]]:
    held = PersonCustody.objects.filter(
        organisation_id=person.organisation_id, person=person
    ).first()
    if held is None:
        return []
    return [
        {
            "title": "Where they are held",
            "rows": {
                "Establishment": held.establishment,
                "Wing or unit": held.wing,
                "Cell or location": held.cell,
                "Probation case reference number (CRN)": held.crn,
            },
        }
    ]


def custody_clear(person: Person, counts: Counter[str]) -> None:
    removed, _ = PersonCustody.objects.filter(
        organisation_id=person.organisation_id, person=person
    ).delete()
    if removed:
        counts["custody details removed"] += removed


def clearance_notes_clear(case: Case, counts: Counter[str]) -> None:
    VisitorClearanceStep.objects.filter(organisation_id=case.organisation_id, case=case).update(
        note=""
    )
