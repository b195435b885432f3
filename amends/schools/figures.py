"""A school's measures: incidents, repeat harm between the same pupils, and suspensions and
exclusions avoided, term by term.

Each figure is defined once here (in reports.figures' FIGURES, so the data dictionary of the
page, the exports and the PDF prints it) and each table is a function of (organisations,
filters) that aggregates in the database, like every other report. Nothing names a pupil.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from amends.cases.models import Case, Party
from amends.core.models import Sector
from amends.reports.figures import REPORTS, Report, _figure
from amends.reports.filters import ReportFilter
from amends.reports.tables import Cell, Column, Table, count, text
from amends.schools.models import DfeReason, SanctionConsidered

INCIDENT_DATE = (
    "on the date of the incident (the date of the conversation for a restorative "
    "conversation), or the date the case was opened where none was given"
)
TERMS = (
    "School terms: autumn is September to December, spring January to March, summer April "
    "to August."
)

_figure(
    "school_incidents",
    "Incidents",
    "Cases of a school (restorative conversations, meetings and other processes) about an "
    "incident, by the school term it happened in. " + TERMS,
    "one case",
    INCIDENT_DATE,
    Sector.SCHOOLS,
)
_figure(
    "school_conversations",
    "Restorative conversations",
    "Of the incidents, those dealt with by a restorative conversation recorded on the spot. "
    "They are responsive work, counted with every other case.",
    "one case",
    INCIDENT_DATE,
    Sector.SCHOOLS,
)
_figure(
    "school_repeat_harm",
    "Repeat harm between the same pupils",
    "Incidents involving at least two pupils who were both in an earlier incident of the same "
    "school (in any part: harmed, caused harm or took part). A pupil is matched by their one "
    "record on the school's roll, not by name.",
    "one case",
    INCIDENT_DATE,
    Sector.SCHOOLS,
)
_figure(
    "suspensions_avoided",
    "Suspensions avoided",
    "Incidents for which a suspension was being considered, and of those, the ones where the "
    "school recorded that the suspension was avoided.",
    "one case",
    INCIDENT_DATE,
    Sector.SCHOOLS,
)
_figure(
    "exclusions_avoided",
    "Permanent exclusions avoided",
    "Incidents for which a permanent exclusion was being considered, and of those, the ones "
    "where the school recorded that the exclusion was avoided.",
    "one case",
    INCIDENT_DATE,
    Sector.SCHOOLS,
)
_figure(
    "dfe_reason",
    "Reason for the incident (Department for Education)",
    "Incidents by the Department for Education's reason for a suspension or permanent "
    "exclusion, where the school recorded one that applies.",
    "one case",
    INCIDENT_DATE,
    Sector.SCHOOLS,
)

AUTUMN, SPRING, SUMMER = "Autumn", "Spring", "Summer"


def term_of(year: int, month: int) -> tuple[int, int, str]:
    """A sortable key and label for the school term holding (year, month)."""
    if month >= 9:
        return (year, 3, AUTUMN)
    if month <= 3:
        return (year, 1, SPRING)
    return (year, 2, SUMMER)


def school_cases(orgs: list[int], f: ReportFilter) -> Any:
    """The schools' cases whose incident falls in the period."""
    return (
        Case.objects.filter(organisation_id__in=orgs, sector=Sector.SCHOOLS)
        .annotate(on=Coalesce("incident_date", "opened_on"))
        .filter(f.during("on"), f.case_q())
    )


def repeat_harm_exists() -> Exists:
    """True for a case when an earlier case of the same organisation had two of its people.

    A party of an earlier case whose person is in this case, in a case that has another
    party, a different person, also in this case."""
    earlier = (
        Party.objects.filter(
            person__parties__case=OuterRef("pk"), case__organisation=OuterRef("organisation")
        )
        .exclude(case=OuterRef("pk"))
        .annotate(earlier_on=Coalesce("case__incident_date", "case__opened_on"))
        .filter(
            Q(earlier_on__lt=OuterRef("on")) | Q(earlier_on=OuterRef("on"), case__lt=OuterRef("pk"))
        )
        .filter(
            Exists(
                Party.objects.filter(
                    case=OuterRef("case"), person__parties__case=OuterRef(OuterRef("pk"))
                ).exclude(person=OuterRef("person"))
            )
        )
    )
    return Exists(earlier)


