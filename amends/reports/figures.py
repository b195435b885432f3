"""Every reported figure, defined once.

A `Figure` says in plain English what is counted, per what, and which date places
it in a period; the data dictionary page, the exports and the PDF print these
words. Each table below is a plain function of (organisation ids, filters) that
runs a fixed number of aggregate queries, whatever the amount of data: the report
pages, the downloads, the PDF and any future API call the same functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, cast

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from amends.agreements.models import ActionStatus, Agreement, AgreementAction
from amends.cases.models import (
    NOT_PROCEEDED,
    Case,
    CaseStatus,
    ClosureOutcome,
    ConsentDecision,
    ConsentRecord,
    ConsentScope,
    ContactLogEntry,
    ContactOutcome,
    Party,
    PartyRole,
)
from amends.core.models import Organisation, Sector
from amends.core.vocabulary import current_words
from amends.housing import figures as housing_figures
from amends.meetings.models import IndirectMessage, Meeting, MeetingAttendee, MeetingStatus
from amends.outcomes.models import (
    STAGE_ORDER,
    FeedbackResponse,
    HarmRating,
    ReoffendingAnswer,
    ReoffendingCheck,
    Satisfaction,
    Stage,
    YesNotSureNo,
    YesPartlyNo,
    harm_repaired_annotations,
)
from amends.outcomes.prevented import repeat_incident_exists
from amends.referrals.models import Agreed, DeclineReason, Referral, ReferralPerson, ReferralStatus
from amends.reports.filters import ReportFilter
from amends.reports.sql import DaysBetween, percentiles
from amends.reports.tables import (
    COUNT,
    DAYS,
    HOURS,
    MONEY,
    PERCENT,
    RATING,
    Cell,
    Column,
    Table,
    count,
    measure,
    percent,
    suppress,
    text,
)


def _(message: str) -> str:
    """Marked for translation, and read in the language of the page, export or PDF that
    shows it (exports and PDFs take `str()` of it)."""
    return cast(str, gettext_lazy(message))


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    definition: str
    counted: str  # what one unit of the figure is: a referral, a case, a person, a response
    dated_by: str  # which date places it in the period
    sectors: tuple[str, ...] = ()  # the sectors it is reported for; empty: every sector


FIGURES: dict[str, Figure] = {}


def _figure(
    key: str, name: str, definition: str, counted: str, dated_by: str, *sectors: str
) -> str:
    """Define a figure; naming sectors makes it theirs alone (see `figures_for`)."""
    FIGURES[key] = Figure(key, name, definition, counted, dated_by, tuple(sectors))
    return key


REFERRED = _("on the date the referral was received")
CLOSED = _("on the date the case was closed")

_figure(
    "referrals",
    _("Referrals"),
    _(
        "Every referral received, whatever became of it: accepted, declined or still waiting "
        "for triage. A referral names one incident; it may involve several people."
    ),
    _("one referral"),
    REFERRED,
)
_figure(
    "accepted",
    _("Accepted"),
    _("Referrals accepted at triage, so that a case was opened."),
    _("one referral"),
    REFERRED,
)
_figure(
    "all_consented",
    _("All parties consented"),
    _(
        "Accepted referrals whose case has at least one person harmed and one person "
        "responsible, every one of whom has given consent to take part (at any time; a "
        "later withdrawal does not remove the case from this step)."
    ),
    _("one referral"),
    REFERRED,
)
_figure(
    "meeting_held",
    _("Meeting held"),
    _(
        "Of those where all consented, cases with at least one meeting, conference, circle or "
        "indirect exchange recorded as held."
    ),
    _("one referral"),
    REFERRED,
)
_figure(
    "agreement_made",
    _("Agreement made"),
    _("Of those with a meeting held, cases with an outcome agreement that has a date agreed."),
    _("one referral"),
    REFERRED,
)
_figure(
    "agreement_completed",
    _("Agreement completed"),
    _("Of those with an agreement made, cases closed with the outcome “Agreement completed”."),
    _("one referral"),
    REFERRED,
)
_figure(
    "left_funnel",
    _("Where and why referrals left"),
    _(
        "Referrals declined at triage, by the reason given; cases not proceeded with, by the "
        "closure reason; cases closed after the process without an agreement or with an agreement "
        "not completed; and cases still in progress."
    ),
    _("one referral"),
    REFERRED,
)
_figure(
    "days_to_first_contact",
    _("Days from referral to first contact"),
    _(
        "Days from the date a referral was received to the first contact-log entry on its case "
        "in which someone was reached or written to (spoke or met, letter, e-mail or text sent, "
        "or an entry made before outcomes were recorded). Median and 90th percentile "
        "(nearest rank) over the cases that have had such a contact."
    ),
    _("one case"),
    REFERRED,
)
_figure(
    "days_to_meeting",
    _("Days from referral to meeting"),
    _(
        "Days from the date a referral was received to the first meeting on its case recorded "
        "as held. Median and 90th percentile (nearest rank) over cases with a meeting held."
    ),
    _("one case"),
    REFERRED,
)
_figure(
    "days_to_closure",
    _("Days from referral to closure"),
    _(
        "Days from the date a referral was received to the date its case was closed. Median "
        "and 90th percentile (nearest rank) over cases closed in the period."
    ),
    _("one case"),
    CLOSED,
)
_figure(
    "actions",
    _("Agreement actions"),
    _(
        "Actions in outcome agreements, by what became of them: done on or before the date due "
        "(done with no completion date counts as on time); done after it; partly done; not done; "
        "varied by a coordinator; still open and past the date due; still open and not yet due."
    ),
    _("one action"),
    _("on the date the action was due"),
)
_figure(
    "satisfaction",
    _("Satisfaction"),
    _(
        "Answers to “How satisfied are you with the restorative justice process?” on the "
        "feedback form, from everyone who answered (people harmed, people responsible and "
        "others). Per cent satisfied counts “Very satisfied” and “Satisfied”."
    ),
    _("one feedback response"),
    _("on the date the feedback was given"),
)
_figure(
    "would_recommend",
    _("Would recommend"),
    _(
        "Answers to “Would you recommend it to someone in your position?” on the feedback form. "
        "Per cent counts “Yes” among all answers."
    ),
    _("one feedback response"),
    _("on the date the feedback was given"),
)
_figure(
    "harm_repaired",
    _("Harm repaired"),
    _(
        "For each person harmed: their 0–10 rating of how much what happened still affects them "
        "at first contact, minus the same rating at their latest later stage (at closure if "
        "answered, otherwise after the meeting). Positive means the harm fell. People without "
        "both ratings are left out."
    ),
    _("one person harmed"),
    CLOSED,
)
_figure(
    "feeling_safe",
    _("Feeling of safety, before and after"),
    _(
        "For each person harmed with both ratings: their 0–10 answer to “How safe do you feel?” "
        "at first contact (before) and at their latest later stage (after). Averages over "
        "those people; safer means a higher rating after than before."
    ),
    _("one person harmed"),
    CLOSED,
)
_figure(
    "reoffending_rate",
    _("Reoffending rate"),
    _(
        "Twelve-month reoffending checks of closed justice cases answered “yes” ÷ those "
        "answered “yes” or “no”. Checks answered “not known” are counted and shown separately, "
        "and left out of the rate; checks not yet answered are left out altogether."
    ),
    _("one closed case (its person responsible)"),
    _("on the date the check fell due, twelve months after the case closed"),
)
_figure(
    "repeat_incident_rate",
    _("Repeat-incident rate"),
    _(
        "Closed cases followed within twelve months of closing by a later case of the same "
        "organisation involving at least one of the same people harmed and one of the same "
        "people responsible (either way round) ÷ all those closed cases. Only cases closed at "
        "least twelve months before the end of the period count, so every case has had its "
        "full twelve months."
    ),
    _("one closed case"),
    _(
        "twelve months after the date the case was closed (cases closed between twelve months "
        "before the period's start and twelve months before its end)"
    ),
)
_figure(
    "hours_per_case",
    _("Facilitator hours per case"),
    _(
        "Minutes in the contact log of cases closed in the period, added up and divided by "
        "the number of those cases, in hours. Cases with no contact logged count as none."
    ),
    _("one case"),
    CLOSED,
)
_figure(
    "cost_per_case",
    _("Cost per case"),
    _(
        "Facilitator hours per case multiplied by the organisation's hourly cost of a "
        "facilitator (set in the report settings). Not shown unless every organisation in "
        "the report has set its hourly cost."
    ),
    _("one case"),
    CLOSED,
)
_figure(
    "victims_supported",
    _("Victims supported (people harmed supported)"),
    _(
        "Distinct people harmed who were reached or written to at least once, as recorded in "
        "the contact log with them named as the person contacted, in the period."
    ),
    _("one person harmed"),
    _("on the date of the contact"),
)
_figure(
    "victim_satisfaction",
    _("Victim satisfaction (people harmed who were satisfied)"),
    _(
        "Feedback responses from people harmed that answered “Very satisfied” or “Satisfied”, "
        "as a per cent of all feedback responses from people harmed."
    ),
    _("one feedback response"),
    _("on the date the feedback was given"),
)
_figure(
    "spend",
    _("Spend on facilitation"),
    _(
        "Minutes in the contact log dated in the period, in hours, multiplied by the "
        "organisation's hourly cost of a facilitator. Not shown unless every organisation in "
        "the report has set its hourly cost."
    ),
    _("one hour of facilitator time"),
    _("on the date of the contact"),
)
_figure(
    "yjb_victims_consented",
    _("Victims who consented to be contacted"),
    _(
        "People harmed named on a referral received in the period whose referrer recorded that "
        "they agreed to be contacted."
    ),
    _("one person harmed on a referral"),
    REFERRED,
)
_figure(
    "yjb_victims_engaged",
    _("Victims engaged in restorative justice"),
    _(
        "Of the victims who consented to be contacted, those who took part: attended a meeting, "
        "conference or circle recorded as held, or sent or received a message in an indirect "
        "exchange, on the case opened from that referral."
    ),
    _("one person harmed on a referral"),
    REFERRED,
)
_figure(
    "yjb_measure",
    _("Youth Justice Board victims measure"),
    _("Victims engaged in restorative justice ÷ victims who consented to be contacted."),
    _("one person harmed on a referral"),
    REFERRED,
)
_figure(
    "feedback_items",
    _("Feedback items"),
    _(
        "Per cent of feedback responses answering “Yes” to: felt well prepared, felt listened "
        "to, felt safe taking part, would recommend it; and per cent satisfied or very "
        "satisfied. Per cent of all who answered each question."
    ),
    _("one feedback response"),
    _("on the date the feedback was given"),
)


# Querysets every table starts from -------------------------------------------------


def referrals(orgs: list[int], f: ReportFilter) -> Any:
    return Referral.objects.filter(organisation_id__in=orgs).filter(
        f.during("received_on"), f.referral_q()
    )


def cases(orgs: list[int], f: ReportFilter) -> Any:
    return Case.objects.filter(organisation_id__in=orgs).filter(f.case_q())


def closed_cases(orgs: list[int], f: ReportFilter) -> Any:
    return cases(orgs, f).filter(status=CaseStatus.CLOSED).filter(f.during("closed_at__date"))


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _breakdown(
    key: str, title: str, heading: str, grouped: list[tuple[str, int]], figure: str
) -> Table:
    rows = [[text(label), count(n)] for label, n in grouped]
    return Table(
        key=key,
        title=title,
        columns=[Column(heading), Column(_("Referrals"), COUNT, sums=True)],
        rows=rows,
        total=[text(_("Total")), count(sum(n for _, n in grouped))],
        figures=[figure],
        chart_column=1,
    )


# Referrals -------------------------------------------------------------------------


def referrals_by_month(orgs: list[int], f: ReportFilter) -> Table:
    found = {
        (row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]): row[
            "n"
        ]
        for row in referrals(orgs, f)
        .annotate(month=TruncMonth("received_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    }
    grouped = [(date_format(m, "F Y"), found.get(m, 0)) for m in _months(f.start, f.end)]
    return _breakdown(
        "referrals_by_month", _("Referrals by month"), _("Month"), grouped, "referrals"
    )


def referrals_by_agency(orgs: list[int], f: ReportFilter) -> Table:
    rows = (
        referrals(orgs, f)
        .order_by()
        .values("source_agency")
        .annotate(n=Count("pk"))
        .order_by("-n", "source_agency")
    )
    grouped = [(r["source_agency"] or _("Not recorded"), r["n"]) for r in rows]
    return _breakdown(
        "referrals_by_agency",
        _("Referrals by referring agency"),
        _("Referring agency"),
        grouped,
        "referrals",
    )


def referrals_by_sector(orgs: list[int], f: ReportFilter) -> Table:
    found = {
        r["sector"]: r["n"]
        for r in referrals(orgs, f).order_by().values("sector").annotate(n=Count("pk"))
    }
    grouped = [(str(label), found.get(value, 0)) for value, label in Sector.choices]
    return _breakdown(
        "referrals_by_sector", _("Referrals by sector"), _("Sector"), grouped, "referrals"
    )


def referrals_by_harm_type(orgs: list[int], f: ReportFilter) -> Table:
    rows = (
        referrals(orgs, f)
        .order_by()
        .values("harm_type__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "harm_type__name")
    )
    grouped = [(r["harm_type__name"], r["n"]) for r in rows]
    return _breakdown(
        "referrals_by_harm_type",
        _("Referrals by kind of harm"),
        _("Kind of harm"),
        grouped,
        "referrals",
    )


# The funnel ------------------------------------------------------------------------


def _all_consented() -> Any:
    """The referral's case has a harmed and a responsible person, none without consent."""
    principal = Party.objects.filter(
        case__referral=OuterRef("pk"), role__in=[PartyRole.HARMED, PartyRole.RESPONSIBLE]
    )
    consented = ConsentRecord.objects.filter(
        party=OuterRef("pk"), scope=ConsentScope.TAKE_PART, decision=ConsentDecision.GIVEN
    )
    return (
        Exists(principal.filter(role=PartyRole.HARMED))
        & Exists(principal.filter(role=PartyRole.RESPONSIBLE))
        & ~Exists(principal.filter(~Exists(consented)))
    )


