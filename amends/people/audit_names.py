"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.people.models import Person, PersonIdentifier


@register_namer("person")
def _name_people(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    people = Person.objects.visible_to(member).filter(pk__in=ids)
    return {
        p.pk: RecordName("Person", p.full_name, reverse("people:detail", args=[p.pk]))
        for p in people
    }


@register_namer("personidentifier")
def _name_identifiers(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    identifiers = PersonIdentifier.objects.visible_to(member).filter(
        pk__in=ids, person__in=Person.objects.visible_to(member)
    )
    return {
        i.pk: RecordName(
            "Identifier",
            f"{i.get_kind_display()} of {i.person.full_name}",
            reverse("people:detail", args=[i.person_id]),
        )
        for i in identifiers.select_related("person")
    }
