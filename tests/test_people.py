"""Coordinators and facilitators keep the records of the people their service works with."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from amends.core.models import AuditEvent
from amends.people.models import Person, PersonIdentifier
from tests.conftest import reveal_contact_details
from tests.factories import PersonFactory, PersonIdentifierFactory

VALID = {
    "given_name": "Maisie",
    "family_name": "Thornbury",
    "voicemail_safe": "no",
    "text_safe": "yes",
    "letter_safe": "unknown",
    "email": "maisie@example.org",
    "phone": "07700 900 982",
    "address": "12 Canal Walk\nLeeds\nLS2 7EE",
}


def add(client, **overrides):
    return client.post(reverse("people:add"), {**VALID, **overrides})


def test_facilitator_adds_a_person_and_finds_them_by_name(as_bob, org):
    response = add(as_bob, known_as="Mai")
    person = Person.objects.get()
    assert response.status_code == 302
    assert person.organisation == org
    assert person.voicemail_safe == "no"

    page = as_bob.get(reverse("people:list"), {"q": "thorn"}).content.decode()
    assert "Maisie Thornbury" in page
    page = as_bob.get(reverse("people:list"), {"q": "mai thorn"}).content.decode()
    assert "Maisie Thornbury" in page
    page = as_bob.get(reverse("people:list"), {"q": "nobody"}).content.decode()
    assert "No one matches" in page


def test_search_never_reaches_another_organisation(as_charlie, org):
    PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")
    page = as_charlie.get(reverse("people:list"), {"q": "Thornbury"}).content.decode()
    assert "Maisie" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"given_name": ""}, "given_name", "Enter their first name"),
        ({"email": "maisie-at-example"}, "email", "Enter an e-mail address in the correct format"),
        ({"phone": "call me"}, "phone", "Enter a phone number"),
        (
            {
                "date_of_birth_0": "1",
                "date_of_birth_1": "1",
                "date_of_birth_2": str(datetime.date.today().year + 1),
            },
            "date_of_birth",
            "Date of birth must be today or in the past",
        ),
        (
            {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2010"},
            "date_of_birth",
            "must be a real date",
        ),
        (
            {"date_of_birth_0": "3", "date_of_birth_1": "", "date_of_birth_2": "2010"},
            "date_of_birth",
            "must include a month",
        ),
        ({"voicemail_safe": "maybe"}, "voicemail_safe", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_saves_nothing(as_bob, overrides, field, message):
    response = add(as_bob, **overrides)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    page = response.content.decode()
    assert "There is a problem" in page
    assert page.count(message) >= 2  # in the summary and at the field
    assert not Person.objects.exists()


def test_a_child_is_recognised_from_date_of_birth(as_bob):
    year = datetime.date.today().year - 12
    add(as_bob, date_of_birth_0="15", date_of_birth_1="6", date_of_birth_2=str(year))
    assert Person.objects.get().is_child


def test_editing_keeps_other_edits_safe(as_alice, as_bob, org):
    person = PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")
    # The edit form shows contact details, so both have revealed them (tests/test_reveal.py).
    reveal_contact_details(as_bob, person)
    reveal_contact_details(as_alice, person)
    form = as_bob.get(reverse("people:edit", args=[person.pk])).context["form"]
    version = form["version"].value()

    # Alice saves first.
    alice_version = (
        as_alice.get(reverse("people:edit", args=[person.pk])).context["form"]["version"].value()
    )
    assert (
        as_alice.post(
            reverse("people:edit", args=[person.pk]),
            {**VALID, "phone": "07700 900 111", "version": alice_version},
        ).status_code
        == 302
    )

    # Bob's save from the older page is refused and shows Alice's change.
    response = as_bob.post(
        reverse("people:edit", args=[person.pk]),
        {**VALID, "phone": "07700 900 222", "version": version},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved changes" in page
    assert "Phone number" in page
    assert "07700 900 111" in page
    person.refresh_from_db()
    assert person.phone == "07700 900 111"


def test_identifiers_are_checked_for_format_and_duplicates(as_bob, org):
    person = PersonFactory(organisation=org)
    url = reverse("people:identifier_add", args=[person.pk])

    response = as_bob.post(url, {"kind": "prisoner", "value": "12345"})
    assert (
        "Enter a prisoner number in the correct format, like A1234BC"
        in response.context["form"].errors["value"][0]
    )

    response = as_bob.post(url, {"kind": "pupil", "value": "a123456789012"})
    assert response.status_code == 302
    assert PersonIdentifier.objects.get().value == "A123456789012"

    other = PersonFactory(organisation=org)
    response = as_bob.post(
        reverse("people:identifier_add", args=[other.pk]),
        {"kind": "pupil", "value": "A123456789012"},
    )
    assert "already recorded for someone else" in response.context["form"].errors["value"][0]

    response = as_bob.post(url, {"kind": "passport", "value": "123"})
    assert "Select a kind of identifier from the list" in response.context["form"].errors["kind"][0]
    assert PersonIdentifier.objects.count() == 1


def test_identifier_removal(as_bob, org):
    identifier = PersonIdentifierFactory(organisation=org)
    url = reverse("people:identifier_remove", args=[identifier.person.pk, identifier.pk])
    assert as_bob.post(url).status_code == 302
    assert not PersonIdentifier.objects.exists()


def test_referrers_and_viewers_cannot_see_people(as_rita, as_vera, org):
    person = PersonFactory(organisation=org)
    for client in (as_rita, as_vera):
        assert client.get(reverse("people:list")).status_code == 403
        assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_viewing_a_person_is_audited_without_their_details(as_bob, bob, org):
    person = PersonFactory(organisation=org, phone="07700 900 555")
    as_bob.get(reverse("people:detail", args=[person.pk]))
    event = AuditEvent.objects.get(action="view")
    assert event.actor == bob and event.record_id == str(person.pk)
    assert "07700" not in event.summary


def test_contact_details_are_encrypted_at_rest(as_bob):
    add(
        as_bob,
        phone="07700 900 777",
        email="marker-e-mail@example.org",
        address="MARKER-ADDRESS-XYZ",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, phone, address FROM people_person")
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert "marker-e-mail" not in raw and "MARKER-ADDRESS" not in raw and "900 777" not in raw
    person = Person.objects.get()
    assert person.address == "MARKER-ADDRESS-XYZ"