def funnel(orgs: list[int], f: ReportFilter) -> Table:
    held = Meeting.objects.filter(case__referral=OuterRef("pk"), status=MeetingStatus.HELD)
    agreed = Agreement.objects.filter(case__referral=OuterRef("pk"), agreed_on__isnull=False)
    accepted = Q(status=ReferralStatus.ACCEPTED, case__isnull=False)
    stage_consented = accepted & Q(has_consents=True)
    stage_held = stage_consented & Q(has_meeting=True)
    stage_agreed = stage_held & Q(has_agreement=True)
    stage_completed = stage_agreed & Q(case__closure_outcome=ClosureOutcome.AGREEMENT_COMPLETED)
    totals = (
        referrals(orgs, f)
        .annotate(
            has_consents=_all_consented(), has_meeting=Exists(held), has_agreement=Exists(agreed)
        )
        .aggregate(
            referred=Count("pk"),
            accepted=Count("pk", filter=accepted),
            consented=Count("pk", filter=stage_consented),
            held=Count("pk", filter=stage_held),
            agreed=Count("pk", filter=stage_agreed),
            completed=Count("pk", filter=stage_completed),
        )
    )
    steps = [
        (_("Referred"), "referred", "referrals"),
        (_("Accepted"), "accepted", "accepted"),
        (_("All parties consented"), "consented", "all_consented"),
        (_("Meeting held"), "held", "meeting_held"),
        (_("Agreement made"), "agreed", "agreement_made"),
        (_("Agreement completed"), "completed", "agreement_completed"),
    ]
    referred = totals["referred"]
    rows = [
        [text(label), count(totals[key]), percent(totals[key], referred)] for label, key, _ in steps
    ]
    return Table(
        key="funnel",
        title=_("From referral to agreement completed"),
        columns=[
            Column(_("Step")),
            Column(_("Referrals")),
            Column(_("Per cent of referred"), PERCENT),
        ],
        rows=rows,
        figures=[figure for _, _, figure in steps],
        chart_column=1,
        note=_("Each step counts the referrals that reached it and every step before it."),
    )


