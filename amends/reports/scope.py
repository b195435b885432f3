"""Whose figures a member may see: their own organisation's, and for a consultancy, those
of each organisation that has agreed to share with it (never one that has not)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext, ngettext

from amends.core.models import Membership, Organisation, OrganisationKind
from amends.reports.models import AggregateSharing

ALL = "all"


@dataclass(frozen=True)
class Scope:
    org_ids: list[int]
    label: str
    choices: list[tuple[str, str]]  # empty unless there is more than one organisation
    chosen: str


def scope_for(member: Membership, requested: str | None) -> Scope:
    """The organisations a report covers. Naming one the member may not see is a 404."""
    own = member.organisation
    sharing: list[Organisation] = []
    if own.kind == OrganisationKind.CONSULTANCY:
        sharing = list(
            Organisation.objects.filter(
                pk__in=AggregateSharing.objects.current()
                .filter(consultancy=own)
                .values("organisation_id")
            ).order_by("name")
        )
    if not sharing:
        if requested and requested != str(own.pk):
            raise Http404
        return Scope([own.pk], own.name, [], str(own.pk))
    choices = [
        (ALL, gettext("All organisations sharing with %(name)s, in total") % {"name": own.name}),
        (str(own.pk), own.name),
        *[(str(o.pk), o.name) for o in sharing],
    ]
    chosen = requested or ALL
    if chosen == ALL:
        return Scope(
            [own.pk, *[o.pk for o in sharing]],
            ngettext(
                "%(name)s and the %(n)s organisation sharing with it, in total",
                "%(name)s and the %(n)s organisations sharing with it, in total",
                len(sharing),
            )
            % {"name": own.name, "n": len(sharing)},
            choices,
            ALL,
        )
    for value, label in choices[1:]:
        if value == chosen:
            return Scope([int(value)], label, choices, value)
    raise Http404
