"""What the training pages show: a fixed handful of queries, whatever the number of records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from amends.core.models import Membership, Organisation, OrganisationKind, Role, Sector
from amends.training.models import (
    HOLDS_A_PLACE,
    Cohort,
    CohortDay,
    Course,
    Enrolment,
    EnrolmentStatus,
    Level,
    Programme,
)

HOME_LIMIT = 10
EXPIRING_WITHIN = datetime.timedelta(days=2)


def cohorts_with_places(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Cohorts with the counts every list shows, counted in the same query."""
    return cohorts.select_related("course__programme").annotate(
        taken=Count("enrolments", filter=Q(enrolments__status__in=HOLDS_A_PLACE)),
        waiting_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        offered_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.OFFERED)),
        enrolled_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
    )


def upcoming(member: Membership) -> QuerySet[Cohort]:
    return Cohort.objects.visible_to(member).filter(ends_on__gte=timezone.localdate())


# The training overview ------------------------------------------------------------------


def overview(member: Membership) -> dict[str, Any]:
    programmes = list(
        Programme.objects.visible_to(member)
        .prefetch_related(
            Prefetch(
                "courses",
                queryset=Course.objects.annotate(
                    upcoming_count=Count(
                        "cohorts", filter=Q(cohorts__ends_on__gte=timezone.localdate())
                    )
                ).order_by("title"),
            )
        )
        .order_by("pk")
    )
    return {"programmes": programmes}


# The trainer's home ------------------------------------------------------------------------


@dataclass
class TrainingHome:
    next_cohorts: list[Any] = field(default_factory=list)
    to_act_on: list[tuple[Any, str]] = field(default_factory=list)
    offers_expiring: list[Enrolment] = field(default_factory=list)
    has_programmes: bool = False


def training_home(member: Membership) -> dict[str, Any]:
    today = timezone.localdate()
    home = TrainingHome()
    home.has_programmes = Programme.objects.visible_to(member).exists()
    home.next_cohorts = list(
        cohorts_with_places(upcoming(member))
        .filter(starts_on__gte=today)
        .order_by("starts_on", "pk")[:HOME_LIMIT]
    )
    # Cohorts needing someone: results to record after the last day, or places free while
    # people wait (an offer is made by the next change; say so).
    needing = (
        cohorts_with_places(Cohort.objects.visible_to(member))
        .filter(Q(ends_on__lte=today, enrolments__status=EnrolmentStatus.ENROLLED))
        .distinct()
        .order_by("ends_on", "pk")[:HOME_LIMIT]
    )
    home.to_act_on = [(c, gettext("Record results: the course has ended")) for c in needing]
    home.offers_expiring = list(
        Enrolment.objects.visible_to(member)
        .filter(
            status=EnrolmentStatus.OFFERED,
            offer_expires_at__lte=timezone.now() + EXPIRING_WITHIN,
        )
        .select_related("cohort__course")
        .order_by("offer_expires_at", "pk")[:HOME_LIMIT]
    )
    return {"training": home, "now": timezone.now()}


# The cohort page ---------------------------------------------------------------------------


def cohort_page(cohort: Cohort) -> dict[str, Any]:
    days = list(CohortDay.objects.filter(cohort=cohort).order_by("number"))
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("certificate")
        .annotate(days_present=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("name", "pk")
    )
    by_status: dict[str, list[Enrolment]] = {s: [] for s in EnrolmentStatus.values}
    for e in enrolments:
        by_status[e.status].append(e)
    by_status[EnrolmentStatus.WAITING].sort(key=lambda e: (e.waiting_since, e.pk))
    taken = sum(len(by_status[s]) for s in HOLDS_A_PLACE)
    from amends.accounts.models import User
    from amends.training.models import CohortTrainer

    trainers = list(
        User.objects.filter(
            pk__in=CohortTrainer.objects.filter(cohort=cohort).values("trainer_id")
        ).order_by("full_name")
    )
    return {
        "days": days,
        "by_status": by_status,
        "on_the_course": by_status[EnrolmentStatus.ENROLLED]
        + by_status[EnrolmentStatus.COMPLETED]
        + by_status[EnrolmentStatus.NOT_COMPLETED],
        "offered": by_status[EnrolmentStatus.OFFERED],
        "waiting": by_status[EnrolmentStatus.WAITING],
        "withdrawn": by_status[EnrolmentStatus.WITHDRAWN],
        "taken": taken,
        "left": max(0, cohort.capacity - taken),
        "trainers": trainers,
        "today": timezone.localdate(),
    }


# Public pages ------------------------------------------------------------------------------


def sees_training(request: HttpRequest) -> bool:
    """Training is in the navigation of trainers, and of coordinators of a consultancy
    (the kind of organisation that runs training)."""
    member: Membership | None = getattr(request, "membership", None)
    return member is not None and (
        member.has_role(Role.TRAINER)
        or (member.is_coordinator and member.organisation.kind == OrganisationKind.CONSULTANCY)
    )


