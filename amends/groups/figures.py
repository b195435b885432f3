"""Group work's figures: counted apart from cases, and never naming anyone.

Registered with the reports (amends/reports/figures.py), so the report page, the
downloads and the quarterly PDF print the same table and the same definitions.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils import timezone

from amends.core.vocabulary import current_words
from amends.groups.models import GroupAttendance, GroupCase, GroupKind, GroupMember, GroupSession
from amends.reports.filters import ReportFilter
from amends.reports.tables import COUNT, Column, Table, count, percent, text

HELD = "on the date the circle or session was held"

# (key, name, definition, what one unit is, which date places it in a period)
GROUP_FIGURES: list[tuple[str, str, str, str, str]] = [
    (
        "proactive_circles",
        "Proactive circles held",
        "Circles of a proactive circle group (a check-in circle with a class or any other group "
        "of people) held in the period, up to today: each time a group met in circle counts once. "
        "No harm is involved and none is a case, so these are counted apart from casework.",
        "one circle",
        HELD,
    ),
    (
        "circle_participants",
        "People taking part in proactive circles",
        "For each proactive circle held in the period, the people marked as having come, or, "
        "for a circle of a whole class recorded as a number, that number; added up over the "
        "circles. Someone at three circles counts three times.",
        "one person at one circle",
        HELD,
    ),
    (
        "programme_sessions",
        "Group programme sessions held",
        "Sessions of group programmes (courses run over several sessions, such as one on the "
        "harm people cause) held in the period, up to today.",
        "one session",
        HELD,
    ),
    (
        "programme_attendance",
        "Attendance at group programme sessions",
        "Of the people marked at group programme sessions held in the period, the per cent "
        "marked as having come. An absence counts whatever its reason.",
        "one person marked at one session",
        HELD,
    ),
    (
        "programme_completions",
        "People completing a group programme",
        "Places in group programmes recorded as completed, with the date they finished in the "
        "period.",
        "one person's place in one programme",
        "on the date they finished",
    ),
    (
        "cases_from_groups",
        "Cases opened from group work",
        "Cases opened from someone's place in a circle group or group programme, when they "
        "asked for a restorative meeting. These cases are counted in every casework figure too.",
        "one case",
        "on the date the case was opened",
    ),
]


def group_work(orgs: list[int], f: ReportFilter) -> Table:
    """Circles and group programmes: five aggregate queries, whatever the amount of data."""
    session_q = f.during("held_on") & Q(held_on__lte=timezone.localdate())
    if f.sector:
        session_q &= Q(group__sector=f.sector)
    if f.facilitator_id:
        session_q &= Q(facilitator_id=f.facilitator_id)
    sessions = GroupSession.objects.filter(organisation_id__in=orgs).filter(session_q)
    circles = sessions.filter(group__kind=GroupKind.CIRCLE).aggregate(
        held=Count("pk"), counted=Sum("headcount")
    )
    programme_sessions = sessions.filter(group__kind=GroupKind.PROGRAMME).aggregate(
        held=Count("pk")
    )
    marks = GroupAttendance.objects.filter(
        organisation_id__in=orgs, session__in=sessions
    ).aggregate(
        circle_came=Count("pk", filter=Q(attended=True, session__group__kind=GroupKind.CIRCLE)),
        programme_marked=Count("pk", filter=Q(session__group__kind=GroupKind.PROGRAMME)),
        programme_came=Count(
            "pk", filter=Q(attended=True, session__group__kind=GroupKind.PROGRAMME)
        ),
    )
    completed_q = Q(group__kind=GroupKind.PROGRAMME, status="completed") & f.during("finished_on")
    if f.sector:
        completed_q &= Q(group__sector=f.sector)
    if f.facilitator_id:
        completed_q &= Q(group__facilitator_id=f.facilitator_id)
    completed = GroupMember.objects.filter(organisation_id__in=orgs).filter(completed_q).count()
    from_groups = (
        GroupCase.objects.filter(organisation_id__in=orgs)
        .filter(f.case_q("case__"), f.during("case__opened_on"))
        .count()
    )
    taking_part = marks["circle_came"] + (circles["counted"] or 0)
    words = current_words()
    note = ""
    if f.process or f.source_agency:
        note = (
            "Circles and group sessions have no process or referring agency: those filters "
            "apply here only to the cases opened from group work."
        )
    return Table(
        key="group_work",
        title="Circles and group work",
        columns=[Column("Figure"), Column("Value", COUNT)],
        rows=[
            [text("Proactive circles held"), count(circles["held"])],
            [
                text(f"{words.cap(words.participants)} taking part in proactive circles"),
                count(taking_part),
            ],
            [text("Group programme sessions held"), count(programme_sessions["held"])],
            [
                text("Attendance at group programme sessions"),
                percent(marks["programme_came"], marks["programme_marked"]),
            ],
            [text("People completing a group programme"), count(completed)],
            [text("Cases opened from group work"), count(from_groups)],
        ],
        figures=[key for key, *_ in GROUP_FIGURES],
        note=note,
    )