# Closed after a meeting, short of a completed agreement: where those referrals left the funnel.
LEFT_AFTER_THE_PROCESS = (
    ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT,
    ClosureOutcome.AGREEMENT_NOT_COMPLETED,
)


def left_funnel(orgs: list[int], f: ReportFilter) -> Table:
    grouped = (
        referrals(orgs, f)
        .order_by()
        .values("status", "decline_reason", "case__status", "case__closure_outcome")
        .annotate(n=Count("pk"))
    )
    words = current_words()  # the sector's own labels for closures and declines
    tally: dict[str, int] = {}
    for row in grouped:
        if row["status"] == ReferralStatus.DECLINED:
            reason = (
                words.decline_label(row["decline_reason"])
                if row["decline_reason"]
                else "No reason recorded"
            )
            label = f"Declined at triage: {reason}"
        elif row["status"] == ReferralStatus.NEW:
            label = "Waiting for triage"
        elif row["case__status"] is None:
            continue
        elif row["case__status"] != CaseStatus.CLOSED:
            label = "Case still in progress"
        elif row["case__closure_outcome"] in {*NOT_PROCEEDED, *LEFT_AFTER_THE_PROCESS}:
            label = words.closure_label(row["case__closure_outcome"])
        else:
            continue  # closed with the agreement completed: never left
        tally[label] = tally.get(label, 0) + row["n"]
    order = (
        [f"Declined at triage: {words.decline_label(code)}" for code in DeclineReason.values]
        + ["Declined at triage: No reason recorded", "Waiting for triage"]
        + [words.closure_label(o) for o in ClosureOutcome.values if o in NOT_PROCEEDED]
        + [words.closure_label(o) for o in LEFT_AFTER_THE_PROCESS]
        + ["Case still in progress"]
    )
    rows = [
        [text(label), count(tally.get(label, 0))]
        for label in order
        if label in tally or not label.endswith("No reason recorded")
    ]
    return Table(
        key="left_funnel",
        title=_("Where and why referrals left"),
        columns=[Column(_("Where and why")), Column(_("Referrals"), COUNT, sums=True)],
        rows=rows,
        total=[text(_("Total")), count(sum(tally.values()))],
        figures=["left_funnel"],
        chart_column=1,
    )


