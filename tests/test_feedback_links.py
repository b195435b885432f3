"""Feedback without an account: a one-time link, its public form, and answers given by phone."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import CaseEvent, CaseStatus, PartyRole
from amends.outcomes.models import AnsweredHow, FeedbackLink, FeedbackResponse
from amends.people.models import ContactMethod, SafeToUse
from amends.tasks.deliveries import delivery_attempt
from amends.tasks.models import Delivery
from tests.factories import MeetingFactory, PartyFactory, PersonFactory

ANSWERS = {
    "satisfied": "very_satisfied",
    "well_prepared": "yes",
    "listened_to": "yes",
    "felt_safe": "partly",
    "would_recommend": "yes",
    "harm_put_right": "7",
    "comments": "Meeting him face to face helped more than I expected.",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def sian(case):
    person = PersonFactory(
        organisation=case.organisation,
        given_name="Siân",
        family_name="O'Brien",
        email="sian.obrien@example.org",
        preferred_contact=ContactMethod.PHONE,
        text_safe=SafeToUse.NO,
    )
    return PartyFactory(organisation=case.organisation, case=case, person=person, role="harmed")


@pytest.fixture
def lukasz(case):
    person = PersonFactory(organisation=case.organisation, given_name="Łukasz", family_name="Nowak")
    return PartyFactory(
        organisation=case.organisation, case=case, person=person, role=PartyRole.RESPONSIBLE
    )


@pytest.fixture
def held(case, bob):
    return MeetingFactory(
        organisation=case.organisation,
        case=case,
        facilitator=bob,
        status="held",
        held_at=timezone.now(),
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
    )


def make_link_on_screen(client, case, party) -> str:
    """Make a link as the facilitator does and return the address shown on screen."""
    url = reverse("outcomes:feedback_link_create", args=[case.pk, party.pk])
    response = client.post(url, {"delivery": "on_screen"})
    assert response.status_code == 302, text(response)
    shown = client.get(response.url)
    assert shown.status_code == 200
    return re.search(r"http://testserver(/feedback/[\w-]+/)", text(shown)).group(1)


# Making the link ----------------------------------------------------------------------


def test_a_link_is_shown_once_and_only_its_hash_is_kept(case, held, as_bob, sian):
    address = make_link_on_screen(as_bob, case, sian)
    token = address.split("/")[2]

    link = FeedbackLink.objects.get(party=sian)
    assert link.token_hash == FeedbackLink.hash_token(token) != token
    assert len(token) >= 40
    assert not FeedbackLink.objects.filter(token_hash=token).exists()
    assert link.expires_at == pytest.approx(
        timezone.now() + datetime.timedelta(days=30), abs=datetime.timedelta(minutes=1)
    )
    # Shown once: opening the page again does not show it.
    again = as_bob.get(reverse("outcomes:feedback_link_ready", args=[case.pk, sian.pk]))
    assert again.status_code == 302
    assert token not in text(as_bob.get(again.url))
    event = CaseEvent.objects.get(case=case, code="feedback_link")
    assert event.summary == "Feedback link made for Siân O'Brien"


def test_the_screen_warns_when_texting_is_not_safe(case, held, as_bob, sian):
    url = reverse("outcomes:feedback_link_create", args=[case.pk, sian.pk])
    shown = text(as_bob.get(as_bob.post(url, {"delivery": "on_screen"}).url))
    assert "It is not recorded as safe to text Siân" in shown


def test_no_link_before_a_meeting_is_held(case, as_bob, sian):
    url = reverse("outcomes:feedback_link_create", args=[case.pk, sian.pk])
    assert "Nothing has been held" in text(as_bob.get(url))
    response = as_bob.post(url, {"delivery": "on_screen"})
    assert response.status_code == 200
    assert "Feedback is asked for after a meeting" in text(response)
    assert not FeedbackLink.objects.exists()


def test_a_closed_case_can_still_ask_for_feedback(case, as_bob, sian):
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.save()
    make_link_on_screen(as_bob, case, sian)
    assert FeedbackLink.objects.filter(party=sian).count() == 1


def test_email_only_when_they_said_it_is_safe(case, held, as_bob, sian):
    url = reverse("outcomes:feedback_link_create", args=[case.pk, sian.pk])
    page = text(as_bob.get(url))
    assert "E-mail it to the address on their record" not in page
    assert "sian.obrien@example.org" not in page

    response = as_bob.post(url, {"delivery": "email"})

    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert not FeedbackLink.objects.exists()
    assert mail.outbox == []


def test_the_emailed_link_tells_nothing_of_the_case(
    case, held, as_bob, sian, django_capture_on_commit_callbacks
):
    sian.person.preferred_contact = ContactMethod.EMAIL
    sian.person.email_safe = SafeToUse.YES
    sian.person.save()
    url = reverse("outcomes:feedback_link_create", args=[case.pk, sian.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(url, {"delivery": "email"})
    assert response.status_code == 302
    delivery = Delivery.objects.get(event="message.feedback_link")
    assert "/feedback/" not in str(delivery.payload["body"])  # the link is not kept in the log
    delivery_attempt(str(delivery.pk))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sian.obrien@example.org"]
    assert "Hello Siân" in message.body
    assert case.reference not in message.body + message.subject
    assert "Nowak" not in message.body
    address = re.search(r"/feedback/[\w-]+/", message.body).group(0)
    assert Client().get(address).status_code == 200


def test_a_new_link_replaces_the_one_still_waiting(case, held, as_bob, sian):
    first = make_link_on_screen(as_bob, case, sian)
    second = make_link_on_screen(as_bob, case, sian)
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200


# The public form ----------------------------------------------------------------------------


def test_the_form_needs_no_account_and_shows_nothing_of_the_case(
    case, held, as_bob, sian, lukasz, org
):
    address = make_link_on_screen(as_bob, case, sian)

    response = Client().get(address)

    page = text(response)
    assert response.status_code == 200
    assert "Tell us about your experience" in page
    for secret in (
        case.reference,
        "Siân",
        "O'Brien",
        "Łukasz",
        "Nowak",
        org.name,
        "corner shop",
        "Bob Barraclough",
    ):
        assert secret not in page
    assert "Sign out" not in page and "govuk-service-navigation" not in page
    assert "<script" not in page  # works without JavaScript
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"  # the token never goes to another site


def test_answers_are_saved_once_and_the_link_is_used_up(case, held, as_bob, sian):
    address = make_link_on_screen(as_bob, case, sian)
    participant = Client()

    response = participant.post(address, ANSWERS)

    assert response.status_code == 302
    assert "Your answers have been sent" in text(participant.get(response.url))
    saved = FeedbackResponse.objects.get()
    assert saved.party == sian
    assert saved.answered_how == AnsweredHow.ONLINE
    assert saved.satisfied == "very_satisfied" and saved.harm_put_right == 7
    assert saved.comments == ANSWERS["comments"]
    assert FeedbackLink.objects.get().used_at is not None
    event = CaseEvent.objects.get(case=case, code="feedback")
    assert event.summary == "Feedback received from Siân O'Brien by one-time link"
    assert "face to face" not in event.summary

    # Reused: a kind page, and nothing saved twice.
    again = participant.post(address, {**ANSWERS, "harm_put_right": "1"})
    assert again.status_code == 200
    assert "You have already sent your answers" in text(again)
    assert Client().get(address).status_code == 200
    assert FeedbackResponse.objects.count() == 1

    page = text(as_bob.get(reverse("cases:detail", args=[case.pk])))
    assert "Very satisfied" in page and "7 out of 10" in page


def test_missing_answers_are_shown_at_each_question_and_the_link_still_works(
    case, held, as_bob, sian
):
    address = make_link_on_screen(as_bob, case, sian)
    response = Client().post(address, {"satisfied": "very_satisfied", "harm_put_right": "12"})

    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose whether you felt listened to" in page
    assert "Choose a number from 0 to 10" in page
    assert 'href="#id_felt_safe_0"' in page
    assert not FeedbackResponse.objects.exists()
    assert FeedbackLink.objects.get().used_at is None
    assert Client().post(address, ANSWERS).status_code == 302


def test_an_expired_link_gets_a_kind_page(case, held, as_bob, sian):
    address = make_link_on_screen(as_bob, case, sian)
    FeedbackLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    for response in (Client().get(address), Client().post(address, ANSWERS)):
        assert response.status_code == 410
        assert "This link has expired" in text(response)
        assert "<form" not in text(response)
    assert not FeedbackResponse.objects.exists()


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:-5],
        lambda t: t + "x",
        lambda t: "x" * 500,
        lambda t: "%00",
    ],
    ids=["one character changed", "cut short", "added to", "very long", "a null byte"],
)
def test_an_altered_link_gets_a_kind_page(case, held, as_bob, sian, alter):
    token = make_link_on_screen(as_bob, case, sian).split("/")[2]
    address = f"/feedback/{alter(token)}/"

    for response in (Client().get(address), Client().post(address, ANSWERS)):
        assert response.status_code == 410
        assert "This link does not work" in text(response)
        assert "Traceback" not in text(response)
    assert not FeedbackResponse.objects.exists()


# By phone -----------------------------------------------------------------------------------


def test_answers_given_by_phone_are_recorded_and_marked(case, held, bob, as_bob, lukasz):
    address = make_link_on_screen(as_bob, case, lukasz)
    url = reverse("outcomes:feedback_by_phone", args=[case.pk, lukasz.pk])
    response = as_bob.post(url, {**ANSWERS, "comments": ""})

    assert response.status_code == 302
    saved = FeedbackResponse.objects.get()
    assert saved.answered_how == AnsweredHow.BY_PHONE and saved.created_by == bob
    # The link still waiting is not needed now.
    assert Client().get(address).status_code == 410
    assert "By phone" in text(as_bob.get(reverse("cases:detail", args=[case.pk])))


def test_answers_by_phone_are_checked_too(case, held, as_bob, lukasz):
    url = reverse("outcomes:feedback_by_phone", args=[case.pk, lukasz.pk])
    response = as_bob.post(url, {**ANSWERS, "would_recommend": "perhaps"})
    assert response.status_code == 200
    assert "Choose one of the answers" in text(response)
    assert not FeedbackResponse.objects.exists()


# Who may make links -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["outcomes:feedback_link_create", "outcomes:feedback_by_phone"])
def test_another_organisation_and_a_facilitator_off_the_case_get_404(
    case, held, as_charlie, as_dee, sian, name
):
    url = reverse(name, args=[case.pk, sian.pk])
    for client in (as_charlie, as_dee):
        assert client.get(url).status_code == 404
        assert client.post(url, {**ANSWERS, "delivery": "on_screen"}).status_code == 404
    assert not FeedbackLink.objects.exists() and not FeedbackResponse.objects.exists()
