"""Every allowed and refused change of a case, at the service layer."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from amends.cases import services
from amends.cases.models import CaseStatus, ClosureOutcome, PartyRole, RiskDecision, Side
from amends.cases.services import TRANSITIONS
from amends.core.models import Role
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    CaseFactory,
    ConsentRecordFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
)

TODAY = timezone.localdate


def open_case(org, alice, **kwargs):
    return services.case_open(
        organisation=org, by=alice, sector="justice", harm_summary="Shop window broken", **kwargs
    )


def test_case_references_count_up_per_organisation(org, other_org, alice, charlie):
    year = TODAY().year
    first, second = open_case(org, alice), open_case(org, alice)
    elsewhere = services.case_open(
        organisation=other_org, by=charlie, sector="schools", harm_summary="x"
    )
    assert first.reference == f"RJ-{year}-0001"
    assert second.reference == f"RJ-{year}-0002"
    assert elsewhere.reference == f"RJ-{year}-0001"
    assert first.events.get().summary == "Case opened"


ALL = [s.value for s in CaseStatus]


@pytest.mark.parametrize(
    ("start", "to"), [(a, b) for a in ALL for b in ALL if a != b and b != CaseStatus.CLOSED]
)
def test_status_moves_only_along_the_lifecycle(case, bob, start, to):
    case.status = start
    case.save()
    if to in TRANSITIONS[start]:
        services.case_move(case=case, to=to, by=bob)
        case.refresh_from_db()
        assert case.status == to
        assert case.events.filter(code="status_changed").exists()
    else:
        refusal = "is closed, so it cannot be changed" if start == "closed" else "cannot move from"
        with pytest.raises(ValidationError, match=refusal):
            services.case_move(case=case, to=to, by=bob)
        case.refresh_from_db()
        assert case.status == start


def test_allocation_checks_the_facilitators(case, org, alice, bob, rita):
    with pytest.raises(ValidationError) as refused:
        services.case_allocate(case=case, lead=rita, co=None, by=alice)
    assert "Choose a facilitator or coordinator" in str(refused.value)
    with pytest.raises(ValidationError, match="someone other than the lead"):
        services.case_allocate(case=case, lead=bob, co=bob, by=alice)
    second = MembershipFactory(organisation=org, role=Role.FACILITATOR).user
    services.case_allocate(case=case, lead=bob, co=second, by=alice)
    case.refresh_from_db()
    assert (case.lead_facilitator, case.co_facilitator) == (bob, second)


def test_parties_take_the_side_of_whom_they_support(case, bob, org):
    harmed = services.party_add(
        case=case, person=PersonFactory(organisation=org), role=PartyRole.HARMED, by=bob
    )
    supporter = services.party_add(
        case=case,
        person=PersonFactory(organisation=org),
        role=PartyRole.SUPPORTER,
        supports=harmed,
        by=bob,
    )
    professional = services.party_add(
        case=case, person=PersonFactory(organisation=org), role=PartyRole.PROFESSIONAL, by=bob
    )
    assert (harmed.side, supporter.side, professional.side) == (
        Side.HARMED,
        Side.HARMED,
        Side.COMMUNITY,
    )


def test_party_refusals(case, bob, org, other_org, harmed):
    with pytest.raises(ValidationError, match="Choose who they support"):
        services.party_add(
            case=case, person=PersonFactory(organisation=org), role=PartyRole.SUPPORTER, by=bob
        )
    with pytest.raises(ValidationError, match="is not a child"):
        services.party_add(
            case=case,
            person=PersonFactory(organisation=org),
            role=PartyRole.PARENT_CARER,
            supports=harmed,
            by=bob,
        )
    with pytest.raises(ValidationError, match="already in this case"):
        services.party_add(case=case, person=harmed.person, role=PartyRole.COMMUNITY, by=bob)
    with pytest.raises(ValidationError, match="this service's records"):
        services.party_add(
            case=case, person=PersonFactory(organisation=other_org), role=PartyRole.HARMED, by=bob
        )
    assert case.parties.count() == 1


def record(party, decision, by, given_by=None, days_ago=0):
    return services.consent_record(
        party=party,
        given_by=given_by or party,
        decision=decision,
        method="phone",
        decided_on=TODAY() - datetime.timedelta(days=days_ago),
        note="",
        by=by,
    )


def test_consent_is_derived_from_the_ledger(case, bob, harmed):
    assert services.consent_missing(harmed) == [f"{harmed.person.full_name}: has not given consent"]
    record(harmed, "given", bob, days_ago=2)
    assert services.consent_missing(harmed) == []
    record(harmed, "withdrawn", bob)
    assert services.consent_missing(harmed) == [f"{harmed.person.full_name}: consent is withdrawn"]
    assert harmed.consents.count() == 2  # history kept
    case.refresh_from_db()
    assert case.status == CaseStatus.PREPARING


def test_a_child_needs_a_parent_or_carer_as_well(case, bob, org):
    child = services.party_add(
        case=case,
        person=PersonFactory(organisation=org, is_child=True),
        role=PartyRole.RESPONSIBLE,
        by=bob,
    )
    parent = services.party_add(
        case=case,
        person=PersonFactory(organisation=org),
        role=PartyRole.PARENT_CARER,
        supports=child,
        by=bob,
    )
    record(child, "given", bob)
    assert services.consent_missing(child) == [
        f"{child.person.full_name} is a child: a parent or carer has not given consent"
    ]
    record(child, "given", bob, given_by=parent)
    assert services.consent_missing(child) == []


def test_consent_refusals(case, bob, harmed, responsible):
    with pytest.raises(ValidationError, match="themself or, for a child"):
        record(harmed, "given", bob, given_by=responsible)
    with pytest.raises(ValidationError, match="today or in the past"):
        record(harmed, "given", bob, days_ago=-1)
    assert not harmed.consents.exists()


def assess(case, by, **overrides):
    fields = {
        "acknowledgement": "full",
        "narrative": "Ready.",
        "mitigations": "",
        "decision": RiskDecision.SUITABLE,
        "assessed_on": TODAY(),
    } | overrides
    return services.risk_assess(
        case=case, by=by, loaded_version=services.risk_version(case), **fields
    )


def test_risk_assessment_rules(case, bob):
    with pytest.raises(ValidationError, match="List the mitigations"):
        assess(case, bob, decision=RiskDecision.SUITABLE_WITH_MITIGATIONS)
    with pytest.raises(ValidationError, match="need extra care"):
        assess(case, bob, stalking=True)
    assert not case.risk_assessments.exists()
    first = assess(case, bob)
    second = assess(case, bob, decision=RiskDecision.NOT_SUITABLE)
    assert services.risk_current(case) == second
    assert set(case.risk_assessments.all()) == {first, second}


def test_contact_log_adds_up_the_time(case, bob, harmed):
    services.contact_log(
        case=case, by=bob, kind="call", contact_on=TODAY(), minutes=25, party=harmed
    )
    services.contact_log(case=case, by=bob, kind="visit", contact_on=TODAY(), minutes=90)
    assert case.minutes_logged() == 115
    with pytest.raises(ValidationError) as refused:
        services.contact_log(
            case=case,
            by=bob,
            kind="call",
            contact_on=TODAY() + datetime.timedelta(days=1),
            minutes=0,
        )
    assert set(refused.value.message_dict) == {"contact_on", "minutes"}
    assert case.contacts.count() == 2


def test_closing_lists_the_open_actions(case, bob, org):
    action = AgreementActionFactory(
        organisation=org, agreement=AgreementFactory(organisation=org, case=case, agreed_on=TODAY())
    )
    case.status = CaseStatus.MONITORING
    case.save()
    with pytest.raises(ValidationError) as refused:
        services.case_close(case=case, outcome=ClosureOutcome.AGREEMENT_COMPLETED, note="", by=bob)
    assert f"due {action.due_on:%-d %B %Y}" in str(refused.value)
    action.status = "done"
    action.save()
    services.case_close(case=case, outcome=ClosureOutcome.AGREEMENT_COMPLETED, note="", by=bob)
    case.refresh_from_db()
    assert (
        case.status == CaseStatus.CLOSED
        and case.closure_outcome == ClosureOutcome.AGREEMENT_COMPLETED
    )


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (ClosureOutcome.AGREEMENT_COMPLETED, "no agreement to complete"),
        (ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT, "No meeting or exchange has been held"),
        ("vanished", "Choose an outcome"),
    ],
)
def test_closing_refusals(case, bob, outcome, message):
    with pytest.raises(ValidationError, match=message):
        services.case_close(case=case, outcome=outcome, note="", by=bob)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_not_proceeded_and_completed_without_agreement(org, bob):
    declined = CaseFactory(organisation=org, status=CaseStatus.PREPARING)
    services.case_close(case=declined, outcome=ClosureOutcome.HARMED_DECLINED, note="", by=bob)
    held = CaseFactory(organisation=org, status=CaseStatus.MEETING_ARRANGED)
    MeetingFactory(organisation=org, case=held, status="held", facilitator=bob)
    services.case_close(
        case=held, outcome=ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT, note="", by=bob
    )
    assert {declined.status, held.status} == {CaseStatus.CLOSED}


def test_monitoring_case_cannot_close_as_not_proceeded(case, bob):
    case.status = CaseStatus.MONITORING
    case.save()
    with pytest.raises(ValidationError, match="did proceed"):
        services.case_close(case=case, outcome=ClosureOutcome.WITHDRAWN, note="", by=bob)


def test_a_closed_case_refuses_changes(case, bob, harmed):
    services.case_close(case=case, outcome=ClosureOutcome.NO_CONTACT, note="", by=bob)
    with pytest.raises(ValidationError, match="is closed"):
        record(harmed, "given", bob)
    with pytest.raises(ValidationError, match="is closed"):
        services.case_close(case=case, outcome=ClosureOutcome.WITHDRAWN, note="", by=bob)


def test_meeting_needs_consent_and_risk(case, bob, harmed, responsible, org):
    from amends.meetings import services as meetings

    meeting = meetings.meeting_arrange(
        case=case,
        by=bob,
        process="conference",
        scheduled_at=timezone.now(),
        venue="Hall",
        facilitator=bob,
        co_facilitator=None,
        attendees=[harmed, responsible],
    )
    with pytest.raises(ValidationError) as refused:
        meetings.meeting_mark_held(meeting=meeting, by=bob, duration_minutes=60, outcome_notes="")
    text = str(refused.value)
    assert "has not given consent" in text and "no risk assessment" in text
    ConsentRecordFactory(organisation=org, party=harmed)
    ConsentRecordFactory(organisation=org, party=responsible)
    for party in (harmed, responsible):  # a conference is face to face
        ConsentRecordFactory(organisation=org, party=party, scope="direct_meeting")
    assess(case, bob, decision=RiskDecision.NOT_SUITABLE)
    with pytest.raises(ValidationError, match="found the case not suitable"):
        meetings.meeting_mark_held(meeting=meeting, by=bob, duration_minutes=60, outcome_notes="")
    assess(case, bob)
    meetings.meeting_mark_held(
        meeting=meeting, by=bob, duration_minutes=60, outcome_notes="Went well"
    )
    meeting.refresh_from_db()
    assert meeting.status == "held"


@pytest.mark.django_db(transaction=True)
def test_references_stay_unique_when_cases_open_at_the_same_moment(org, alice):
    """Two coordinators opening cases at once never get the same reference."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def open_some(_n):
        try:
            return [open_case(org, alice).reference for _ in range(5)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        refs = [ref for batch in pool.map(open_some, range(2)) for ref in batch]
    assert len(refs) == len(set(refs)) == 10