# Time taken ------------------------------------------------------------------------

REACHED = [ContactOutcome.REACHED, ContactOutcome.SENT, ""]


def timeliness(orgs: list[int], f: ReportFilter) -> Table:
    first_contact = (
        ContactLogEntry.objects.filter(case=OuterRef("pk"), outcome__in=REACHED)
        .order_by()
        .values("case")
        .annotate(first=Min("contact_on"))
        .values("first")
    )
    first_meeting = (
        Meeting.objects.filter(case=OuterRef("pk"), status=MeetingStatus.HELD)
        .order_by()
        .values("case")
        .annotate(first=Min("held_at"))
        .values("first")
    )
    referred = cases(orgs, f).filter(f.during("referral__received_on"))
    contact = percentiles(
        referred.annotate(days=DaysBetween(Subquery(first_contact), "referral__received_on")),
        "days",
    )
    meeting = percentiles(
        referred.annotate(days=DaysBetween(Subquery(first_meeting), "referral__received_on")),
        "days",
    )
    closure = percentiles(
        closed_cases(orgs, f)
        .filter(referral__isnull=False)
        .annotate(days=DaysBetween("closed_at", "referral__received_on")),
        "days",
    )
    rows = [
        [
            text(label),
            count(found["n"]),
            measure(found["p50"], DAYS, found["n"]),
            measure(found["p90"], DAYS, found["n"]),
        ]
        for label, found in (
            (_("Referral to first contact"), contact),
            (_("Referral to meeting"), meeting),
            (_("Referral to closure"), closure),
        )
    ]
    return Table(
        key="timeliness",
        title=_("Time taken, in days"),
        columns=[
            Column(_("From referral to")),
            Column(_("Cases")),
            Column(_("Median (days)"), DAYS),
            Column(_("90th percentile (days)"), DAYS),
        ],
        rows=rows,
        figures=["days_to_first_contact", "days_to_meeting", "days_to_closure"],
        chart_column=2,
    )


# Agreement actions -----------------------------------------------------------------


