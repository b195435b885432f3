"""Messages to people: their safe-contact answers rule each one (way, hours, content), each
goes in their own language from their organisation's wording, by Django's mail or through
GOV.UK Notify (a fake one of ours on 127.0.0.1), and coordinators see what was withheld.

Deliveries are tried here by calling `delivery_attempt` directly, as the worker would; the
worker itself runs in tests/test_notification_worker.py.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from amends.meetings import services as meeting_services
from amends.notify import rules
from amends.notify.models import MessageTemplate
from amends.people.models import ContactMethod, SafeToUse
from amends.privacy.services import _person_clear
from amends.tasks.deliveries import delivery_attempt
from amends.tasks.models import Delivery, DeliveryKind, DeliveryStatus
from tests.factories import PartyFactory, PersonFactory
from tests.notify_server import API_KEY, EMAIL_TEMPLATE, SERVICE_ID, TEXT_TEMPLATE, FakeNotify

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def notify(settings):
    fake = FakeNotify()
    settings.AMENDS_EMAIL_SERVICE = "notify"
    settings.AMENDS_TEXT_SERVICE = "notify"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
    settings.NOTIFY_TEXT_TEMPLATE_ID = TEXT_TEMPLATE
    yield fake
    fake.close()


@pytest.fixture
def sian(case):
    """The person harmed: e-mail is safe, and she reads her messages in Welsh."""
    person = PersonFactory(
        organisation=case.organisation,
        given_name="Siân",
        family_name="O'Connor",
        email="sian.oconnor@example.org",
        email_safe=SafeToUse.YES,
        text_safe=SafeToUse.NO,
        message_language="cy",
    )
    return PartyFactory(organisation=case.organisation, case=case, role="harmed", person=person)


@pytest.fixture
def zoe(case):
    """The person responsible: texts are safe, e-mail is not."""
    person = PersonFactory(
        organisation=case.organisation,
        given_name="Zoë",
        family_name="Ní Bhriain",
        email="zoe.nibhriain@example.org",
        phone="07700 900 461",
        email_safe=SafeToUse.NO,
        text_safe=SafeToUse.YES,
        preferred_contact=ContactMethod.TEXT,
    )
    return PartyFactory(
        organisation=case.organisation, case=case, role="responsible", person=person
    )


def arrange(case, bob, *parties, at=None):
    return meeting_services.meeting_arrange(
        case=case,
        by=bob,
        process="conference",
        scheduled_at=at or datetime.datetime(2026, 10, 26, 10, 0, tzinfo=LONDON),
        venue="Northbridge Community Centre",
        facilitator=bob,
        co_facilitator=None,
        attendees=list(parties),
    )


def message_to(party, event="message.invitation") -> Delivery:
    return Delivery.objects.get(event=event, subject_type="person", subject_id=str(party.person.pk))


def send_all():
    for pk in Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        delivery_attempt(str(pk))


# Safe contact -----------------------------------------------------------------------


def test_no_email_where_the_person_said_email_is_not_safe(case, bob, as_alice, notify):
    person = PersonFactory(
        organisation=case.organisation,
        given_name="Tomás",
        family_name="Ó Briain",
        email="tomas@example.org",
        email_safe=SafeToUse.NO,
        text_safe=SafeToUse.NO,
    )
    party = PartyFactory(organisation=case.organisation, case=case, role="harmed", person=person)

    arrange(case, bob, party)
    send_all()

    withheld = message_to(party)
    assert withheld.status == DeliveryStatus.WITHHELD
    assert withheld.note == (
        "E-mail: they said e-mail is not safe. Text: they said text messages are not safe."
    )
    assert not any(r.get("email_address") == "tomas@example.org" for r in notify.requests)
    page = as_alice.get(reverse("deliveries:list")).content.decode()
    assert "Tomás Ó Briain" in page
    assert "they said e-mail is not safe" in page


def test_not_yet_asked_is_not_safe(case, bob, notify):
    person = PersonFactory(organisation=case.organisation, email="x@example.org")
    party = PartyFactory(organisation=case.organisation, case=case, role="harmed", person=person)
    arrange(case, bob, party)
    assert "E-mail: nobody has asked them yet whether e-mail is safe." in message_to(party).note


def test_an_answer_changed_after_the_message_was_made_withholds_it_as_it_is_sent(
    case, bob, sian, notify
):
    arrange(case, bob, sian)
    sian.person.email_safe = SafeToUse.NO
    sian.person.save()

    send_all()

    delivery = message_to(sian)
    assert delivery.status == DeliveryStatus.WITHHELD
    assert delivery.note == "When it was due to go: they said e-mail is not safe"
    assert notify.of("email") == [] or all(
        r["email_address"] != "sian.oconnor@example.org" for r in notify.of("email")
    )


def test_a_text_goes_through_notify_where_texts_are_safe_and_email_is_not(
    case, bob, sian, zoe, notify
):
    arrange(case, bob, sian, zoe)
    send_all()

    delivery = message_to(zoe)
    assert (delivery.kind, delivery.status) == (DeliveryKind.TEXT, DeliveryStatus.DELIVERED)
    (text,) = notify.of("sms")
    assert text["phone_number"] == "07700 900 461"
    assert text["template_id"] == TEXT_TEMPLATE
    assert text["reference"] == str(delivery.pk)
    body = text["personalisation"]["body"]
    assert body.startswith("Hello Zoë,")
    assert "Monday 26 October 2026 at 10:00" in body
    # Nothing of the case, and nothing of the other side.
    for secret in (case.reference, "Siân", "O'Connor", "Northbridge Community Centre"):
        assert secret not in body
    assert notify.refused_tokens == 0


def test_an_email_goes_through_notify_with_the_subject_and_body_as_personalisation(
    case, bob, sian, notify
):
    arrange(case, bob, sian)
    send_all()

    emails = {r["email_address"]: r for r in notify.of("email")}
    to_sian = emails["sian.oconnor@example.org"]
    assert to_sian["template_id"] == EMAIL_TEMPLATE
    assert to_sian["reference"] == str(message_to(sian).pk)
    assert set(to_sian["personalisation"]) == {"subject", "body"}
    # Bob, the facilitator, hears of it too, naming the case by its reference.
    assert case.reference in emails["bob@northbridge.example"]["personalisation"]["subject"]
    assert notify.refused_tokens == 0
    assert SERVICE_ID in API_KEY


def test_notify_refusing_is_retried_and_its_words_are_not_kept(case, bob, sian, notify):
    notify.answers = [400, 400]
    arrange(case, bob, sian)
    send_all()

    delivery = message_to(sian)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error == "GOV.UK Notify refused the message (400)"
    assert delivery.next_attempt_at > timezone.now()


def test_smtp_when_notify_is_not_chosen(case, bob, sian, settings):
    settings.AMENDS_EMAIL_SERVICE = "smtp"
    arrange(case, bob, sian)
    send_all()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bob@northbridge.example",
        "sian.oconnor@example.org",
    ]


# Contact hours ----------------------------------------------------------------------


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_a_message_outside_the_hours_they_gave_waits_until_they_open(
    case, bob, sian, notify, monkeypatch, as_alice
):
    sian.person.contact_from = datetime.time(9, 0)
    sian.person.contact_until = datetime.time(17, 30)
    sian.person.save()
    monkeypatch.setattr(rules, "now", lambda: at("2026-10-26T07:30"))

    arrange(case, bob, sian)

    delivery = message_to(sian)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at == at("2026-10-26T09:00")
    assert delivery.note == (
        "Held until 09:00 on 26 October 2026: outside the hours they gave for contact"
    )
    page = as_alice.get(reverse("deliveries:list")).content.decode()
    assert "Held until 09:00 on 26 October 2026" in page

    # A worker that reaches it early holds it again, without counting a try.
    assert delivery_attempt(str(delivery.pk)) == "held"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert not any(r.get("email_address") == "sian.oconnor@example.org" for r in notify.requests)

    monkeypatch.setattr(rules, "now", lambda: at("2026-10-26T09:01"))
    assert delivery_attempt(str(delivery.pk)) == "delivered"
    assert any(r.get("email_address") == "sian.oconnor@example.org" for r in notify.requests)


def test_after_their_hours_it_waits_for_the_next_morning_across_the_clock_change(sian):
    sian.person.contact_from = datetime.time(9, 0)
    sian.person.contact_until = datetime.time(17, 0)
    # Saturday evening in summer time; the clocks go back that night.
    until = rules.next_allowed(sian.person, at("2026-10-24T18:15"))
    assert until == at("2026-10-25T09:00")
    assert until.astimezone(datetime.UTC).hour == 9  # 09:00 GMT, not 08:00
    assert rules.next_allowed(sian.person, at("2026-10-25T12:00")) is None


# Language and wording ---------------------------------------------------------------


def test_a_welsh_speaker_gets_her_message_in_welsh(case, bob, sian, zoe, notify):
    arrange(case, bob, sian, zoe)
    send_all()

    emails = {r["email_address"]: r["personalisation"] for r in notify.of("email")}
    welsh = emails["sian.oconnor@example.org"]
    assert welsh["subject"] == "Eich cyfarfod ar 26 Hydref 2026 (dydd Llun)"
    assert welsh["body"].startswith("Helo Siân,")
    assert "am 10:00" in welsh["body"]
    english = notify.of("sms")[0]["personalisation"]["body"]
    assert english.startswith("Hello Zoë,")


def test_the_organisations_own_wording_is_used(case, bob, sian, alice, notify):
    MessageTemplate.objects.create(
        organisation=case.organisation,
        kind="invitation",
        language="cy",
        subject="Cyfarfod",
        body="Shwmae {first_name}, gwelwn ni chi {meeting_date}. {service_phone}",
    )
    case.organisation.phone = "01632 960 001"
    case.organisation.save()
    arrange(case, bob, sian)
    send_all()
    emails = {r["email_address"]: r["personalisation"] for r in notify.of("email")}
    # Through Notify, a line with the link to the calendar file may follow the wording.
    assert emails["sian.oconnor@example.org"]["body"].split("\n\n")[0] == (
        "Shwmae Siân, gwelwn ni chi 26 Hydref 2026 (dydd Llun). 01632 960 001"
    )


def test_the_coordinator_previews_the_wording_with_made_up_details(as_alice):
    url = reverse("notify:edit", args=["reminder", "cy"])
    page = as_alice.get(url).content.decode()
    assert "Nodyn atgoffa" in page

    response = as_alice.post(
        url,
        {
            "action": "preview",
            "subject": "Nodyn atgoffa",
            "body": "Helo {first_name}, welwn ni chi ar {meeting_date} am {meeting_time}?",
        },
    )

    page = response.content.decode()
    assert "Preview with made-up details" in page
    assert "Helo Siân, welwn ni chi ar 26 Hydref 2026 (dydd Llun) am 10:00?" in page
    assert not MessageTemplate.objects.exists()


def test_an_unknown_placeholder_is_refused_at_the_field_and_nothing_is_saved(as_alice):
    url = reverse("notify:edit", args=["invitation", "en"])
    response = as_alice.post(
        url,
        {
            "action": "save",
            "subject": "Your meeting",
            "body": "Hello {first_name}, about case {case_reference}",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "{case_reference} is not a placeholder this message can use" in page
    assert 'id="id_body-error"' in page
    assert not MessageTemplate.objects.exists()

    response = as_alice.post(
        url, {"action": "preview", "subject": "Your meeting {first_name", "body": "Hello"}
    )
    assert "Each { must be closed with a }" in response.content.decode()


def test_a_link_placeholder_is_only_for_the_feedback_message(as_alice):
    response = as_alice.post(
        reverse("notify:edit", args=["thank_you", "en"]),
        {"action": "save", "subject": "Thank you", "body": "Thanks {first_name}: {link}"},
    )
    assert "{link} is not a placeholder this message can use" in response.content.decode()


def test_saved_wording_is_audited_and_can_go_back_to_the_standard(as_alice, org):
    url = reverse("notify:edit", args=["thank_you", "en"])
    response = as_alice.post(
        url, {"action": "save", "subject": "Thanks", "body": "Thank you, {first_name}."}
    )
    assert response.status_code == 302
    saved = MessageTemplate.objects.get(organisation=org)
    assert saved.body == "Thank you, {first_name}."
    listing = as_alice.get(reverse("notify:list")).content.decode()
    assert "Your wording" in listing

    as_alice.post(url, {"action": "reset"})
    assert not MessageTemplate.objects.exists()


def test_only_coordinators_edit_the_wording(as_bob, as_charlie, as_alice, org):
    assert as_bob.get(reverse("notify:list")).status_code == 403
    assert as_bob.get(reverse("notify:edit", args=["invitation", "en"])).status_code == 404
    as_charlie.post(
        reverse("notify:edit", args=["invitation", "en"]),
        {"action": "save", "subject": "Elsewhere", "body": "Hi {first_name}"},
    )
    # Charlie's wording is his own organisation's; Northbridge keeps the standard one.
    assert not MessageTemplate.objects.filter(organisation=org).exists()
    assert as_alice.get(reverse("notify:edit", args=["nonsense", "en"])).status_code == 404


# Sealed sides -----------------------------------------------------------------------


def test_nothing_of_the_harmed_side_reaches_a_message_to_the_responsible_side(
    case, bob, sian, settings
):
    settings.AMENDS_EMAIL_SERVICE = "smtp"
    lukasz = PartyFactory(
        organisation=case.organisation,
        case=case,
        role="responsible",
        person=PersonFactory(
            organisation=case.organisation,
            given_name="Łukasz",
            family_name="Nowak",
            email="lukasz@example.org",
            email_safe=SafeToUse.YES,
        ),
    )
    arrange(case, bob, sian, lukasz)
    send_all()
    (to_lukasz,) = [m for m in mail.outbox if m.to == ["lukasz@example.org"]]
    whole = to_lukasz.subject + to_lukasz.body + to_lukasz.attachments[0][1]
    for detail in ("Siân", "O'Connor", "sian.oconnor", case.reference, "Northbridge Community"):
        assert detail not in whole


# Feedback links ---------------------------------------------------------------------


def test_the_feedback_link_is_not_kept_once_sent(case, bob, sian, notify):
    from amends.notify.services import person_message

    person_message(
        person=sian.person,
        kind="feedback_link",
        values={"link_expires": "9 Tachwedd 2026"},
        secret={"link": "https://amends.example.org/feedback/abc123/"},
    )
    delivery = message_to(sian, "message.feedback_link")
    assert "abc123" not in delivery.payload["body"]
    send_all()
    (sent,) = notify.of("email")
    assert "https://amends.example.org/feedback/abc123/" in sent["personalisation"]["body"]
    delivery.refresh_from_db()
    assert "secret" not in delivery.payload
    assert "abc123" not in str(delivery.payload)


def test_deliveries_page_is_for_coordinators_only(case, bob, as_bob, as_charlie, as_alice):
    person = PersonFactory(
        organisation=case.organisation, given_name="Rhodri", email_safe=SafeToUse.NO
    )
    party = PartyFactory(organisation=case.organisation, case=case, role="harmed", person=person)
    arrange(case, bob, party)

    assert as_bob.get(reverse("deliveries:list")).status_code == 403
    elsewhere = as_charlie.get(reverse("deliveries:list")).content.decode()
    assert "Rhodri" not in elsewhere
    assert "Rhodri" in as_alice.get(reverse("deliveries:list")).content.decode()


def test_a_text_is_withheld_when_texts_are_not_set_up(case, bob, zoe, settings):
    settings.AMENDS_TEXT_SERVICE = ""
    arrange(case, bob, zoe)
    assert message_to(zoe).note == (
        "Text: text messages are not set up for this service. E-mail: they said e-mail is not safe."
    )


def test_anonymising_a_person_clears_their_name_and_words_from_the_delivery_log(case, bob, sian):
    arrange(case, bob, sian)

    counts: Counter[str] = Counter()
    _person_clear(sian.person, counts)  # as erasure and retention both do

    delivery = message_to(sian)
    assert "O'Connor" not in delivery.destination
    assert delivery.payload == {}
    assert counts["messages cleared"] == 1
