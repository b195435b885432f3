"""Prisons' measures: conduct before and after the process, and contact with people harmed.

Defined once here, as every figure is (see amends.reports.figures): the report page, the
exports and the PDF call these functions. Each runs a fixed number of aggregate queries
and names no one.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count, Exists, OuterRef, Q, Sum

from amends.cases.models import CaseStatus, ContactLogEntry, PartyRole
from amends.core.models import Sector
from amends.core.vocabulary import current_words
from amends.custody.models import ConductPeriod, ConductRecord
from amends.meetings.models import IndirectMessage, MeetingAttendee, MeetingStatus
from amends.reports.figures import FIGURES, REACHED, Report, _figure
from amends.reports.filters import ReportFilter
from amends.reports.tables import COUNT, Column, Table, count, text


def _prison_figure(key: str, name: str, definition: str, counted: str, dated_by: str) -> str:
    _figure(key, name, definition, counted, dated_by)
    FIGURES[key] = replace(FIGURES[key], sectors=(Sector.PRISONS,))
    return key


CONDUCT_BEFORE = _prison_figure(
    "adjudications_before_after",
    "Adjudications before and after",
    "Proven adjudications involving the people in a prison's restorative cases, entered by "
    "staff for a period before the process and a period after it. Only people with both "
    "periods entered are counted, so the two columns compare the same people; staff enter "
    "periods of the same length where they can (the months covered are shown).",
    "one person in a case",
    "on the date the case was closed",
)
VIOLENCE_BEFORE = _prison_figure(
    "violent_incidents_before_after",
    "Violent incidents before and after",
    "Violent incidents (assaults and fights, on prisoners or staff) involving the people in a "
    "prison's restorative cases, entered by staff for a period before the process and a "
    "period after it; counted as the adjudications are.",
    "one person in a case",
    "on the date the case was closed",
)
HARMED_REACHED = _prison_figure(
    "victim_contact",
    "Contact made with people harmed",
    "Prison cases in which the service reached a person harmed (spoke to them, met them, or "
    "sent them a letter, e-mail or text; a contact logged before outcomes were recorded "
    "counts as reached).",
    "one case",
    "on the date of the contact",
)
HARMED_TOOK_PART = _prison_figure(
    "victim_took_part",
    "People harmed who took part",
    "Prison cases in which a person harmed took part: attended a meeting held in the "
    "establishment, or sent or received a message or letter carried by the facilitator.",
    "one case",
    "on the date the meeting was held or the message carried",
)


def conduct_before_after(orgs: list[int], f: ReportFilter) -> Table:
    other_period = ConductRecord.objects.filter(party=OuterRef("party")).exclude(
        period=OuterRef("period")
    )
    before, after = Q(period=ConductPeriod.BEFORE), Q(period=ConductPeriod.AFTER)
    found = (
        ConductRecord.objects.filter(
            organisation_id__in=orgs,
            case__sector=Sector.PRISONS,
            case__status=CaseStatus.CLOSED,
        )
        .filter(f.case_q("case__"), f.during("case__closed_at__date"))
        .filter(Exists(other_period))
        .aggregate(
            people=Count("party", distinct=True),
            adjudications_before=Sum("adjudications", filter=before),
            adjudications_after=Sum("adjudications", filter=after),
            violent_before=Sum("violent_incidents", filter=before),
            violent_after=Sum("violent_incidents", filter=after),
            months_before=Sum("months", filter=before),
            months_after=Sum("months", filter=after),
        )
    )
    return Table(
        key="conduct_before_after",
        title="Adjudications and violent incidents, before and after",
        columns=[Column("Figure"), Column("Before", COUNT), Column("After", COUNT)],
        rows=[
            [
                text("Adjudications"),
                count(found["adjudications_before"]),
                count(found["adjudications_after"]),
            ],
            [
                text("Violent incidents"),
                count(found["violent_before"]),
                count(found["violent_after"]),
            ],
        ],
        summary=[
            ("People with both periods entered", count(found["people"])),
            ("Months covered before, in all", count(found["months_before"])),
            ("Months covered after, in all", count(found["months_after"])),
        ],
        figures=[CONDUCT_BEFORE, VIOLENCE_BEFORE],
    )


def victim_contact(orgs: list[int], f: ReportFilter) -> Table:
    words = current_words()
    in_prisons = {"organisation_id__in": orgs, "case__sector": Sector.PRISONS}
    reached = (
        ContactLogEntry.objects.filter(**in_prisons)
        .filter(f.case_q("case__"), f.during("contact_on"))
        .filter(party__role=PartyRole.HARMED, outcome__in=REACHED)
        .aggregate(n=Count("case", distinct=True))["n"]
    )
    met = (
        MeetingAttendee.objects.filter(**in_prisons)
        .filter(f.case_q("case__"), f.during("meeting__held_at__date"))
        .filter(attended=True, party__role=PartyRole.HARMED, meeting__status=MeetingStatus.HELD)
        .aggregate(n=Count("case", distinct=True))["n"]
    )
    carried = (
        IndirectMessage.objects.filter(**in_prisons)
        .filter(f.case_q("case__"), f.during("carried_on"))
        .filter(Q(from_party__role=PartyRole.HARMED) | Q(to_party__role=PartyRole.HARMED))
        .aggregate(n=Count("case", distinct=True))["n"]
    )
    harmed = words.harmed
    return Table(
        key="victim_contact",
        title=f"Contact with the {words.harmed_plural}",
        columns=[Column("Figure"), Column("Cases", COUNT)],
        rows=[
            [text(f"A {harmed} was reached"), count(reached)],
            [text(f"A {harmed} attended a meeting in the establishment"), count(met)],
            [text(f"A {harmed} sent or received a message or letter"), count(carried)],
        ],
        figures=[HARMED_REACHED, HARMED_TOOK_PART],
        note="A case may be counted in more than one row.",
    )


CUSTODY_REPORT = Report(
    "custody",
    "Prisons: conduct and contact with people harmed",
    "Adjudications and violent incidents before and after the process, and contact made "
    "with people harmed, in prison cases.",
    (conduct_before_after, victim_contact),
    sectors=(Sector.PRISONS,),
)