def actions(orgs: list[int], f: ReportFilter) -> Table:
    today = timezone.localdate()
    done = Q(status=ActionStatus.DONE)
    kinds = [
        (_("Done on time"), done & (Q(resolved_on__isnull=True) | Q(resolved_on__lte=F("due_on")))),
        (_("Done late"), done & Q(resolved_on__gt=F("due_on"))),
        (_("Partly done"), Q(status=ActionStatus.PARTLY_DONE)),
        (_("Not done"), Q(status=ActionStatus.NOT_DONE)),
        (_("Varied"), Q(status=ActionStatus.VARIED)),
        (_("Open, past the date due"), Q(status=ActionStatus.OPEN, due_on__lt=today)),
        (_("Open, not yet due"), Q(status=ActionStatus.OPEN, due_on__gte=today)),
    ]
    numbers = _count_each(
        AgreementAction.objects.filter(organisation_id__in=orgs).filter(
            f.case_q("case__"), f.during("due_on")
        ),
        kinds,
    )
    total = sum(numbers)
    return Table(
        key="actions",
        title=_("Agreement actions"),
        columns=[
            Column(_("What became of them")),
            Column(_("Actions"), COUNT, sums=True),
            Column(_("Per cent"), PERCENT),
        ],
        rows=_share_rows(kinds, numbers, total),
        total=[text(_("Total")), count(total), percent(total, total)],
        figures=["actions"],
        chart_column=1,
    )


def _count_each(rows: QuerySet[Any], kinds: list[tuple[str, Q]]) -> list[int]:
    """How many rows match each labelled condition, in one aggregate query."""
    found = rows.aggregate(**{f"k{i}": Count("pk", filter=q) for i, (_, q) in enumerate(kinds)})
    return [found[f"k{i}"] for i in range(len(kinds))]


def _share_rows(kinds: list[tuple[str, Q]], numbers: list[int], total: int) -> list[list[Cell]]:
    """A row per labelled condition: its label, its count and its share of the total."""
    return [
        [text(label), count(n), percent(n, total)]
        for (label, _), n in zip(kinds, numbers, strict=True)
    ]


# Feedback and harm -----------------------------------------------------------------


def _feedback(orgs: list[int], f: ReportFilter) -> Any:
    return FeedbackResponse.objects.filter(organisation_id__in=orgs).filter(
        f.case_q("case__"), f.during("answered_on")
    )


def _distribution(
    key: str, title: str, field: str, choices: Any, figure: str, orgs: list[int], f: ReportFilter
) -> Table:
    found = _feedback(orgs, f).aggregate(
        **{f"n_{value}": Count("pk", filter=Q(**{field: value})) for value in choices.values}
    )
    total = sum(found.values())
    return Table(
        key=key,
        title=title,
        columns=[
            Column(_("Answer")),
            Column(_("Responses"), COUNT, sums=True),
            Column(_("Per cent"), PERCENT),
        ],
        rows=[
            [text(label), count(found[f"n_{value}"]), percent(found[f"n_{value}"], total)]
            for value, label in choices.choices
        ],
        total=[text(_("Total")), count(total), percent(total, total)],
        figures=[figure],
        chart_column=1,
    )


def satisfaction(orgs: list[int], f: ReportFilter) -> Table:
    return _distribution(
        "satisfaction",
        _("Satisfaction with the process"),
        "satisfied",
        Satisfaction,
        "satisfaction",
        orgs,
        f,
    )


def would_recommend(orgs: list[int], f: ReportFilter) -> Table:
    return _distribution(
        "would_recommend",
        _("Would recommend it"),
        "would_recommend",
        YesNotSureNo,
        "would_recommend",
        orgs,
        f,
    )


HARM_BANDS = [
    (_("Worse (below 0)"), Q(harm_repaired__lt=0)),
    (_("No change (0)"), Q(harm_repaired=0)),
    (_("1 or 2 points better"), Q(harm_repaired__gte=1, harm_repaired__lte=2)),
    (_("3 or 4 points better"), Q(harm_repaired__gte=3, harm_repaired__lte=4)),
    (_("5 or 6 points better"), Q(harm_repaired__gte=5, harm_repaired__lte=6)),
    (_("7 to 10 points better"), Q(harm_repaired__gte=7)),
]


def _harmed_in_closed_cases(orgs: list[int], f: ReportFilter) -> Any:
    return Party.objects.filter(
        organisation_id__in=orgs,
        role=PartyRole.HARMED,
        case__in=closed_cases(orgs, f).values("pk"),
    )


def harm_repaired(orgs: list[int], f: ReportFilter) -> Table:
    people = _harmed_in_closed_cases(orgs, f).annotate(**harm_repaired_annotations())
    numbers = _count_each(people, HARM_BANDS)
    total = sum(numbers)
    middle = percentiles(people, "harm_repaired", (50,))
    return Table(
        key="harm_repaired",
        title=_("Harm repaired"),
        columns=[
            Column(_("Change in how much it still affects them")),
            Column(_("People harmed"), COUNT, sums=True),
            Column(_("Per cent"), PERCENT),
        ],
        rows=_share_rows(HARM_BANDS, numbers, total),
        total=[text(_("Total with both ratings")), count(total), percent(total, total)],
        figures=["harm_repaired"],
        chart_column=1,
        summary=[
            (
                _("Median harm repaired (points on the 0–10 scale)"),
                measure(middle["p50"], RATING, middle["n"]),
            )
        ],
    )


def _rating_at(question_key: str, *, first: bool) -> Subquery:
    ratings = HarmRating.objects.filter(
        organisation=OuterRef("organisation"), party=OuterRef("pk"), question_key=question_key
    )
    if first:
        chosen = ratings.filter(measure__stage=Stage.FIRST_CONTACT)
    else:
        rank = CaseWhen(
            *[When(measure__stage=stage, then=Value(n)) for n, stage in enumerate(STAGE_ORDER)],
            output_field=IntegerField(),
        )
        chosen = ratings.exclude(measure__stage=Stage.FIRST_CONTACT).annotate(r=rank).order_by("-r")
    return Subquery(chosen.values("rating")[:1], output_field=IntegerField())


