"""Facilitators arrange meetings, hold them only when it is safe and voluntary, and facilitate them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from amends.agreements.models import AgreementAction
from amends.cases.models import CaseStatus, ConsentDecision, PartyRole, ProcessType, RiskDecision
from amends.meetings.models import IndirectMessage, Meeting, MeetingStatus
from tests.factories import (
    CaseFactory,
    ConsentRecordFactory,
    MeetingAttendeeFactory,
    MeetingFactory,
    PartyFactory,
    PersonFactory,
    RiskAssessmentFactory,
)

# Helpers shared with test_agreements.py -------------------------------------------------


def consent(party, given_by=None, decision=ConsentDecision.GIVEN, scope="take_part"):
    return ConsentRecordFactory(
        organisation=party.organisation,
        party=party,
        case=party.case,
        given_by=given_by or party,
        decision=decision,
        scope=scope,
    )


def make_ready(case, *parties):
    """Current consent from each party (to take part and to meet face to face) and a risk
    assessment that allows a meeting."""
    for party in parties:
        consent(party)
        consent(party, scope="direct_meeting")
    RiskAssessmentFactory(organisation=case.organisation, case=case)


def arranged_meeting(case, *parties, **kwargs):
    meeting = MeetingFactory(
        organisation=case.organisation, case=case, facilitator=case.lead_facilitator, **kwargs
    )
    for party in parties:
        MeetingAttendeeFactory(organisation=case.organisation, meeting=meeting, party=party)
    return meeting


def page_text(response) -> str:
    return response.content.decode()


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def meeting(case, harmed, responsible):
    return arranged_meeting(case, harmed, responsible)


# Arranging -------------------------------------------------------------------------


def arrange_data(harmed, responsible, bob, **overrides):
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "process": ProcessType.CONFERENCE,
        **date_fields("date", next_week),
        "time": "14:30",
        "venue": "Northbridge Community Centre",
        "facilitator": str(bob.pk),
        "co_facilitator": "",
        "attendees": [str(harmed.pk), str(responsible.pk)],
    }
    data.update(overrides)
    return data


def test_facilitator_arranges_a_meeting_with_the_case_parties(
    as_bob, bob, case, harmed, responsible
):
    response = as_bob.post(
        reverse("meetings:arrange", args=[case.pk]), arrange_data(harmed, responsible, bob)
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert timezone.localtime(meeting.scheduled_at).strftime("%H:%M") == "14:30"
    assert {a.party for a in meeting.attendees.all()} == {harmed, responsible}
    case.refresh_from_db()
    assert case.status == CaseStatus.MEETING_ARRANGED


def test_the_arrange_form_offers_the_case_facilitators_and_parties(
    as_bob, case, harmed, responsible
):
    page = page_text(as_bob.get(reverse("meetings:arrange", args=[case.pk])))
    assert "Bob Barraclough" in page
    assert harmed.person.full_name in page
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date</legend>' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"attendees": []}, "attendees", "Select who will take part"),
        ({"time": "half two"}, "time", "Enter the time using the 24-hour clock, like 14:30"),
        ({"time": "25:00"}, "time", "Enter the time using the 24-hour clock"),
        (
            date_fields("date", datetime.date.today() - datetime.timedelta(days=1)),
            "date",
            "Date must be today or in the future",
        ),
        ({"date_1": ""}, "date", "Date must include a month"),
        ({"process": ""}, "process", "Select the process"),
    ],
)
def test_bad_arrangements_are_refused_at_the_field(
    as_bob, bob, case, harmed, responsible, overrides, field, message
):
    response = as_bob.post(
        reverse("meetings:arrange", args=[case.pk]),
        arrange_data(harmed, responsible, bob, **overrides),
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in page_text(response)
    assert not Meeting.objects.exists()


def test_only_the_case_facilitators_can_facilitate(as_bob, bob, dee, case, harmed, responsible):
    response = as_bob.post(
        reverse("meetings:arrange", args=[case.pk]),
        arrange_data(harmed, responsible, bob, facilitator=str(dee.pk)),
    )
    assert (
        "Select one of the case's facilitators" in response.context["form"].errors["facilitator"][0]
    )
    response = as_bob.post(
        reverse("meetings:arrange", args=[case.pk]),
        arrange_data(harmed, responsible, bob, co_facilitator=str(bob.pk)),
    )
    assert response.context["form"].errors["co_facilitator"] == [
        "The co-facilitator must be someone other than the lead"
    ]
    assert not Meeting.objects.exists()


def test_people_from_another_case_cannot_be_invited(as_bob, bob, org, case, harmed, responsible):
    stranger = PartyFactory(organisation=org)
    response = as_bob.post(
        reverse("meetings:arrange", args=[case.pk]),
        arrange_data(harmed, responsible, bob, attendees=[str(stranger.pk)]),
    )
    assert "Select people in this case" in response.context["form"].errors["attendees"][0]
    assert not Meeting.objects.exists()


def test_no_meeting_is_arranged_on_a_closed_case(as_bob, bob, case, harmed, responsible):
    case.status = CaseStatus.CLOSED
    case.save()
    response = as_bob.post(
        reverse("meetings:arrange", args=[case.pk]), arrange_data(harmed, responsible, bob)
    )
    assert f"{case.reference} is closed, so no meeting can be arranged." in page_text(response)
    assert not Meeting.objects.exists()


# Who may open meeting pages ----------------------------------------------------------


def meeting_urls(meeting):
    return [
        reverse("meetings:arrange", args=[meeting.case_id]),
        *(
            reverse(f"meetings:{name}", args=[meeting.pk])
            for name in (
                "detail",
                "mark_held",
                "cancel",
                "message_add",
                "facilitate",
                "notes",
                "facilitate_action_add",
            )
        ),
    ]


def test_coordinator_and_lead_facilitator_open_the_meeting(as_alice, as_bob, meeting):
    for client in (as_alice, as_bob):
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
        assert client.get(reverse("meetings:facilitate", args=[meeting.pk])).status_code == 200


def test_co_facilitator_opens_the_meeting(as_dee, dee, case, meeting):
    case.co_facilitator = dee
    case.save()
    assert as_dee.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["as_dee", "as_rita", "as_vera"])
def test_others_in_the_organisation_get_404_and_change_nothing(request, persona, meeting):
    client = request.getfixturevalue(persona)
    for url in meeting_urls(meeting):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"stage": "what_happened"}).status_code == 404, url
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ARRANGED
    assert meeting.what_happened == ""
    assert Meeting.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, meeting):
    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# Holding a meeting: only with current consent and a risk assessment allowing it -----------


def mark_held(client, meeting, notes="Both spoke; an apology was given."):
    return client.post(reverse("meetings:mark_held", args=[meeting.pk]), {"outcome_notes": notes})


def test_a_ready_meeting_is_marked_as_held(as_bob, case, harmed, responsible, meeting):
    make_ready(case, harmed, responsible)
    page = page_text(as_bob.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "Yes: everyone taking part has current consent" in page
    response = mark_held(as_bob, meeting)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.outcome_notes == "Both spoke; an apology was given."


def assert_refused(client, meeting, *reasons):
    page = page_text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    for reason in reasons:
        assert reason in page, "the readiness list should say why"
    response = mark_held(client, meeting)
    assert response.status_code == 200
    errors = response.context["held_form"].non_field_errors()
    assert errors[0].startswith("The meeting cannot be marked as held:")
    page = page_text(response)
    assert 'id="mark-held-error"' in page
    for reason in reasons:
        assert reason in errors[0]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ARRANGED
    assert meeting.held_at is None
    assert meeting.outcome_notes == ""


def test_not_held_without_the_harmed_persons_consent(as_bob, case, harmed, responsible, meeting):
    make_ready(case, responsible)
    assert_refused(as_bob, meeting, f"{harmed.person.full_name}: has not given consent")


def test_not_held_when_consent_was_withdrawn(as_bob, case, harmed, responsible, meeting):
    make_ready(case, harmed, responsible)
    consent(responsible, decision=ConsentDecision.WITHDRAWN)
    assert_refused(as_bob, meeting, f"{responsible.person.full_name}: consent is withdrawn")


def test_a_child_needs_a_parent_or_carers_consent_too(as_bob, org, case, harmed):
    child = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.RESPONSIBLE,
        person=PersonFactory(organisation=org, is_child=True),
    )
    carer = PartyFactory(organisation=org, case=case, role=PartyRole.PARENT_CARER, supports=child)
    meeting = arranged_meeting(case, harmed, child, carer)
    make_ready(case, harmed, child, carer)
    assert_refused(
        as_bob,
        meeting,
        f"{child.person.full_name} is a child: a parent or carer has not given consent",
    )
    consent(child, given_by=carer)
    consent(child, given_by=carer, scope="direct_meeting")
    assert mark_held(as_bob, meeting).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_not_held_without_a_risk_assessment(as_bob, case, harmed, responsible, meeting):
    consent(harmed)
    consent(responsible)
    assert_refused(as_bob, meeting, "There is no risk assessment for this case")


def test_not_held_when_the_current_risk_assessment_says_not_suitable(
    as_bob, case, harmed, responsible, meeting
):
    make_ready(case, harmed, responsible)
    RiskAssessmentFactory(
        organisation=case.organisation, case=case, decision=RiskDecision.NOT_SUITABLE
    )
    assert_refused(as_bob, meeting, "found the case not suitable")


def test_a_held_meeting_is_not_held_twice(as_bob, case, harmed, responsible, meeting):
    make_ready(case, harmed, responsible)
    mark_held(as_bob, meeting)
    response = mark_held(as_bob, meeting, notes="again")
    assert response.status_code == 200
    assert "This meeting is already held." in page_text(response)
    meeting.refresh_from_db()
    assert meeting.outcome_notes == "Both spoke; an apology was given."


# Cancelling ---------------------------------------------------------------------------


def test_facilitator_cancels_a_meeting(as_bob, case, meeting):
    case.status = CaseStatus.MEETING_ARRANGED
    case.save()
    page = page_text(as_bob.get(reverse("meetings:cancel", args=[meeting.pk])))
    assert "Cancel the restorative conference" in page
    response = as_bob.post(reverse("meetings:cancel", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    case.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert case.status == CaseStatus.PREPARING

    response = as_bob.post(reverse("meetings:cancel", args=[meeting.pk]))
    assert "This meeting is already cancelled." in page_text(response)


# Indirect processes: messages and letters carried ----------------------------------------


@pytest.fixture
def shuttle(case, harmed, responsible):
    make_ready(case, harmed, responsible)
    return arranged_meeting(case, harmed, responsible, process=ProcessType.SHUTTLE)


def message_data(sender, receiver, **overrides):
    return {
        "from_party": str(sender.pk),
        "to_party": str(receiver.pk),
        **date_fields("carried_on", timezone.localdate()),
        "is_letter": "on",
        "summary": "Says sorry and offers to repair the window.",
        **overrides,
    }


def test_facilitator_records_a_letter_carried_in_shuttle_mediation(
    as_bob, shuttle, harmed, responsible
):
    url = reverse("meetings:message_add", args=[shuttle.pk])
    assert as_bob.get(url).status_code == 200
    response = as_bob.post(url, message_data(responsible, harmed))
    assert response.status_code == 302
    message = IndirectMessage.objects.get()
    assert (message.from_party, message.to_party, message.is_letter) == (
        responsible,
        harmed,
        True,
    )
    page = page_text(as_bob.get(reverse("meetings:detail", args=[shuttle.pk])))
    assert "Says sorry and offers to repair the window." in page
    assert "Messages carried" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"summary": ""}, "summary", "Enter a summary of the message"),
        (
            date_fields("carried_on", datetime.date.today() + datetime.timedelta(days=2)),
            "carried_on",
            "Date carried must be today or in the past",
        ),
        ({"from_party": ""}, "from_party", "Select who sent the message"),
    ],
)
def test_bad_messages_are_refused_at_the_field(
    as_bob, shuttle, harmed, responsible, overrides, field, message
):
    response = as_bob.post(
        reverse("meetings:message_add", args=[shuttle.pk]),
        message_data(responsible, harmed, **overrides),
    )
    assert message in response.context["form"].errors[field][0]
    assert not IndirectMessage.objects.exists()


def test_a_message_goes_to_someone_else(as_bob, shuttle, harmed):
    response = as_bob.post(
        reverse("meetings:message_add", args=[shuttle.pk]), message_data(harmed, harmed)
    )
    assert response.context["form"].errors["to_party"] == [
        "A message goes to someone other than its sender"
    ]
    assert not IndirectMessage.objects.exists()


def test_messages_belong_to_indirect_processes_only(as_bob, meeting, harmed, responsible):
    response = as_bob.post(
        reverse("meetings:message_add", args=[meeting.pk]), message_data(responsible, harmed)
    )
    assert "Messages are carried only in shuttle mediation or a letter exchange." in page_text(
        response
    )
    assert not IndirectMessage.objects.exists()


def test_no_message_is_carried_without_consent(as_bob, case, harmed, responsible):
    letters = arranged_meeting(case, harmed, responsible, process=ProcessType.LETTER_EXCHANGE)
    RiskAssessmentFactory(organisation=case.organisation, case=case)
    response = as_bob.post(
        reverse("meetings:message_add", args=[letters.pk]), message_data(responsible, harmed)
    )
    assert "The message cannot be carried:" in page_text(response)
    assert not IndirectMessage.objects.exists()


# Facilitation mode -------------------------------------------------------------------------


def test_facilitation_mode_shows_the_questions_and_first_names_only(
    as_bob, org, case, harmed, responsible, meeting
):
    harmed.private_notes = "PRIVATE-NOTE-MARKER"
    harmed.save()
    page = page_text(as_bob.get(reverse("meetings:facilitate", args=[meeting.pk])))
    assert "What happened?" in page
    assert "What needs to happen to put things right?" in page
    assert harmed.person.given_name in page
    assert harmed.person.family_name not in page
    assert responsible.person.family_name not in page
    assert "PRIVATE-NOTE-MARKER" not in page


def test_stage_notes_are_saved_without_javascript(as_bob, meeting):
    response = as_bob.post(
        reverse("meetings:notes", args=[meeting.pk]),
        {"stage": "what_happened", "what_happened-notes": "Sam told us about the night."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#stage-what_happened")
    meeting.refresh_from_db()
    assert meeting.what_happened == "Sam told us about the night."
    page = page_text(as_bob.get(reverse("meetings:facilitate", args=[meeting.pk])))
    assert "Sam told us about the night." in page


def test_stage_notes_are_saved_in_place_with_htmx(as_bob, meeting):
    response = as_bob.post(
        reverse("meetings:notes", args=[meeting.pk]),
        {"stage": "put_right", "put_right-notes": "A letter and some work."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Notes on “putting things right” saved at" in page_text(response)
    assert "<html" not in page_text(response)
    meeting.refresh_from_db()
    assert meeting.put_right == "A letter and some work."


def test_overlong_notes_are_refused_and_nothing_is_saved(as_bob, meeting):
    url = reverse("meetings:notes", args=[meeting.pk])
    data = {"stage": "who_affected", "who_affected-notes": "x" * 6001}
    response = as_bob.post(url, data)
    assert response.status_code == 200
    assert "The notes must be 6000 characters or fewer" in page_text(response)
    response = as_bob.post(url, data, HTTP_HX_REQUEST="true")
    assert "Not saved: The notes must be 6000 characters or fewer" in page_text(response)
    meeting.refresh_from_db()
    assert meeting.who_affected == ""


def action_data(owner, /, **overrides):
    return {
        "owner": str(owner.pk),
        "kind": "apology_written",
        "description": "Write to say sorry.",
        **date_fields("due_on", timezone.localdate() + datetime.timedelta(days=14)),
        "hours": "",
        "amount": "",
        **overrides,
    }


def test_actions_are_drafted_live_without_javascript(as_bob, case, responsible, meeting):
    url = reverse("meetings:facilitate_action_add", args=[meeting.pk])
    response = as_bob.post(url, action_data(responsible))
    assert response.status_code == 302
    assert response["Location"].endswith("#agreement")
    action = AgreementAction.objects.get()
    assert action.agreement.case == case
    assert action.agreement.meeting == meeting
    page = page_text(as_bob.get(reverse("meetings:facilitate", args=[meeting.pk])))
    assert "Write to say sorry." in page


def test_actions_are_drafted_in_place_with_htmx(as_bob, responsible, meeting):
    url = reverse("meetings:facilitate_action_add", args=[meeting.pk])
    response = as_bob.post(
        url,
        action_data(responsible, kind="reparation", hours="10", description="Paint the fence."),
        HTTP_HX_REQUEST="true",
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert 'hx-swap-oob="innerHTML"' in page
    assert "Paint the fence." in page
    assert f"Added: reparation work by {responsible.first_name}" in page
    assert AgreementAction.objects.get().hours == 10


def test_a_drafted_action_with_a_problem_is_refused_at_the_field(as_bob, responsible, meeting):
    url = reverse("meetings:facilitate_action_add", args=[meeting.pk])
    response = as_bob.post(url, action_data(responsible, kind="reparation"))
    assert response.status_code == 200
    assert response.context["action_form"].errors["hours"] == [
        "Enter the hours of reparation work, like 10"
    ]
    response = as_bob.post(url, action_data(responsible, description=""), HTTP_HX_REQUEST="true")
    assert "There is a problem" in page_text(response)
    assert "Enter what they will do" in page_text(response)
    assert not AgreementAction.objects.exists()


def test_nothing_is_drafted_in_a_cancelled_meeting(as_bob, responsible, meeting):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    response = as_bob.post(
        reverse("meetings:facilitate_action_add", args=[meeting.pk]), action_data(responsible)
    )
    assert "This meeting was cancelled" in page_text(response)
    response = as_bob.post(
        reverse("meetings:notes", args=[meeting.pk]),
        {"stage": "what_happened", "what_happened-notes": "x"},
    )
    assert "This meeting was cancelled." in page_text(response)
    meeting.refresh_from_db()
    assert meeting.what_happened == ""
    assert not AgreementAction.objects.exists()


# The case page's list of meetings --------------------------------------------------------


def test_the_case_page_partial_lists_meetings_with_links(rf, case, meeting):
    from django.template.loader import render_to_string

    html = render_to_string("meetings/_case_meetings.html", {"case": case})
    assert reverse("meetings:detail", args=[meeting.pk]) in html
    assert reverse("meetings:arrange", args=[case.pk]) in html
    other = CaseFactory(organisation=case.organisation)
    assert "No meeting has been arranged yet." in render_to_string(
        "meetings/_case_meetings.html", {"case": other}
    )


def test_facilitation_mode_needs_no_inline_script_or_style(as_bob, meeting):
    """The CSP refuses inline code: htmx is driven by attributes, and the forms post without it."""
    page = page_text(as_bob.get(reverse("meetings:facilitate", args=[meeting.pk])))
    assert " style=" not in page
    assert "<style" not in page
    for tag in page.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "nonce=" in opening or "src=" in opening
    assert " hx-on" not in page
    assert 'hx-post="' in page
    assert f'action="{reverse("meetings:notes", args=[meeting.pk])}"' in page


def test_meeting_page_queries_do_not_grow_with_the_people_taking_part(
    as_bob, case, harmed, responsible
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_ready(case, harmed, responsible)
    meeting = arranged_meeting(case, harmed, responsible)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert as_bob.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(5):
        supporter = PartyFactory(organisation=case.organisation, case=case, role="community")
        consent(supporter)
        MeetingAttendeeFactory(organisation=case.organisation, meeting=meeting, party=supporter)
    assert count() == small
