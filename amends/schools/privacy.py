"""A school's record of parents and carers told about a pupil, in the pupil's subject access
export, and blanked when the pupil is erased or the case anonymised (amends.privacy)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from amends.cases.models import Case
from amends.people.models import Person
from amends.schools.models import ParentInformed, SchoolCase

REMOVED = "Removed when the record was anonymised"


def parents_informed_held(person: Person) -> list[dict[str, Any]]:
    told = ParentInformed.objects.filter(
        organisation_id=person.organisation_id, pupil__person=person
    ).select_related("case")
    rows = {
        f"{record.informed_on:%d %B %Y}, case {record.case.reference}": (
            f"{record.informed_name} ({record.get_method_display()}): {record.said}"
        )
        for record in told
    }
    return [{"title": "Parents and carers told", "rows": rows}] if rows else []


def parents_informed_clear(person: Person, counts: Counter[str]) -> None:
    blanked = ParentInformed.objects.filter(
        organisation_id=person.organisation_id, pupil__person=person
    ).update(informed_name=REMOVED, said="")
    if blanked:
        counts["parent and carer records blanked"] += blanked


def school_case_clear(case: Case, counts: Counter[str]) -> None:
    SchoolCase.objects.filter(organisation_id=case.organisation_id, case=case).update(agreed="")
    ParentInformed.objects.filter(organisation_id=case.organisation_id, case=case).update(
        informed_name=REMOVED, said=""
    )