def feeling_safe(orgs: list[int], f: ReportFilter) -> Table:
    found = (
        _harmed_in_closed_cases(orgs, f)
        .annotate(
            before=_rating_at("feels_safe", first=True), after=_rating_at("feels_safe", first=False)
        )
        .filter(before__isnull=False, after__isnull=False)
        .aggregate(
            n=Count("pk"),
            before_avg=Avg("before"),
            after_avg=Avg("after"),
            safer=Count("pk", filter=Q(after__gt=F("before"))),
            same=Count("pk", filter=Q(after=F("before"))),
            less=Count("pk", filter=Q(after__lt=F("before"))),
        )
    )
    n = found["n"]
    return Table(
        key="feeling_safe",
        title=_("Feeling of safety, before and after"),
        columns=[
            Column(_("Change")),
            Column(_("People harmed"), COUNT, sums=True),
            Column(_("Per cent"), PERCENT),
        ],
        rows=[
            [text(_("Feel safer")), count(found["safer"]), percent(found["safer"], n)],
            [text(_("No change")), count(found["same"]), percent(found["same"], n)],
            [text(_("Feel less safe")), count(found["less"]), percent(found["less"], n)],
        ],
        total=[text(_("Total with both ratings")), count(n), percent(n, n)],
        figures=["feeling_safe"],
        chart_column=1,
        summary=[
            (_("Average rating before (0–10)"), measure(found["before_avg"], RATING, n)),
            (_("Average rating after (0–10)"), measure(found["after_avg"], RATING, n)),
        ],
    )


# Prevented: reoffending and repeat incidents ----------------------------------------


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def prevented(orgs: list[int], f: ReportFilter) -> Table:
    checks = (
        ReoffendingCheck.objects.filter(organisation_id__in=orgs)
        .of_closed_cases()
        .filter(f.case_q("case__"), f.during("due_on"))
        .aggregate(
            yes=Count("pk", filter=Q(answer=ReoffendingAnswer.YES)),
            no=Count("pk", filter=Q(answer=ReoffendingAnswer.NO)),
            not_known=Count("pk", filter=Q(answer=ReoffendingAnswer.NOT_KNOWN)),
            waiting=Count("pk", filter=Q(answer="")),
        )
    )
    window = ReportFilter(start=_year_before(f.start), end=_year_before(f.end))
    repeats = (
        cases(orgs, f)
        .filter(status=CaseStatus.CLOSED)
        .filter(window.during("closed_at__date"))
        .annotate(repeat=repeat_incident_exists())
        .aggregate(n=Count("pk"), repeated=Count("pk", filter=Q(repeat=True)))
    )
    answered = checks["yes"] + checks["no"]
    return Table(
        key="prevented",
        title=_("Reoffending and repeat incidents"),
        columns=[Column(_("Figure")), Column(_("Cases")), Column(_("Rate"), PERCENT)],
        rows=[
            [
                text(_("Reoffended (checks answered yes)")),
                count(checks["yes"]),
                percent(checks["yes"], answered),
            ],
            [
                text(_("Did not reoffend (checks answered no)")),
                count(checks["no"]),
                percent(checks["no"], answered),
            ],
            [text(_("Not known")), count(checks["not_known"]), Cell(None, PERCENT)],
            [
                text(_("Checks due, not yet answered")),
                count(checks["waiting"]),
                Cell(None, PERCENT),
            ],
            [
                text(_("Closed cases followed for twelve months")),
                count(repeats["n"]),
                Cell(None, PERCENT),
            ],
            [
                text(_("Of those, with a repeat incident")),
                count(repeats["repeated"]),
                percent(repeats["repeated"], repeats["n"]),
            ],
        ],
        figures=["reoffending_rate", "repeat_incident_rate"],
        note=_(
            "The reoffending rate is the rate beside “Reoffended”; the repeat-incident rate is "
            "the rate beside “with a repeat incident”."
        ),
    )


# Facilitator time and cost ---------------------------------------------------------

RATE = "organisation__report_settings__hourly_rate"


