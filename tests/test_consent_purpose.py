"""Each consent says what it is for; a face-to-face meeting needs consent to meet face to face."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from amends.cases import services
from amends.cases.models import ConsentRecord, PartyRole, ProcessType
from amends.meetings import services as meetings
from tests.factories import (
    MeetingAttendeeFactory,
    MeetingFactory,
    PartyFactory,
    PersonFactory,
    RiskAssessmentFactory,
)

TODAY = timezone.localdate()


def date_fields(name, day=TODAY):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def sian(case):
    person = PersonFactory(organisation=case.organisation, given_name="Siân", family_name="O'Brien")
    return PartyFactory(organisation=case.organisation, case=case, role="harmed", person=person)


@pytest.fixture
def lukasz(case):
    person = PersonFactory(organisation=case.organisation, given_name="Łukasz", family_name="Nowak")
    return PartyFactory(
        organisation=case.organisation, case=case, role="responsible", person=person
    )


def consent(party, scope, decision="given", by=None, given_by=None, days_ago=0):
    return services.consent_record(
        party=party,
        given_by=given_by or party,
        scope=scope,
        decision=decision,
        method="in_person",
        decided_on=TODAY - datetime.timedelta(days=days_ago),
        note="",
        by=by or party.case.lead_facilitator,
    )


def test_the_facilitator_records_what_consent_is_for(as_bob, case, sian):
    url = reverse("cases:consent", args=[case.pk])
    response = as_bob.post(
        url,
        {
            "party": sian.pk,
            "given_by": sian.pk,
            "scope": "direct_meeting",
            "decision": "given",
            "method": "in_person",
            **date_fields("decided_on"),
        },
    )
    assert response.status_code == 302
    assert ConsentRecord.objects.get().scope == "direct_meeting"
    ledger = as_bob.get(url).content.decode()
    assert "A direct (face-to-face) meeting" in ledger
    party_page = as_bob.get(reverse("cases:party", args=[case.pk, sian.pk])).content.decode()
    assert "A direct (face-to-face) meeting" in party_page
    timeline = as_bob.get(reverse("cases:timeline", args=[case.pk])).content.decode()
    assert "Consent given: Siân O&#x27;Brien (a direct (face-to-face) meeting)" in timeline


def test_what_it_is_for_must_be_chosen(as_bob, case, sian):
    response = as_bob.post(
        reverse("cases:consent", args=[case.pk]),
        {
            "party": sian.pk,
            "given_by": sian.pk,
            "decision": "given",
            "method": "phone",
            **date_fields("decided_on"),
        },
    )
    assert response.content.decode().count("Choose what the consent is for") == 2
    assert not ConsentRecord.objects.exists()


def test_a_direct_meeting_needs_consent_to_a_direct_meeting(case, sian):
    consent(sian, "take_part")
    assert services.consent_missing(sian) == []  # enough for the case to go on
    assert services.consent_missing(sian, process=ProcessType.SHUTTLE) == []
    assert services.consent_missing(sian, process=ProcessType.CONFERENCE) == [
        "Siân O'Brien: has not agreed to a direct meeting"
    ]
    consent(sian, "direct_meeting")
    assert services.consent_missing(sian, process=ProcessType.CONFERENCE) == []


def test_the_latest_choice_between_direct_and_indirect_stands(case, sian):
    consent(sian, "take_part", days_ago=10)
    consent(sian, "direct_meeting", days_ago=10)
    consent(sian, "indirect_only", days_ago=2)
    assert services.consent_missing(sian, process=ProcessType.MEDIATION_DIRECT) == [
        "Siân O'Brien: has agreed to indirect contact only, not a direct meeting"
    ]
    assert services.consent_missing(sian, process=ProcessType.LETTER_EXCHANGE) == []
    consent(sian, "direct_meeting")
    assert services.consent_missing(sian, process=ProcessType.MEDIATION_DIRECT) == []
    consent(sian, "direct_meeting", decision="withdrawn")
    assert services.consent_missing(sian, process=ProcessType.MEDIATION_DIRECT) == [
        "Siân O'Brien: consent to a direct meeting is withdrawn"
    ]


def test_consent_to_a_direct_meeting_is_not_consent_to_take_part(case, sian):
    consent(sian, "direct_meeting")
    consent(sian, "share_information")
    assert services.consent_missing(sian, process=ProcessType.CONFERENCE) == [
        "Siân O'Brien: has not given consent"
    ]


def test_a_child_meets_face_to_face_only_with_a_parents_agreement_too(case, org):
    child = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.RESPONSIBLE,
        person=PersonFactory(organisation=org, given_name="Ffion", is_child=True),
    )
    carer = PartyFactory(organisation=org, case=case, role=PartyRole.PARENT_CARER, supports=child)
    for scope in ("take_part", "direct_meeting"):
        consent(child, scope)
    consent(child, "take_part", given_by=carer)
    assert services.consent_missing(child, process=ProcessType.CONFERENCE) == [
        f"{child.person.full_name} is a child: a parent or carer has not agreed to a direct meeting"
    ]
    consent(child, "direct_meeting", given_by=carer)
    assert services.consent_missing(child, process=ProcessType.CONFERENCE) == []


@pytest.mark.parametrize(
    ("process", "held"),
    [(ProcessType.CONFERENCE, False), (ProcessType.SHUTTLE, True)],
)
def test_marking_a_meeting_held_reads_what_consent_is_for(case, bob, sian, lukasz, process, held):
    for party in (sian, lukasz):
        consent(party, "take_part")
    RiskAssessmentFactory(organisation=case.organisation, case=case)
    meeting = MeetingFactory(
        organisation=case.organisation,
        case=case,
        facilitator=bob,
        process=process,
        scheduled_at=timezone.now() - datetime.timedelta(hours=2),
    )
    for party in (sian, lukasz):
        MeetingAttendeeFactory(organisation=case.organisation, meeting=meeting, party=party)
    if held:
        meetings.meeting_mark_held(
            meeting=meeting, by=bob, duration_minutes=45, outcome_notes="Messages carried"
        )
        meeting.refresh_from_db()
        assert meeting.status == "held"
    else:
        with pytest.raises(ValidationError) as refused:
            meetings.meeting_mark_held(
                meeting=meeting, by=bob, duration_minutes=45, outcome_notes=""
            )
        assert "Siân O'Brien: has not agreed to a direct meeting" in str(refused.value)
        assert "Łukasz Nowak: has not agreed to a direct meeting" in str(refused.value)


def test_another_organisation_cannot_record_consent(as_charlie, case, sian):
    response = as_charlie.post(
        reverse("cases:consent", args=[case.pk]),
        {"party": sian.pk, "given_by": sian.pk, "scope": "take_part", "decision": "given"},
    )
    assert response.status_code == 404
    assert not ConsentRecord.objects.exists()