def consultancy() -> Organisation | None:
    """The organisation whose training the public pages show: the one the public website
    belongs to (AMENDS_WEBSITE_ORGANISATION, or else the first consultancy)."""
    from amends.website.access import website_owner

    return website_owner()


def public_programmes() -> list[Programme]:
    organisation = consultancy()
    if organisation is None:
        return []
    return list(Programme.objects.filter(organisation=organisation).order_by("pk"))


def public_programme(sector: str) -> dict[str, Any] | None:
    organisation = consultancy()
    if organisation is None or sector not in Sector.values:
        return None
    programme = Programme.objects.filter(organisation=organisation, sector=sector).first()
    if programme is None:
        # Programmes not set up yet: the page still says what the programme is, with no dates.
        from amends.training.services import PROGRAMMES

        title, summary = PROGRAMMES[sector]
        return {
            "programme": Programme(
                organisation=organisation, sector=sector, title=title, summary=summary
            ),
            "courses": [],
        }
    today = timezone.localdate()
    open_cohorts = cohorts_with_places(
        Cohort.objects.filter(organisation=organisation, audience="open", starts_on__gt=today)
    ).prefetch_related(Prefetch("days", queryset=CohortDay.objects.order_by("number")))
    courses = list(
        Course.objects.filter(programme=programme, is_published=True)
        .prefetch_related(
            Prefetch("cohorts", queryset=open_cohorts.order_by("starts_on", "pk"), to_attr="next")
        )
        .order_by("pk")
    )
    level_rank = {level: n for n, level in enumerate(Level.values)}
    courses.sort(key=lambda c: (level_rank[c.level], c.pk))
    return {"programme": programme, "courses": courses}


# Figures -----------------------------------------------------------------------------------

SMALL = gettext_lazy("fewer than 5")


def shown(count: int) -> str:
    """A count as the figures show it: 1 to 4 are "fewer than 5"."""
    return str(SMALL) if 0 < count < 5 else f"{count:,}"


def rate(completed: int, finished: int) -> str:
    if finished < 5:
        return gettext("not shown") if finished else "–"
    return f"{round(100 * completed / finished)}%"


@dataclass
class FigureRow:
    quarter: str
    programme: str
    level: str
    organisation: str
    completed: int
    finished: int

    @property
    def completed_shown(self) -> str:
        return shown(self.completed)

    @property
    def finished_shown(self) -> str:
        return shown(self.finished)

    @property
    def rate_shown(self) -> str:
        return rate(self.completed, self.finished)


FIGURES_DEFINITION = gettext_lazy(
    "People trained: enrolments recorded as completed. Finished: completed or did not complete. "
    "Completion rate: completed as a share of finished, shown where 5 or more finished. Each "
    "enrolment is counted once, in the quarter of its cohort's last day. Counts of 1 to 4 are "
    'shown as "fewer than 5".'
)


def figures(member: Membership, *, by_organisation: bool) -> list[FigureRow]:
    """One aggregate query: finished enrolments by quarter, programme and level (and the
    organisation the people came from, if asked)."""
    sector_labels = dict(Sector.choices)
    level_labels = dict(Level.choices)
    keys = ["year", "month", "cohort__course__programme__sector", "cohort__course__level"]
    if by_organisation:
        keys.append("organisation_name")
    rows = (
        Enrolment.objects.visible_to(member)
        .filter(status__in=[EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED])
        .annotate(year=ExtractYear("cohort__ends_on"), month=ExtractMonth("cohort__ends_on"))
        .values(*keys)
        .annotate(
            completed=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
            finished=Count("pk"),
        )
        .order_by(*keys)
    )
    merged: dict[tuple[Any, ...], FigureRow] = {}
    for row in rows:
        quarter = f"{row['year']} Q{(row['month'] - 1) // 3 + 1}"
        key = (
            quarter,
            row["cohort__course__programme__sector"],
            row["cohort__course__level"],
            row.get("organisation_name", ""),
        )
        if key not in merged:
            merged[key] = FigureRow(
                quarter,
                str(sector_labels.get(key[1], key[1])),
                str(level_labels.get(key[2], key[2])),
                key[3] or (gettext("Not given") if by_organisation else ""),
                0,
                0,
            )
        merged[key].completed += row["completed"]
        merged[key].finished += row["finished"]
    return sorted(merged.values(), key=lambda r: (r.quarter, r.programme, r.level, r.organisation))


def figures_totals(rows: list[FigureRow]) -> FigureRow:
    return FigureRow(
        "All", "", "", "", sum(r.completed for r in rows), sum(r.finished for r in rows)
    )