def cost(orgs: list[int], f: ReportFilter) -> Table:
    minutes = (
        ContactLogEntry.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    found = (
        closed_cases(orgs, f)
        .annotate(case_minutes=Coalesce(Subquery(minutes, output_field=IntegerField()), 0))
        .aggregate(
            cases=Count("pk"),
            minutes=Sum("case_minutes"),
            priced=Sum(
                ExpressionWrapper(
                    F("case_minutes") * F(RATE),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                )
            ),
            unpriced=Count("pk", filter=Q(**{f"{RATE}__isnull": True})),
        )
    )
    n = found["cases"]
    hours = Decimal(found["minutes"] or 0) / 60
    per_case = hours / n if n else None
    cost_per_case = Decimal(found["priced"] or 0) / 60 / n if n and not found["unpriced"] else None
    cost_cell = measure(cost_per_case, MONEY, n)
    if n and found["unpriced"]:
        cost_cell = Cell(None, MONEY, base=(n,))
    return Table(
        key="cost",
        title=_("Facilitator time and cost"),
        columns=[Column(_("Figure")), Column(_("Value"), HOURS)],
        rows=[
            [text(_("Cases closed")), count(n)],
            [text(_("Facilitator hours in all")), measure(hours, HOURS, n)],
            [text(_("Facilitator hours per case")), measure(per_case, HOURS, n)],
            [text(_("Cost per case")), cost_cell],
        ],
        figures=["hours_per_case", "cost_per_case"],
        note=""
        if not (n and found["unpriced"])
        else _(
            "The cost is not shown: set the hourly cost of a facilitator in the report settings."
        ),
    )


# Funders' returns ------------------------------------------------------------------


def pcc_return(orgs: list[int], f: ReportFilter) -> Table:
    referred = referrals(orgs, f).aggregate(n=Count("pk"))["n"]
    supported = (
        Party.objects.filter(organisation_id__in=orgs, role=PartyRole.HARMED)
        .filter(f.case_q("case__"))
        .filter(
            Exists(
                ContactLogEntry.objects.filter(party=OuterRef("pk"), outcome__in=REACHED).filter(
                    f.during("contact_on")
                )
            )
        )
        .aggregate(n=Count("person", distinct=True))["n"]
    )
    feedback = (
        _feedback(orgs, f)
        .filter(party__role=PartyRole.HARMED)
        .aggregate(
            n=Count("pk"),
            satisfied=Count(
                "pk", filter=Q(satisfied__in=[Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED])
            ),
        )
    )
    time = (
        ContactLogEntry.objects.filter(organisation_id__in=orgs)
        .filter(f.case_q("case__"), f.during("contact_on"))
        .aggregate(
            total_minutes=Sum("minutes"),
            priced=Sum(
                ExpressionWrapper(
                    F("minutes") * F(RATE),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                )
            ),
            unpriced=Count("pk", filter=Q(**{f"{RATE}__isnull": True})),
            entries=Count("pk"),
        )
    )
    spend = None if time["unpriced"] else Decimal(time["priced"] or 0) / 60
    return Table(
        key="pcc_return",
        title=_("Police and Crime Commissioner victims’ grant return"),
        columns=[Column(_("Item")), Column(_("Value"), COUNT)],
        rows=[
            [text(_("Referrals received")), count(referred)],
            [text(_("Victims supported")), count(supported)],
            [text(_("Victims giving feedback")), count(feedback["n"])],
            [text(_("Victims satisfied")), percent(feedback["satisfied"], feedback["n"])],
            [text(_("Facilitator hours")), Cell(Decimal(time["total_minutes"] or 0) / 60, HOURS)],
            [text(_("Spend on facilitation")), Cell(spend, MONEY)],
        ],
        figures=["referrals", "victims_supported", "victim_satisfaction", "spend"],
        note=""
        if spend is not None
        else _("Spend is not shown: set the hourly cost of a facilitator in the report settings."),
    )


def yjb_measure(orgs: list[int], f: ReportFilter) -> Table:
    def same_person(party: str) -> Q:
        return Q(
            **{
                f"{party}__case__referral": OuterRef("referral"),
                f"{party}__person": OuterRef("person"),
                f"{party}__role": PartyRole.HARMED,
            }
        )

    attended = MeetingAttendee.objects.filter(
        same_person("party"), attended=True, meeting__status=MeetingStatus.HELD
    )
    exchanged = IndirectMessage.objects.filter(same_person("from_party") | same_person("to_party"))
    found = (
        ReferralPerson.objects.filter(
            organisation_id__in=orgs, role=PartyRole.HARMED, agreed_to_contact=Agreed.YES
        )
        .filter(f.referral_q("referral__"), f.during("referral__received_on"))
        .aggregate(
            consented=Count("pk"),
            engaged=Count("pk", filter=Q(Exists(attended)) | Q(Exists(exchanged))),
        )
    )
    return Table(
        key="yjb_measure",
        title=_("Youth Justice Board victims measure"),
        columns=[Column(_("Item")), Column(_("Value"), COUNT)],
        rows=[
            [text(_("Victims who consented to be contacted")), count(found["consented"])],
            [text(_("Victims engaged in restorative justice")), count(found["engaged"])],
            [
                text(_("Victims measure (engaged ÷ consented)")),
                percent(found["engaged"], found["consented"]),
            ],
        ],
        figures=["yjb_victims_consented", "yjb_victims_engaged", "yjb_measure"],
    )


def feedback_items(orgs: list[int], f: ReportFilter) -> Table:
    items = [
        (
            _("Satisfied or very satisfied"),
            "satisfied",
            [Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED],
        ),
        (_("Felt well prepared"), "well_prepared", [YesPartlyNo.YES]),
        (_("Felt listened to"), "listened_to", [YesPartlyNo.YES]),
        (_("Felt safe taking part"), "felt_safe", [YesPartlyNo.YES]),
        (_("Would recommend it"), "would_recommend", [YesNotSureNo.YES]),
    ]
    found = _feedback(orgs, f).aggregate(
        n=Count("pk"),
        **{f"n_{field}": Count("pk", filter=Q(**{f"{field}__in": yes})) for _, field, yes in items},
    )
    n = found["n"]
    return Table(
        key="feedback_items",
        title=_("Restorative Justice Council evaluation items"),
        columns=[
            Column(_("Item")),
            Column(_("Responses saying so")),
            Column(_("Per cent of responses"), PERCENT),
        ],
        rows=[
            [text(label), count(found[f"n_{field}"]), percent(found[f"n_{field}"], n)]
            for label, field, _ in items
        ],
        total=[text(_("Responses")), count(n), percent(n, n)],
        figures=["feedback_items", "satisfaction", "would_recommend"],
        chart_column=2,
    )


# Reports: which tables each page shows ---------------------------------------------

TableFunction = Callable[[list[int], ReportFilter], Table]


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    summary: str
    tables: tuple[TableFunction, ...]
    is_return: bool = False
    # The sectors whose organisations see it; empty: every organisation.
    sectors: tuple[str, ...] = ()


REPORTS: dict[str, Report] = {
    r.key: r
    for r in [
        Report(
            "referrals",
            _("Referrals"),
            _("Referrals received, by month, referring agency, sector and kind of harm."),
            (referrals_by_month, referrals_by_agency, referrals_by_sector, referrals_by_harm_type),
        ),
        Report(
            "funnel",
            _("From referral to agreement"),
            _("How far referrals went, and where and why they stopped."),
            (funnel, left_funnel),
        ),
        Report(
            "timeliness",
            _("Time taken"),
            _("Days from referral to first contact, to the meeting and to closure."),
            (timeliness,),
        ),
        Report(
            "actions",
            _("Agreement actions"),
            _("Actions done on time, late or not done."),
            (actions,),
        ),
        Report(
            "outcomes",
            _("Outcomes"),
            _("Satisfaction, recommendation, harm repaired and feeling of safety."),
            (satisfaction, would_recommend, harm_repaired, feeling_safe),
        ),
        Report(
            "prevented",
            _("Reoffending and repeat incidents"),
            _(
                "Reoffending twelve months after closure, and repeat incidents between the same people."
            ),
            (prevented,),
        ),
        Report("cost", _("Time and cost"), _("Facilitator hours and cost per case."), (cost,)),
        Report(
            "pcc",
            _("Police and Crime Commissioner return"),
            _("Referrals, victims supported, satisfaction and spend, for the victims’ grant."),
            (pcc_return,),
            is_return=True,
            sectors=(Sector.JUSTICE,),
        ),
        Report(
            "yjb",
            _("Youth Justice Board victims measure"),
            _(
                "Of the victims who consented to be contacted, the share who took part in "
                "restorative justice."
            ),
            (yjb_measure,),
            is_return=True,
            sectors=(Sector.JUSTICE,),
        ),
        Report(
            "rjc",
            _("Restorative Justice Council evaluation"),
            _(
                "Participants’ feedback on preparation, being heard, safety, satisfaction and "
                "recommendation, with harm repaired."
            ),
            (feedback_items, harm_repaired),
            is_return=True,
        ),
    ]
}


# The justice funders' returns and their own figures are for justice services alone: a
# school, a landlord or a prison has no Police and Crime Commissioner or Youth Justice Board
# return to make.
for _key in (
    "victims_supported",
    "victim_satisfaction",
    "yjb_victims_consented",
    "yjb_victims_engaged",
    "yjb_measure",
):
    FIGURES[_key] = replace(FIGURES[_key], sectors=(Sector.JUSTICE,))

# Sector measures defined in their own apps, registered here with the rest.
for _definition in housing_figures.FIGURE_DEFINITIONS:
    _figure(*_definition)
    FIGURES[_definition[0]] = replace(FIGURES[_definition[0]], sectors=(Sector.COMMUNITIES,))
REPORTS["housing"] = Report(
    "housing",
    _("Communities and housing measures"),
    _(
        "Anti-social behaviour cases per 1,000 homes (NM01), repeat complaints between the same "
        "households, tenancies sustained and escalation avoided."
    ),
    housing_figures.HOUSING_TABLES,
    sectors=(Sector.COMMUNITIES,),
)


def _sectors_of(orgs: list[int]) -> set[str]:

    rows = Organisation.objects.filter(pk__in=orgs).values_list("sectors", flat=True)
    return {sector for row in rows for sector in row or []}


def reports_for(orgs: list[int]) -> list[Report]:
    """The reports for these organisations: those of every sector, and those of a sector
    one of them works in (a prison's measures are no school's business)."""
    sectors = _sectors_of(orgs)
    return [r for r in REPORTS.values() if not r.sectors or sectors & set(r.sectors)]


def figures_for(orgs: list[int]) -> list[Figure]:
    """The figures defined for these organisations' reports, for the data dictionary."""
    sectors = _sectors_of(orgs)
    return [f for f in FIGURES.values() if not f.sectors or sectors & set(f.sectors)]


def build(report: Report, orgs: list[int], f: ReportFilter) -> list[Table]:
    """The report's tables, with the small-number rule applied."""
    tables = []
    for function in report.tables:
        tables.append(suppress(function(orgs, f)))
    return tables


def table_by_key(key: str, reports: list[Report] | None = None) -> TableFunction | None:
    """The table of that key among `reports` (every report when not given)."""
    for report in REPORTS.values() if reports is None else reports:
        for function in report.tables:
            if function.__name__ == key:
                return function
    return None


# Group work (amends.groups): circles and group programmes, counted apart from cases.
from amends.groups.figures import GROUP_FIGURES, group_work  # noqa: E402

for _group_figure in GROUP_FIGURES:
    _figure(*_group_figure)
REPORTS["groups"] = Report(
    "groups",
    _("Circles and group work"),
    _(
        "Proactive circles held and who took part, group programme sessions, attendance and "
        "completion, and cases opened from group work."
    ),
    (group_work,),
)
