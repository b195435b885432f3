"""Report figures against a fixture whose answers were worked out by hand.

The fixture (Northbridge, first quarter of 2026):

  referrals   Jan: 7 from Northbridge Police (6 accepted, 1 declined "not suitable")
              Feb: 2 from Victim Support (1 declined "outside remit", 1 waiting)
  cases       A  consents, meeting held 30 Jan, agreement, closed "agreement completed" 1 Mar
              B  consents, meeting held 9 Feb, agreement, closed "agreement completed" 11 Mar
              C  consents, meeting held 19 Feb, agreement, still monitoring
              D  consents, meeting held 1 Mar, closed "completed without agreement" 21 Mar
              E  only the harmed person consents; closed "responsible declined" 31 Mar
              F  nothing yet
  first reached (all referred 10 Jan): A 12 Jan (2 days), B 14 (4), C 16 (6), D 18 (8),
              E 20 (10; an unanswered call on 11 Jan does not count)
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from amends.agreements.models import ActionStatus
from amends.cases.models import CaseStatus, ClosureOutcome, ContactOutcome, PartyRole
from amends.meetings.models import MeetingStatus
from amends.outcomes.models import FeedbackResponse, HarmMeasure, HarmRating, Stage
from amends.referrals.models import ReferralStatus
from amends.reports.figures import (
    actions,
    cost,
    funnel,
    left_funnel,
    referrals_by_agency,
    referrals_by_month,
    timeliness,
)
from amends.reports.filters import ReportFilter
from amends.reports.models import ReportSettings
from amends.reports.sql import percentiles
from amends.reports.tables import (
    FEWER_THAN_5,
    HIDDEN,
    Column,
    Table,
    count,
    percent,
    suppress,
    text,
)
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    CaseFactory,
    ConsentRecordFactory,
    ContactLogEntryFactory,
    MeetingFactory,
    PartyFactory,
    ReferralFactory,
)

D = datetime.date
Q1 = ReportFilter(start=D(2026, 1, 1), end=D(2026, 3, 31))


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)


def shown(table: Table) -> list[list[str]]:
    return [[cell.display() for cell in row] for row in table.all_rows()]


@pytest.fixture
def quarter(org):
    received = D(2026, 1, 10)
    cases = {}
    for letter in "ABCDEF":
        referral = ReferralFactory(
            organisation=org,
            received_on=received,
            source_agency="Northbridge Police",
            status=ReferralStatus.ACCEPTED,
        )
        case = CaseFactory(organisation=org, referral=referral, reference=f"RJ-{letter}")
        harmed = PartyFactory(organisation=org, case=case, role=PartyRole.HARMED)
        responsible = PartyFactory(organisation=org, case=case, role=PartyRole.RESPONSIBLE)
        cases[letter] = (case, harmed, responsible)
    ReferralFactory(
        organisation=org,
        received_on=received,
        status=ReferralStatus.DECLINED,
        decline_reason="not_suitable",
    )
    ReferralFactory(
        organisation=org,
        received_on=D(2026, 2, 5),
        source_agency="Victim Support",
        status=ReferralStatus.DECLINED,
        decline_reason="outside_remit",
    )
    ReferralFactory(organisation=org, received_on=D(2026, 2, 5), source_agency="Victim Support")
    for letter in "ABCD":
        _, harmed, responsible = cases[letter]
        ConsentRecordFactory(organisation=org, party=harmed)
        ConsentRecordFactory(organisation=org, party=responsible)
    ConsentRecordFactory(organisation=org, party=cases["E"][1])
    for letter, held in zip(
        "ABCD", [D(2026, 1, 30), D(2026, 2, 9), D(2026, 2, 19), D(2026, 3, 1)], strict=True
    ):
        MeetingFactory(
            organisation=org,
            case=cases[letter][0],
            status=MeetingStatus.HELD,
            scheduled_at=at(held),
            held_at=at(held),
        )
    for letter in "ABC":
        AgreementFactory(organisation=org, case=cases[letter][0], agreed_on=D(2026, 2, 20))
    closures = {
        "A": (D(2026, 3, 1), ClosureOutcome.AGREEMENT_COMPLETED),
        "B": (D(2026, 3, 11), ClosureOutcome.AGREEMENT_COMPLETED),
        "D": (D(2026, 3, 21), ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT),
        "E": (D(2026, 3, 31), ClosureOutcome.RESPONSIBLE_DECLINED),
    }
    for letter, (day, outcome) in closures.items():
        case = cases[letter][0]
        case.status, case.closed_at, case.closure_outcome = CaseStatus.CLOSED, at(day), outcome
        case.save()
    for letter, day, minutes in [
        ("A", 12, 120),
        ("B", 14, 60),
        ("C", 16, 30),
        ("D", 18, 45),
        ("E", 20, 15),
    ]:
        ContactLogEntryFactory(
            organisation=org,
            case=cases[letter][0],
            party=cases[letter][1],
            contact_on=D(2026, 1, day),
            minutes=minutes,
            outcome=ContactOutcome.REACHED,
        )
    ContactLogEntryFactory(
        organisation=org,
        case=cases["E"][0],
        contact_on=D(2026, 1, 11),
        minutes=5,
        outcome=ContactOutcome.NO_ANSWER,
    )
    return cases


def test_referrals_by_month_hide_a_small_month_and_the_next_smallest(org, quarter):
    table = suppress(referrals_by_month([org.pk], Q1))
    assert shown(table) == [
        ["January 2026", HIDDEN],
        ["February 2026", FEWER_THAN_5],
        ["March 2026", "0"],
        ["Total", "9"],
    ]


def test_referrals_by_agency(org, quarter):
    assert shown(suppress(referrals_by_agency([org.pk], Q1))) == [
        ["Northbridge Police", HIDDEN],
        ["Victim Support", FEWER_THAN_5],
        ["Total", "9"],
    ]


def test_funnel_counts_each_step_reached_with_every_step_before(org, quarter):
    table = funnel([org.pk], Q1)
    raw = [[row[0].value, row[1].value] for row in table.rows]
    assert raw == [
        ["Referred", 9],
        ["Accepted", 6],
        ["All parties consented", 4],
        ["Meeting held", 4],
        ["Agreement made", 3],
        ["Agreement completed", 2],
    ]
    suppress(table)
    assert shown(table)[0] == ["Referred", "9", "100%"]
    assert shown(table)[2] == ["All parties consented", FEWER_THAN_5, FEWER_THAN_5]


def test_where_and_why_referrals_left(org, quarter):
    table = left_funnel([org.pk], Q1)
    raw = {row[0].value: row[1].value for row in table.rows if row[1].value}
    assert raw == {
        "Declined at triage: Not suitable for a restorative process": 1,
        "Declined at triage: Outside what this service covers": 1,
        "Waiting for triage": 1,
        "Not proceeded: person responsible declined": 1,
        "Process completed without an agreement": 1,
        "Case still in progress": 2,
    }
    assert table.total[1].value == 7
    suppress(table)
    assert table.total[1].display() == "7"  # several hidden: none can be worked out


def test_time_to_first_contact_median_and_90th_percentile(org, quarter):
    table = suppress(timeliness([org.pk], Q1))
    assert shown(table) == [
        ["Referral to first contact", "5", "6", "10"],
        ["Referral to meeting", FEWER_THAN_5, FEWER_THAN_5, FEWER_THAN_5],
        ["Referral to closure", FEWER_THAN_5, FEWER_THAN_5, FEWER_THAN_5],
    ]


def test_unsuppressed_durations(org, quarter):
    table = timeliness([org.pk], Q1)
    meeting, closure = table.rows[1], table.rows[2]
    # Meetings 20, 30, 40, 50 days after referral; closures 50, 60, 70, 80.
    assert [c.value for c in meeting[1:]] == [4, 30, 50]
    assert [c.value for c in closure[1:]] == [4, 60, 80]


def test_percentiles_nearest_rank_in_one_query(org, django_assert_num_queries):
    from amends.cases.models import Case

    for n in range(1, 11):
        CaseFactory(organisation=org, incident_date=D(2026, 1, 1) + datetime.timedelta(days=n))
    from amends.reports.sql import DaysBetween

    qs = Case.objects.filter(organisation=org).annotate(
        days=DaysBetween("incident_date", "created_at")
    )
    with django_assert_num_queries(1):
        qs2 = Case.objects.filter(organisation=org).annotate(
            days=DaysBetween("incident_date", "opened_on")
        )
        found = percentiles(qs2, "days", (50, 90, 100))
    assert qs.exists()
    days = sorted(
        (c.incident_date - c.opened_on).days for c in Case.objects.filter(organisation=org)
    )
    assert found == {"n": 10, "p50": days[4], "p90": days[8], "p100": days[9]}


def test_actions_on_time_late_not_done(org, quarter):
    agreement = quarter["A"][0].agreement
    due = D(2026, 2, 28)
    made = [
        (ActionStatus.DONE, D(2026, 2, 27)),
        (ActionStatus.DONE, D(2026, 2, 28)),
        (ActionStatus.DONE, None),
        (ActionStatus.DONE, D(2026, 3, 2)),
        (ActionStatus.NOT_DONE, D(2026, 3, 2)),
    ] + [(ActionStatus.DONE, D(2026, 2, 1))] * 3
    for status, resolved in made:
        AgreementActionFactory(
            organisation=org,
            agreement=agreement,
            owner=quarter["A"][2],
            due_on=due,
            status=status,
            resolved_on=resolved,
        )
    AgreementActionFactory(  # due outside the period: not counted
        organisation=org, agreement=agreement, owner=quarter["A"][2], due_on=D(2026, 4, 2)
    )
    table = actions([org.pk], Q1)
    assert [row[1].value for row in table.rows] == [6, 1, 0, 1, 0, 0, 0]
    suppress(table)
    assert shown(table)[0] == ["Done on time", "6", FEWER_THAN_5]  # 6 of 8 says 2 were not
    assert shown(table)[1][1] == FEWER_THAN_5
    assert shown(table)[-1][1] == "8"


def test_cost_per_case_from_the_contact_log_at_the_hourly_rate(org, quarter):
    # Closed in the quarter: A (120 min), B (60), D (45), E (15 + 5) = 245 minutes, 4 cases.
    table = cost([org.pk], Q1)
    values = [row[1].value for row in table.rows]
    assert values[0] == 4
    assert values[1] == Decimal(245) / 60
    assert values[2] == Decimal(245) / 60 / 4
    assert values[3] is None  # no hourly cost set
    ReportSettings.objects.create(organisation=org, hourly_rate=Decimal("30.00"))
    table = cost([org.pk], Q1)
    assert table.rows[3][1].value == Decimal("30.00") * 245 / 60 / 4
    suppress(table)
    assert table.rows[3][1].display() == FEWER_THAN_5  # four cases only


def test_an_empty_period(org, quarter):
    empty = ReportFilter(start=D(2025, 1, 1), end=D(2025, 3, 31))
    assert shown(suppress(funnel([org.pk], empty)))[0] == ["Referred", "0", "no data"]
    assert shown(suppress(timeliness([org.pk], empty)))[0] == [
        "Referral to first contact",
        "0",
        "no data",
        "no data",
    ]
    assert shown(suppress(referrals_by_month([org.pk], empty)))[-1] == ["Total", "0"]


def test_a_single_case_shows_only_fewer_than_5(org):
    referral = ReferralFactory(organisation=org, received_on=D(2026, 1, 10))
    CaseFactory(organisation=org, referral=referral)
    table = suppress(funnel([org.pk], Q1))
    assert shown(table)[0] == ["Referred", FEWER_THAN_5, FEWER_THAN_5]


def test_a_small_total_is_hidden_as_well():
    table = Table(
        key="t",
        title="t",
        columns=[Column("Kind"), Column("n", sums=True)],
        rows=[[text("a"), count(3)], [text("b"), count(0)]],
        total=[text("Total"), count(3)],
    )
    assert shown(suppress(table)) == [["a", FEWER_THAN_5], ["b", "0"], ["Total", FEWER_THAN_5]]


def test_a_percentage_of_a_small_count_is_hidden():
    table = Table(
        key="t",
        title="t",
        columns=[Column("x"), Column("%")],
        rows=[[text("x"), percent(3, 50)], [text("y"), percent(10, 50)]],
    )
    assert shown(suppress(table)) == [["x", FEWER_THAN_5], ["y", "20%"]]


def test_no_person_is_named_in_a_report_page(org, quarter, as_alice):
    person = quarter["A"][1].person
    for page in [
        "referrals",
        "funnel",
        "timeliness",
        "actions",
        "outcomes",
        "cost",
        "pcc",
        "yjb",
        "rjc",
    ]:
        response = as_alice.get(
            f"/reports/{page}/?start_0=1&start_1=1&start_2=2026&end_0=31&end_1=3&end_2=2026"
        )
        assert response.status_code == 200, page
        body = response.content.decode()
        assert person.family_name not in body
        assert "RJ-A" not in body


def test_feedback_and_harm_tables_count_what_was_answered(org, quarter):
    from amends.reports.figures import feedback_items, harm_repaired, satisfaction

    case, harmed, _ = quarter["A"]
    for _ in range(6):
        FeedbackResponse.objects.create(
            organisation=org,
            case=case,
            party=harmed,
            answered_how="online",
            answered_on=D(2026, 3, 2),
            satisfied="very_satisfied",
            well_prepared="yes",
            listened_to="yes",
            felt_safe="partly",
            would_recommend="yes",
            harm_put_right=8,
        )
    assert satisfaction([org.pk], Q1).rows[0][1].value == 6
    items = suppress(feedback_items([org.pk], Q1))
    assert shown(items)[3] == ["Felt safe taking part", "0", "0%"]
    assert shown(items)[0] == ["Satisfied or very satisfied", "6", "100%"]
    for n, (letter, first, last) in enumerate([("A", 9, 2), ("B", 8, 8), ("D", 7, 2)]):
        _, party, _ = quarter[letter]
        for stage, rating in ((Stage.FIRST_CONTACT, first), (Stage.CLOSURE, last)):
            measure = HarmMeasure.objects.create(
                organisation=org,
                case=party.case,
                party=party,
                stage=stage,
                answered_on=D(2026, 1, 20 + n),
                question_set_version=1,
            )
            HarmRating.objects.create(
                organisation=org,
                measure=measure,
                case=party.case,
                party=party,
                question_key="still_affects",
                question="q",
                low_label="l",
                high_label="h",
                position=0,
                rating=rating,
            )
    table = harm_repaired([org.pk], Q1)
    # Repaired: A 7, B 0, D 5 → bands: no change 1, 5-6 1, 7-10 1; median 5.
    assert [row[1].value for row in table.rows] == [0, 1, 0, 0, 1, 1]
    assert table.summary[0][1].value == 5
    assert suppress(table).summary[0][1].display() == FEWER_THAN_5


def test_reoffending_and_repeat_incident_rates(org):
    from amends.outcomes.models import ReoffendingCheck
    from amends.reports.figures import prevented

    def closed_case(day, harmed=None, responsible=None):
        case = CaseFactory(
            organisation=org,
            status=CaseStatus.CLOSED,
            closed_at=at(day),
            closure_outcome=ClosureOutcome.AGREEMENT_COMPLETED,
        )
        h = PartyFactory(
            organisation=org,
            case=case,
            role=PartyRole.HARMED,
            **({"person": harmed} if harmed else {}),
        )
        r = PartyFactory(
            organisation=org,
            case=case,
            role=PartyRole.RESPONSIBLE,
            **({"person": responsible} if responsible else {}),
        )
        return case, h, r

    # Closed in the first quarter of 2025: followed for twelve months by the end of Q1 2026.
    first, harmed, responsible = closed_case(D(2025, 2, 1))
    others = [closed_case(D(2025, 3, n))[0] for n in range(1, 6)]
    later = CaseFactory(
        organisation=org,
        referral=ReferralFactory(organisation=org, received_on=D(2025, 6, 1)),
        opened_on=D(2025, 6, 1),
    )
    PartyFactory(organisation=org, case=later, role=PartyRole.HARMED, person=harmed.person)
    PartyFactory(
        organisation=org, case=later, role=PartyRole.RESPONSIBLE, person=responsible.person
    )
    closed_case(D(2025, 6, 1))  # closed outside the window: not followed in this period
    answers = ["yes", "no", "no", "no", "no", "no"]
    for case, answer in zip([first, *others], answers, strict=True):
        ReoffendingCheck.objects.create(
            organisation=org, case=case, due_on=D(2026, 2, 1), answer=answer, source="PNC check"
        )
    unknown, _, _ = closed_case(D(2025, 1, 20))
    ReoffendingCheck.objects.create(
        organisation=org, case=unknown, due_on=D(2026, 1, 20), answer="not_known", source="YOT"
    )
    table = prevented([org.pk], Q1)
    raw = [[c.value for c in row[1:]] for row in table.rows]
    assert raw[0] == [1, pytest.approx(1 / 6)]  # reoffended: 1 of 6 answered yes or no
    assert raw[1] == [5, pytest.approx(5 / 6)]
    assert raw[2][0] == 1  # not known, shown apart
    assert raw[4][0] == 7  # closed in Q1 2025: first, five others, and the not-known one
    assert raw[5] == [1, pytest.approx(1 / 7)]
    suppress(table)
    assert table.rows[5][2].display() == FEWER_THAN_5


def test_yjb_victims_measure_engaged_over_consented_to_contact(org):
    from amends.meetings.models import MeetingAttendee
    from amends.reports.figures import yjb_measure
    from tests.factories import PersonFactory, ReferralPersonFactory

    referral = ReferralFactory(
        organisation=org, received_on=D(2026, 2, 1), status=ReferralStatus.ACCEPTED
    )
    case = CaseFactory(organisation=org, referral=referral)
    met, written, declined = (PersonFactory(organisation=org) for _ in range(3))
    for person, agreed in ((met, "yes"), (written, "yes"), (declined, "no")):
        ReferralPersonFactory(
            organisation=org,
            referral=referral,
            person=person,
            role="harmed",
            agreed_to_contact=agreed,
        )
    met_party = PartyFactory(organisation=org, case=case, person=met, role=PartyRole.HARMED)
    PartyFactory(organisation=org, case=case, person=written, role=PartyRole.HARMED)
    meeting = MeetingFactory(
        organisation=org, case=case, status=MeetingStatus.HELD, held_at=at(D(2026, 3, 1))
    )
    MeetingAttendee.objects.create(
        organisation=org, meeting=meeting, case=case, party=met_party, attended=True
    )
    table = yjb_measure([org.pk], Q1)
    assert [row[1].value for row in table.rows] == [2, 1, 0.5]


def test_pcc_return(org, quarter):
    from amends.reports.figures import pcc_return

    ReportSettings.objects.create(organisation=org, hourly_rate=Decimal("30.00"))
    table = pcc_return([org.pk], Q1)
    values = [row[1].value for row in table.rows]
    # 9 referrals; 5 harmed people reached (A to E); no feedback; contacts in the
    # quarter 120 + 60 + 30 + 45 + 15 + 5 = 275 minutes; at £30 an hour, £137.50.
    assert values[0] == 9 and values[1] == 5 and values[2] == 0
    assert values[4] == Decimal(275) / 60
    assert values[5] == Decimal("137.50")
