"""What each home page shows: a fixed handful of queries, whatever the size of the service."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.accounts.models import User
from amends.agreements.models import AgreementAction
from amends.cases.models import NOT_PROCEEDED, Case, CaseEvent, CaseStatus, ClosureOutcome
from amends.core.models import Membership, Role
from amends.meetings.models import Meeting, MeetingStatus
from amends.outcomes.models import ReoffendingCheck
from amends.referrals.models import Referral, ReferralStatus

NEWLY_ALLOCATED_DAYS = 14
LIST_LIMIT = 20


# The week ---------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()


def week_bounds(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime, list[Day]]:
    """Monday to Sunday of the week holding `today`, in the service's time zone."""
    monday = today - datetime.timedelta(days=today.weekday())
    days = [Day(monday + datetime.timedelta(days=n)) for n in range(7)]
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min)
    )
    return start, end, days


def week_of_meetings(
    meetings: QuerySet[Meeting], today: datetime.date
) -> tuple[list[Meeting], list[Day]]:
    """This week's arranged meetings, as one list and day by day."""
    start, end, days = week_bounds(today)
    found = list(
        meetings.filter(
            status=MeetingStatus.ARRANGED, scheduled_at__gte=start, scheduled_at__lt=end
        )
        .select_related("case", "facilitator", "co_facilitator")
        .order_by("scheduled_at", "pk")
    )
    by_date = {day.date: day for day in days}
    for meeting in found:
        by_date[timezone.localtime(meeting.scheduled_at).date()].meetings.append(meeting)
    return found, days


def my_meetings(member: Membership) -> QuerySet[Meeting]:
    user_id = member.user_id
    return Meeting.objects.visible_to(member).filter(
        Q(facilitator_id=user_id) | Q(co_facilitator_id=user_id)
    )


# Coordinator ------------------------------------------------------------------------


@dataclass
class Caseload:
    user: User
    as_lead: int
    as_co: int


def _count_per_user(cases: QuerySet[Case], part: str) -> dict[int, int]:
    """How many of `cases` each user holds in `part` (a facilitator field), in one query."""
    counts = (
        cases.filter(**{f"{part}__isnull": False})
        .order_by()
        .values(part)
        .annotate(n=Count("*"))
        .values_list(part, "n")
    )
    return dict(counts)


def caseloads(member: Membership) -> list[Caseload]:
    """Open cases per facilitator, as lead and as co-facilitator (three queries)."""
    open_cases = Case.objects.visible_to(member).open()
    lead, co = (
        _count_per_user(open_cases, part) for part in ("lead_facilitator", "co_facilitator")
    )
    people = User.objects.filter(
        Q(pk__in=set(lead) | set(co))
        | Q(
            memberships__organisation_id=member.organisation_id,
            memberships__is_active=True,
            memberships__role=Role.FACILITATOR,
        )
    ).distinct()
    return sorted(
        (Caseload(user, lead.get(user.pk, 0), co.get(user.pk, 0)) for user in people),
        key=lambda load: (-(load.as_lead + load.as_co), load.user.full_name),
    )


def coordinator_home(member: Membership) -> dict[str, Any]:
    today = timezone.localdate()
    waiting = (
        Referral.objects.visible_to(member)
        .filter(status=ReferralStatus.NEW)
        .aggregate(count=Count("*"), oldest=Min("received_on"))
    )
    cases = Case.objects.visible_to(member).open()
    # Counted on a column the open-cases index holds (every row has its organisation), so
    # the index answers without reading the cases.
    case_counts = cases.aggregate(
        unallocated=Count("organisation", filter=Q(lead_facilitator__isnull=True)),
        next_step_overdue=Count("organisation", filter=Q(next_step_due__lt=today)),
    )
    meetings, days = week_of_meetings(Meeting.objects.visible_to(member), today)
    return {
        "waiting_count": waiting["count"],
        "oldest_waiting_days": (today - waiting["oldest"]).days if waiting["oldest"] else None,
        "unallocated_count": case_counts["unallocated"],
        "next_step_overdue_count": case_counts["next_step_overdue"],
        "overdue_actions_count": AgreementAction.objects.visible_to(member).overdue().count(),
        "reoffending_checks_due_count": ReoffendingCheck.objects.visible_to(member).due().count(),
        "week_meetings": meetings,
        "week_days": days,
        "caseloads": caseloads(member),
    }


# Facilitator ------------------------------------------------------------------------


@dataclass
class Allocation:
    case: Case
    at: datetime.datetime
    by: User | None
    is_new: bool