SUSPENSION = Q(school__sanction_considered=SanctionConsidered.SUSPENSION)
EXCLUSION = Q(school__sanction_considered=SanctionConsidered.PERMANENT_EXCLUSION)
AVOIDED = Q(school__sanction_avoided=True)


def school_terms(orgs: list[int], f: ReportFilter) -> Table:
    rows = (
        school_cases(orgs, f)
        .annotate(repeat=repeat_harm_exists(), y=ExtractYear("on"), m=ExtractMonth("on"))
        .values("y", "m")
        .annotate(
            incidents=Count("pk"),
            conversations=Count("pk", filter=Q(school__is_conversation=True)),
            repeats=Count("pk", filter=Q(repeat=True)),
            suspension=Count("pk", filter=SUSPENSION),
            suspension_avoided=Count("pk", filter=SUSPENSION & AVOIDED),
            exclusion=Count("pk", filter=EXCLUSION),
            exclusion_avoided=Count("pk", filter=EXCLUSION & AVOIDED),
        )
        .order_by()
    )
    names = (
        "incidents",
        "conversations",
        "repeats",
        "suspension",
        "suspension_avoided",
        "exclusion",
        "exclusion_avoided",
    )
    terms: dict[tuple[int, int, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(names, 0))
    for row in rows:
        term = terms[term_of(row["y"], row["m"])]
        for name in names:
            term[name] += row[name]
    # Every term of the period, those with nothing in them as well.
    day = f.start
    while day <= f.end:
        terms[term_of(day.year, day.month)]  # touching the key makes the row
        day = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    totals = dict.fromkeys(names, 0)
    body: list[list[Cell]] = []
    for key in sorted(terms):
        year, _, season = key
        values = terms[key]
        body.append([text(f"{season} {year}"), *(count(values[n]) for n in names)])
        for n in names:
            totals[n] += values[n]
    return Table(
        key="school_terms",
        title="Incidents, repeat harm and suspensions avoided, term by term",
        columns=[
            Column("Term"),
            Column("Incidents", sums=True),
            Column("Restorative conversations", sums=True),
            Column("Repeat harm between the same pupils", sums=True),
            Column("Suspension considered", sums=True),
            Column("Suspension avoided", sums=True),
            Column("Permanent exclusion considered", sums=True),
            Column("Permanent exclusion avoided", sums=True),
        ],
        rows=body,
        total=[text("All terms"), *(count(totals[n]) for n in names)],
        figures=[
            "school_incidents",
            "school_conversations",
            "school_repeat_harm",
            "suspensions_avoided",
            "exclusions_avoided",
        ],
        chart_column=1,
        note="Each term beside the one before it shows the change: fewer incidents, less "
        "repeat harm and more suspensions and exclusions avoided mean restorative work is "
        "taking hold. " + TERMS,
    )


def school_dfe_reasons(orgs: list[int], f: ReportFilter) -> Table:
    rows = {
        row["school__dfe_reason"]: row
        for row in school_cases(orgs, f)
        .exclude(school__dfe_reason="")
        .exclude(school__isnull=True)
        .values("school__dfe_reason")
        .annotate(
            incidents=Count("pk"),
            considered=Count("pk", filter=SUSPENSION | EXCLUSION),
            avoided=Count("pk", filter=(SUSPENSION | EXCLUSION) & AVOIDED),
        )
        .order_by()
    }
    body = []
    totals = {"incidents": 0, "considered": 0, "avoided": 0}
    for code, label in DfeReason.choices:
        row = rows.get(code)
        if row is None:
            continue
        body.append(
            [
                text(str(label)),
                count(row["incidents"]),
                count(row["considered"]),
                count(row["avoided"]),
            ]
        )
        for name in totals:
            totals[name] += row[name]
    return Table(
        key="school_dfe_reasons",
        title="Incidents by the Department for Education's reason",
        columns=[
            Column("Reason"),
            Column("Incidents", sums=True),
            Column("Suspension or exclusion considered", sums=True),
            Column("Avoided", sums=True),
        ],
        rows=body,
        total=[text("All reasons recorded"), *(count(totals[n]) for n in totals)],
        figures=["dfe_reason", "suspensions_avoided", "exclusions_avoided"],
    )


REPORTS["schools"] = Report(
    "schools",
    "Schools: incidents and exclusions avoided",
    "Incidents, repeat harm between the same pupils, and suspensions and exclusions avoided, "
    "term by term, with the Department for Education's reasons.",
    (school_terms, school_dfe_reasons),
    sectors=(Sector.SCHOOLS,),
)
