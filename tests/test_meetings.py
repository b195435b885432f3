"""Facilitators arrange meetings, hold them only when it is safe and voluntary, and facilitate them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

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


def earlier_today(hours: int = 2) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)


@pytest.fixture
def meeting(case, harmed, responsible):
    """A conference arranged for two hours ago, so it can be recorded as held."""
    return arranged_meeting(case, harmed, responsible, scheduled_at=earlier_today())


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


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("18:00", "18:00"),
        ("18.00", "18:00"),
        ("6pm", "18:00"),
        ("6.30 pm", "18:30"),
        ("12pm", "12:00"),
        ("12am", "00:00"),
        ("9:05am", "09:05"),
    ],
)
def test_times_are_understood_as_people_write_them(
    as_bob, bob, case, harmed, responsible, written, meant
):
    response = as_bob.post(
        reverse("meetings:arrange", args=[case.pk]),
        arrange_data(harmed, responsible, bob, time=written),
    )
    assert response.status_code == 302
    assert f"{timezone.localtime(Meeting.objects.get().scheduled_at):%H:%M}" == meant


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("6.30 p.m.", datetime.time(18, 30)),
        ("6 PM", datetime.time(18, 0)),
        ("noon", datetime.time(12, 0)),
        ("midnight", datetime.time(0, 0)),
        ("00:00", datetime.time(0, 0)),
        ("23:59", datetime.time(23, 59)),
        ("24:00", None),
        ("0am", None),
        ("6:75pm", None),
        ("1830", None),
        ("six", None),
        ("9" * 40, None),
    ],
)
def test_the_time_field_reads_times_and_refuses_nonsense_plainly(written, meant):
    from django.core.exceptions import ValidationError

    from amends.core.forms_govuk import TimeField

    field = TimeField(label="Time")
    assert field.help_text == "For example, 14:30 or 2:30pm"
    if meant is None:
        with pytest.raises(ValidationError) as refused:
            field.clean(written)
        assert refused.value.messages == ["Enter a time, like 14:30 or 2:30pm"]
    else:
        assert field.clean(written) == meant


def test_the_arrange_form_offers_the_case_facilitators_and_parties(
    as_bob, case, harmed, responsible
):
    page = page_text(as_bob.get(reverse("meetings:arrange", args=[case.pk])))
    assert "Bob Barraclough" in page
    assert escape(harmed.person.full_name) in page
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date</legend>' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"attendees": []}, "attendees", "Select who will take part"),
        ({"time": "half two"}, "time", "Enter a time, like 14:30 or 2:30pm"),
        ({"time": "25:00"}, "time", "Enter a time, like 14:30 or 2:30pm"),
        ({"time": "13pm"}, "time", "Enter a time, like 14:30 or 2:30pm"),
        ({"time": ""}, "time", "Enter the time of the meeting"),
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
                "change",
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


def held_data(meeting, notes="Both spoke; an apology was given.", **overrides):
    """The mark-held form as it comes: the arranged time and everyone invited."""
    scheduled = timezone.localtime(meeting.scheduled_at)
    return {
        **date_fields("held_on", scheduled.date()),
        "held_time": f"{scheduled:%H:%M}",
        "attended": [str(a.party_id) for a in meeting.attendees.all()],
        "duration_minutes": "90",
        "early_reason": "",
        "outcome_notes": notes,
        **overrides,
    }


def mark_held(client, meeting, notes="Both spoke; an apology was given.", **overrides):
    return client.post(
        reverse("meetings:mark_held", args=[meeting.pk]), held_data(meeting, notes, **overrides)
    )


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
        # The page escapes a name's apostrophe (O'Sullivan): compare with what it sends.
        assert escape(reason) in page, "the readiness list should say why"
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
    meeting = arranged_meeting(case, harmed, child, carer, scheduled_at=earlier_today())
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


def test_no_message_is_offered_or_recorded_in_a_cancelled_meeting(
    as_bob, bob, shuttle, harmed, responsible
):
    from amends.meetings import services

    services.meeting_cancel(meeting=shuttle, by=bob)
    url = reverse("meetings:message_add", args=[shuttle.pk])
    page = page_text(as_bob.get(url))
    assert "This meeting was cancelled, so no message can be recorded." in page
    assert "Record it" not in page
    as_bob.post(url, message_data(responsible, harmed))
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
    assert escape(harmed.person.given_name) in page
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

    # The case page reads the case's meetings once and hands them to the partial.
    html = render_to_string(
        "meetings/_case_meetings.html", {"case": case, "meetings": list(case.meetings.all())}
    )
    assert reverse("meetings:detail", args=[meeting.pk]) in html
    assert reverse("meetings:arrange", args=[case.pk]) in html
    other = CaseFactory(organisation=case.organisation)
    assert "No meeting has been arranged yet." in render_to_string(
        "meetings/_case_meetings.html", {"case": other, "meetings": []}
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


# Holding a meeting records what actually happened ------------------------------------------


@pytest.fixture
def conference(case, harmed, responsible):
    """A conference of three, arranged for two hours ago, ready to be held."""
    supporter = PartyFactory(
        organisation=case.organisation,
        case=case,
        role=PartyRole.SUPPORTER,
        supports=harmed,
        person=PersonFactory(
            organisation=case.organisation, given_name="Siân", family_name="O'Brien"
        ),
    )
    make_ready(case, harmed, responsible, supporter)
    return arranged_meeting(case, harmed, responsible, supporter, scheduled_at=earlier_today())


def test_the_held_form_starts_with_the_arranged_time_and_everyone_invited(as_bob, conference):
    response = as_bob.get(reverse("meetings:detail", args=[conference.pk]))
    form = response.context["held_form"]
    scheduled = timezone.localtime(conference.scheduled_at)
    assert form["held_time"].value() == f"{scheduled:%H:%M}"
    assert f'value="{scheduled:%H:%M}"' in page_text(response)
    page = page_text(response)
    for attendee in conference.attendees.all():
        assert f'type="checkbox" value="{attendee.party_id}" checked' in page
    assert page.count('name="attended"') == 3


def test_marking_held_records_when_who_came_and_for_how_long(
    as_bob, case, harmed, responsible, conference
):
    supporter = conference.attendees.get(party__role=PartyRole.SUPPORTER).party
    started = timezone.localtime(conference.scheduled_at) + datetime.timedelta(minutes=15)
    response = mark_held(
        as_bob,
        conference,
        held_time=f"{started:%H:%M}",
        attended=[str(harmed.pk), str(responsible.pk)],
        duration_minutes="75",
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == MeetingStatus.HELD
    assert timezone.localtime(conference.held_at) == started
    assert conference.duration_minutes == 75
    assert {a.party: a.attended for a in conference.attendees.all()} == {
        harmed: True,
        responsible: True,
        supporter: False,
    }

    page = page_text(as_bob.get(reverse("meetings:detail", args=[conference.pk])))
    assert f"{started:%H:%M}, for 75 minutes" in page
    invited = page.split('id="invited"')[1].split("</dd>")[0]
    attended = page.split('id="attended"')[1].split("</dd>")[0]
    assert "Siân O&#x27;Brien" in invited
    assert "Siân O&#x27;Brien" not in attended
    assert escape(harmed.person.full_name) in attended
    assert "2 of the 3 invited attended." in attended

    event = case.events.get(code="meeting_held")
    assert f"held on {started:%-d %B %Y at %H:%M}, for 75 minutes" in event.summary
    assert "2 of the 3 invited attended" in event.summary
    timeline = page_text(as_bob.get(reverse("cases:timeline", args=[case.pk])))
    assert "for 75 minutes; 2 of the 3 invited attended" in timeline


def test_someone_who_stayed_away_needs_no_current_consent(
    as_bob, case, harmed, responsible, conference
):
    supporter = conference.attendees.get(party__role=PartyRole.SUPPORTER).party
    consent(supporter, decision=ConsentDecision.WITHDRAWN)
    response = mark_held(as_bob, conference, attended=[str(supporter.pk), str(harmed.pk)])
    assert "consent is withdrawn" in page_text(response)
    assert mark_held(as_bob, conference, attended=[str(harmed.pk)]).status_code == 302


def test_a_meeting_held_early_needs_a_reason(as_bob, conference):
    earlier = timezone.localtime(conference.scheduled_at) - datetime.timedelta(minutes=30)
    response = mark_held(as_bob, conference, held_time=f"{earlier:%H:%M}")
    assert (
        response.context["held_form"]
        .errors["early_reason"][0]
        .startswith("Enter why it was held before the arranged time")
    )
    conference.refresh_from_db()
    assert conference.status == MeetingStatus.ARRANGED
    response = mark_held(
        as_bob,
        conference,
        held_time=f"{earlier:%H:%M}",
        early_reason="Everyone arrived early and asked to begin.",
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.held_early_reason == "Everyone arrived early and asked to begin."
    assert "(earlier than arranged)" in conference.case.events.get(code="meeting_held").summary


def _in_an_hour() -> str:
    return f"{timezone.localtime() + datetime.timedelta(hours=1):%H:%M}"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            lambda: date_fields("held_on", timezone.localdate() + datetime.timedelta(days=1)),
            "held_on",
            "Date it was held must be today or in the past",
        ),
        (lambda: {"held_time": "teatime"}, "held_time", "Enter a time, like 14:30 or 2:30pm"),
        (lambda: {"held_time": ""}, "held_time", "Enter the time it started"),
        (lambda: {"attended": []}, "attended", "Select who attended"),
        (
            lambda: {"duration_minutes": ""},
            "duration_minutes",
            "Enter how long it took, in minutes",
        ),
        (
            lambda: {"duration_minutes": "an hour"},
            "duration_minutes",
            "Enter how long it took as a number of minutes, like 90",
        ),
        (
            lambda: {"duration_minutes": "2"},
            "duration_minutes",
            "How long it took must be at least 5 minutes",
        ),
        (
            lambda: {"duration_minutes": "1000"},
            "duration_minutes",
            "How long it took must be 720 minutes (12 hours) or fewer",
        ),
    ],
)
def test_an_untrue_record_of_holding_is_refused_at_the_field(
    as_bob, conference, overrides, field, message
):
    response = mark_held(as_bob, conference, **overrides())
    assert response.status_code == 200
    assert response.context["held_form"].errors[field] == [message]
    page = page_text(response)
    assert "There is a problem" in page
    assert message in page
    conference.refresh_from_db()
    assert conference.status == MeetingStatus.ARRANGED
    assert conference.held_at is None
    assert not conference.attendees.filter(attended=True).exists()
    assert not conference.case.events.filter(code="meeting_held").exists()


def test_a_meeting_cannot_be_recorded_as_held_later_today(as_bob, case, harmed, responsible):
    """Arranged for later today: the default time is in the future, and refused."""
    make_ready(case, harmed, responsible)
    later = arranged_meeting(
        case, harmed, responsible, scheduled_at=timezone.now() + datetime.timedelta(hours=2)
    )
    if timezone.localtime(later.scheduled_at).date() != timezone.localdate():
        later.scheduled_at = timezone.now() + datetime.timedelta(minutes=5)
        later.save()
    response = mark_held(as_bob, later)
    assert response.context["held_form"].errors["held_on"] == [
        "The time it was held must be in the past"
    ]
    later.refresh_from_db()
    assert later.status == MeetingStatus.ARRANGED


def test_only_people_invited_can_be_recorded_as_attending(as_bob, case, conference):
    stranger = PartyFactory(organisation=case.organisation, case=case, role=PartyRole.COMMUNITY)
    response = mark_held(as_bob, conference, attended=[str(stranger.pk)])
    assert response.context["held_form"].errors["attended"] == [
        "Select people who were invited to the meeting"
    ]
    conference.refresh_from_db()
    assert conference.status == MeetingStatus.ARRANGED


# Changing an arranged meeting ----------------------------------------------------------------


def change_data(meeting, client, **overrides):
    """The change form as loaded now, with its version, and the overrides typed in."""
    form = client.get(reverse("meetings:change", args=[meeting.pk])).context["form"]
    data = {
        **date_fields("date", form.initial["date"]),
        "time": f"{form.initial['time']:%H:%M}",
        "venue": form.initial["venue"],
        "facilitator": str(form.initial["facilitator"]),
        "co_facilitator": str(form.initial["co_facilitator"] or ""),
        "attendees": [str(pk) for pk in form.initial["attendees"]],
        "version": form.fields["version"].initial,
    }
    data.update(overrides)
    return data


def test_an_arranged_meeting_is_changed_and_the_timeline_says_what_changed(
    as_bob, bob, dee, case, harmed, responsible
):
    case.co_facilitator = dee
    case.next_step = "Hold the meeting"
    case.save()
    meeting = arranged_meeting(
        case, harmed, responsible, scheduled_at=timezone.now() + datetime.timedelta(days=7)
    )
    supporter = PartyFactory(organisation=case.organisation, case=case, role=PartyRole.SUPPORTER)
    page = page_text(as_bob.get(reverse("meetings:detail", args=[meeting.pk])))
    assert reverse("meetings:change", args=[meeting.pk]) in page
    new_day = timezone.localdate() + datetime.timedelta(days=10)
    response = as_bob.post(
        reverse("meetings:change", args=[meeting.pk]),
        change_data(
            meeting,
            as_bob,
            **date_fields("date", new_day),
            time="6.30pm",
            venue="St Ann's Church Hall, Łódź Room",
            co_facilitator=str(dee.pk),
            attendees=[str(harmed.pk), str(responsible.pk), str(supporter.pk)],
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.scheduled_at) == timezone.make_aware(
        datetime.datetime.combine(new_day, datetime.time(18, 30))
    )
    assert meeting.venue == "St Ann's Church Hall, Łódź Room"
    assert meeting.co_facilitator == dee
    assert {a.party for a in meeting.attendees.all()} == {harmed, responsible, supporter}
    event = case.events.get(code="meeting_changed")
    assert event.summary == (
        "Restorative conference changed: date and time, venue, co-facilitator, who takes part"
    )
    assert "Church" not in event.summary
    case.refresh_from_db()
    assert case.next_step_due == new_day


def test_removing_someone_from_a_meeting(as_bob, case, harmed, responsible):
    meeting = arranged_meeting(
        case, harmed, responsible, scheduled_at=timezone.now() + datetime.timedelta(days=7)
    )
    response = as_bob.post(
        reverse("meetings:change", args=[meeting.pk]),
        change_data(meeting, as_bob, attendees=[str(harmed.pk)]),
    )
    assert response.status_code == 302
    assert [a.party for a in meeting.attendees.all()] == [harmed]
    assert case.events.get(code="meeting_changed").summary.endswith(": who takes part")


def test_a_change_saved_meanwhile_is_not_overwritten(as_alice, as_bob, case, harmed, responsible):
    meeting = arranged_meeting(
        case, harmed, responsible, scheduled_at=timezone.now() + datetime.timedelta(days=7)
    )
    bobs = change_data(meeting, as_bob, venue="The library")
    alices = change_data(meeting, as_alice, venue="Northbridge Town Hall")
    assert as_alice.post(reverse("meetings:change", args=[meeting.pk]), alices).status_code == 302
    response = as_bob.post(reverse("meetings:change", args=[meeting.pk]), bobs)
    assert response.status_code == 200
    page = page_text(response)
    assert "Someone else saved changes to this record while you were editing it" in page
    assert "Venue" in page.split("The saved record now differs from yours in:")[1]
    assert response.context["form"].initial["venue"] == "Northbridge Town Hall"
    assert 'value="Northbridge Town Hall"' in page
    meeting.refresh_from_db()
    assert meeting.venue == "Northbridge Town Hall"
    assert case.events.filter(code="meeting_changed").count() == 1


def test_a_change_without_its_version_is_refused(as_bob, case, harmed, responsible):
    meeting = arranged_meeting(
        case, harmed, responsible, scheduled_at=timezone.now() + datetime.timedelta(days=7)
    )
    response = as_bob.post(
        reverse("meetings:change", args=[meeting.pk]),
        change_data(meeting, as_bob, venue="The library", version=""),
    )
    assert "This page was out of date, so your changes have not been saved." in page_text(response)
    meeting.refresh_from_db()
    assert meeting.venue == "Northbridge Community Centre"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (lambda dee: {"attendees": []}, "attendees", "Select who will take part"),
        (
            lambda dee: {"facilitator": str(dee.pk)},
            "facilitator",
            "Select one of the case's facilitators",
        ),
        (lambda dee: {"time": "25:61"}, "time", "Enter a time, like 14:30 or 2:30pm"),
        (
            lambda dee: date_fields("date", timezone.localdate() - datetime.timedelta(days=1)),
            "date",
            "Date must be today or in the future",
        ),
    ],
)
def test_a_change_follows_the_rules_for_arranging(
    as_bob, dee, case, harmed, responsible, overrides, field, message
):
    meeting = arranged_meeting(
        case, harmed, responsible, scheduled_at=timezone.now() + datetime.timedelta(days=7)
    )
    before = meeting.scheduled_at
    response = as_bob.post(
        reverse("meetings:change", args=[meeting.pk]),
        change_data(meeting, as_bob, venue="Elsewhere", **overrides(dee)),
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    meeting.refresh_from_db()
    assert (meeting.venue, meeting.scheduled_at) == ("Northbridge Community Centre", before)
    assert meeting.attendees.count() == 2


def test_a_held_or_cancelled_meeting_cannot_be_changed(as_bob, bob, case, harmed, responsible):
    from amends.meetings import services

    meeting = arranged_meeting(
        case, harmed, responsible, scheduled_at=timezone.now() + datetime.timedelta(days=7)
    )
    data = change_data(meeting, as_bob, venue="Elsewhere")
    services.meeting_cancel(meeting=meeting, by=bob)
    url = reverse("meetings:change", args=[meeting.pk])
    assert as_bob.get(url)["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert reverse("meetings:change", args=[meeting.pk]) not in page_text(
        as_bob.get(reverse("meetings:detail", args=[meeting.pk]))
    )
    as_bob.post(url, data)
    meeting.refresh_from_db()
    assert meeting.venue == "Northbridge Community Centre"


# Nothing changes on a closed case, or on a meeting someone else has just settled -------------


def test_a_closed_case_offers_no_meeting_actions_and_refuses_them(
    as_bob, case, harmed, responsible, meeting
):
    make_ready(case, harmed, responsible)
    case.status = CaseStatus.CLOSED
    case.save()
    page = page_text(as_bob.get(reverse("meetings:detail", args=[meeting.pk])))
    assert f"{case.reference} is closed" in page
    for offered in (
        "Mark as held",
        "Cancel the meeting",
        "Open facilitation mode",
        reverse("meetings:change", args=[meeting.pk]),
    ):
        assert offered not in page
    page = page_text(as_bob.get(reverse("meetings:facilitate", args=[meeting.pk])))
    assert "Save notes" not in page
    assert "Add action" not in page
    assert "Arrange meeting" not in page_text(
        as_bob.get(reverse("meetings:arrange", args=[case.pk]))
    )

    assert "is closed, so it cannot be changed." in page_text(mark_held(as_bob, meeting))
    response = as_bob.post(reverse("meetings:cancel", args=[meeting.pk]))
    assert "is closed, so it cannot be changed." in page_text(response)
    as_bob.post(
        reverse("meetings:notes", args=[meeting.pk]),
        {"stage": "what_happened", "what_happened-notes": "After closing"},
    )
    response = as_bob.post(
        reverse("meetings:facilitate_action_add", args=[meeting.pk]), action_data(responsible)
    )
    assert "is closed, so it cannot be changed." in page_text(response)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ARRANGED
    assert meeting.what_happened == ""
    assert not AgreementAction.objects.exists()
    assert not case.events.filter(code__startswith="meeting").exists()


def test_a_meeting_cancelled_meanwhile_is_not_then_held(bob, case, harmed, responsible, meeting):
    """The page that offered "Mark as held" was loaded before someone cancelled the meeting."""
    from django.core.exceptions import ValidationError

    from amends.meetings import services

    make_ready(case, harmed, responsible)
    as_loaded = Meeting.objects.get(pk=meeting.pk)
    services.meeting_cancel(meeting=meeting, by=bob)
    with pytest.raises(ValidationError, match=r"This meeting is already cancelled\."):
        services.meeting_mark_held(meeting=as_loaded, by=bob, duration_minutes=60)
    with pytest.raises(ValidationError, match="This meeting was cancelled"):
        services.meeting_save_notes(meeting=as_loaded, by=bob, what_happened="Too late")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_at, meeting.what_happened) == ("cancelled", None, "")


def test_a_meeting_held_meanwhile_is_not_then_cancelled(bob, case, harmed, responsible, meeting):
    from django.core.exceptions import ValidationError

    from amends.meetings import services

    make_ready(case, harmed, responsible)
    as_loaded = Meeting.objects.get(pk=meeting.pk)
    services.meeting_mark_held(meeting=meeting, by=bob, duration_minutes=60)
    with pytest.raises(ValidationError, match=r"This meeting is already held\."):
        services.meeting_cancel(meeting=as_loaded, by=bob)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert not case.events.filter(code="meeting_cancelled").exists()


def test_no_meeting_is_arranged_on_a_case_closed_meanwhile(bob, case, harmed, responsible):
    from django.core.exceptions import ValidationError

    from amends.meetings import services

    as_loaded = type(case).objects.get(pk=case.pk)
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(ValidationError, match="is closed"):
        services.meeting_arrange(
            case=as_loaded,
            by=bob,
            process=ProcessType.CONFERENCE,
            scheduled_at=timezone.now() + datetime.timedelta(days=3),
            venue="",
            facilitator=bob,
            co_facilitator=None,
            attendees=[harmed, responsible],
        )
    assert not Meeting.objects.exists()


# Facilitation mode: questions for both, and names the room can tell apart ---------------------


def test_facilitation_mode_asks_the_harmed_person_too(as_bob, meeting):
    page = page_text(as_bob.get(reverse("meetings:facilitate", args=[meeting.pk])))
    assert page.count("For the person harmed") == 4
    assert page.count("For the person responsible") == 4
    for question in (
        "What did you think when you realised what had happened?",
        "What impact has this had on you and on others?",
        "What has been the hardest thing for you?",
        "What do you need to happen to make things right?",
        "What were you thinking about at the time?",
    ):
        assert question in page


def test_people_sharing_a_first_name_are_told_apart_in_facilitation_mode(
    as_bob, org, case, harmed, responsible
):
    # The person harmed is named apart from the two Sams (the factory's names are random).
    harmed.person.given_name = "Siân"
    harmed.person.save()
    sam_supporter = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.SUPPORTER,
        supports=harmed,
        person=PersonFactory(organisation=org, given_name="Sam", family_name="O'Brien"),
    )
    sam_carer = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.PARENT_CARER,
        supports=responsible,
        person=PersonFactory(organisation=org, given_name="Sam", family_name="Nowak"),
    )
    meeting = arranged_meeting(case, harmed, responsible, sam_supporter, sam_carer)
    page = page_text(as_bob.get(reverse("meetings:facilitate", args=[meeting.pk])))
    taking_part = page.split('id="taking-part"')[1].split("</ul>")[0]
    assert "Sam O. (supporter)" in taking_part
    assert "Sam N. (parent or carer)" in taking_part
    assert escape(f"{harmed.first_name} (person harmed)") in taking_part
    draft = page.split('id="draft-form"')[1]
    assert "Sam O. (supporter)" in draft
    assert "Sam N. (parent or carer)" in draft
    assert "O&#x27;Brien" not in page
    assert "Nowak" not in page

    response = as_bob.post(
        reverse("meetings:facilitate_action_add", args=[meeting.pk]),
        action_data(sam_carer, description="Sam will help with the garden."),
        HTTP_HX_REQUEST="true",
    )
    assert "by Sam N. (parent or carer)" in page_text(response)


@pytest.mark.parametrize("name", ["detail", "facilitate", "change"])
def test_meeting_pages_take_as_many_queries_for_six_people_as_for_two(
    as_bob, case, harmed, responsible, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_ready(case, harmed, responsible)
    meeting = arranged_meeting(
        case, harmed, responsible, scheduled_at=timezone.now() + datetime.timedelta(days=2)
    )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = as_bob.get(reverse(f"meetings:{name}", args=[meeting.pk]))
            assert response.status_code == 200
        return len(ctx.captured_queries)

    two = count()
    for role in ("supporter", "supporter", "parent_carer", "professional"):
        party = PartyFactory(organisation=case.organisation, case=case, role=role)
        consent(party)
        MeetingAttendeeFactory(organisation=case.organisation, meeting=meeting, party=party)
    assert count() == two