def newly_allocated(member: Membership, last_visit: datetime.datetime | None) -> list[Allocation]:
    """Open cases allocated to them by someone else since their last visit or in 14 days."""
    since = timezone.now() - datetime.timedelta(days=NEWLY_ALLOCATED_DAYS)
    if last_visit is not None:
        since = min(since, last_visit)
    events = (
        CaseEvent.objects.visible_to(member)
        .filter(code="allocated", at__gte=since)
        .exclude(case__status=CaseStatus.CLOSED)
        .exclude(created_by_id=member.user_id)
        .select_related("case", "created_by")
        .order_by("-at", "-pk")[: LIST_LIMIT * 2]
    )
    allocations: dict[int, Allocation] = {}
    for event in events:
        if event.case_id not in allocations:
            is_new = last_visit is None or event.at > last_visit
            allocations[event.case_id] = Allocation(event.case, event.at, event.created_by, is_new)
    return list(allocations.values())[:LIST_LIMIT]


def facilitator_home(member: Membership, last_visit: datetime.datetime | None) -> dict[str, Any]:
    today = timezone.localdate()
    user_id = member.user_id
    cases = (
        Case.objects.visible_to(member)
        .filter(Q(lead_facilitator_id=user_id) | Q(co_facilitator_id=user_id))
        .open()
    )
    overdue_actions = AgreementAction.objects.visible_to(member).overdue()
    meetings, days = week_of_meetings(my_meetings(member), today)
    return {
        "today": today,
        "cases": list(cases.order_by(F("next_step_due").asc(nulls_last=True), "pk")[:LIST_LIMIT]),
        "case_count": cases.count(),
        "overdue_actions": list(
            overdue_actions.select_related("case").order_by("due_on", "pk")[:LIST_LIMIT]
        ),
        "overdue_action_count": overdue_actions.count(),
        "week_meetings": meetings,
        "week_days": days,
        "newly_allocated": newly_allocated(member, last_visit),
    }


# Referrer ---------------------------------------------------------------------------

# The words a referrer records against their referral, stage by stage.
WAITING = "waiting"
DECLINED = "declined"
IN_PROGRESS = "in progress"
AGREEMENT_REACHED = "agreement reached"
COMPLETED_WITHOUT_AGREEMENT = "completed without agreement"
DID_NOT_PROCEED = "did not proceed"
# The same words as a referrer reads them, in the language of the page.
OUTCOME_LABELS = {
    WAITING: _("waiting"),
    DECLINED: _("declined"),
    IN_PROGRESS: _("in progress"),
    AGREEMENT_REACHED: _("agreement reached"),
    COMPLETED_WITHOUT_AGREEMENT: _("completed without agreement"),
    DID_NOT_PROCEED: _("did not proceed"),
}


def referral_outcome(referral: Referral) -> str:
    """What happened to a referral, in the one word a referrer records: never the content."""
    if referral.status == ReferralStatus.NEW:
        return WAITING
    if referral.status == ReferralStatus.DECLINED:
        return DECLINED
    case = getattr(referral, "case", None)
    if case is None:
        return IN_PROGRESS
    if case.status == CaseStatus.CLOSED:
        if case.closure_outcome == ClosureOutcome.AGREEMENT_COMPLETED:
            return AGREEMENT_REACHED
        if case.closure_outcome == ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT:
            return COMPLETED_WITHOUT_AGREEMENT
        if case.closure_outcome in NOT_PROCEEDED:
            return DID_NOT_PROCEED
    agreement = getattr(case, "agreement", None)
    if agreement is not None and agreement.is_agreed:
        return AGREEMENT_REACHED
    return IN_PROGRESS


def referral_reference(referral: Referral) -> str:
    """The number a referrer quotes to the service about this referral."""
    return f"REF-{referral.pk:05d}"


def initials(given_name: str, family_name: str) -> str:
    return "".join(part[:1].upper() for part in (given_name.strip(), family_name.strip()))


@dataclass
class ReferralRow:
    referral: Referral
    reference: str
    case_reference: str
    initials: list[str]
    outcome: str

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome, self.outcome))


def referral_rows(referrals: Any) -> list[ReferralRow]:
    """Rows for a page of a referrer's referrals (prefetched with `referrer_referrals`)."""
    rows = []
    for referral in referrals:
        case = getattr(referral, "case", None)
        rows.append(
            ReferralRow(
                referral=referral,
                reference=referral_reference(referral),
                case_reference=case.reference if case is not None else "",
                initials=[initials(p.given_name, p.family_name) for p in referral.people.all()],
                outcome=referral_outcome(referral),
            )
        )
    return rows


def referrer_referrals(member: Membership) -> QuerySet[Referral]:
    return (
        Referral.objects.visible_to(member)
        .select_related("case", "case__agreement")
        .prefetch_related("people")
        .order_by("-received_on", "-pk")
    )
