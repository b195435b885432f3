"""Contact details are hidden until revealed, and revealing asks for the second factor again."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from amends.accounts.mfa import SESSION_SECOND_FACTOR_KEY
from amends.core.models import AuditEvent
from tests.factories import CaseFactory, PartyFactory, PersonFactory, totp_code

PHONE = "07700 900 471"
EMAIL = "hidden-marker@example.org"
ADDRESS = "ADDRESS-MARKER-9 Canal Walk"
NOTES = "SAFE-NOTES-MARKER call after six"


@pytest.fixture
def person(org, bob):
    """Someone in a case of bob's: a facilitator reaches only the people in their cases."""
    person = PersonFactory(
        organisation=org, phone=PHONE, email=EMAIL, address=ADDRESS, safe_contact_notes=NOTES
    )
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    PartyFactory(organisation=org, case=case, person=person)
    return person


def second_factor_given_moments_ago(client, user) -> None:
    session = client.session
    session[SESSION_SECOND_FACTOR_KEY] = {"user": user.pk, "type": "totp", "at": time.time()}
    session.save()


def shows_contact(html: str) -> list[str]:
    return [value for value in (PHONE, EMAIL, ADDRESS, NOTES) if value in html]


def reveal(client, person, **data):
    return client.post(
        reverse("privacy:reveal_contact", args=[person.pk]),
        {"next": reverse("people:detail", args=[person.pk]), **data},
    )


def test_the_person_page_hides_contact_details(as_alice, person):
    html = as_alice.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert shows_contact(html) == []
    assert "Show contact details" in html
    assert person.given_name in html  # the page itself is there


def test_the_party_page_hides_a_harmed_persons_contact_details(as_bob, case, harmed):
    harmed.person.phone, harmed.person.address = PHONE, ADDRESS
    harmed.person.save()
    html = as_bob.get(reverse("cases:party", args=[case.pk, harmed.pk])).content.decode()
    assert shows_contact(html) == []
    assert "Show contact details" in html


def test_revealing_asks_for_a_code_and_then_shows_them(as_alice, alice, person):
    asked = reveal(as_alice, person)
    assert asked.status_code == 200
    assert "Confirm it is you" in asked.content.decode()
    assert shows_contact(asked.content.decode()) == []

    wrong = reveal(as_alice, person, code="000000")
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert (
        shows_contact(as_alice.get(reverse("people:detail", args=[person.pk])).content.decode())
        == []
    )

    right = reveal(as_alice, person, code=totp_code(alice))
    assert right.status_code == 302
    assert right.url == reverse("people:detail", args=[person.pk])
    html = as_alice.get(right.url).content.decode()
    assert shows_contact(html) == [PHONE, EMAIL, ADDRESS, NOTES]
    assert AuditEvent.objects.filter(
        actor=alice,
        record_type="person",
        record_id=str(person.pk),
        summary="Revealed contact details",
    ).exists()


def test_a_recent_second_factor_reveals_at_once_and_is_audited(as_bob, bob, person):
    second_factor_given_moments_ago(as_bob, bob)
    response = reveal(as_bob, person)
    assert response.status_code == 302
    html = as_bob.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert PHONE in html
    assert AuditEvent.objects.filter(actor=bob, summary="Revealed contact details").count() == 1


def test_a_reveal_is_for_one_person_only(as_bob, bob, person, org):
    other = PersonFactory(organisation=org, phone="07700 900 999")
    PartyFactory(organisation=org, case=person.parties.get().case, person=other)
    second_factor_given_moments_ago(as_bob, bob)
    reveal(as_bob, person)
    response = as_bob.get(reverse("people:detail", args=[other.pk]))
    assert response.status_code == 200
    assert "07700 900 999" not in response.content.decode()


def test_an_old_second_factor_is_asked_for_again(as_bob, bob, person):
    session = as_bob.session
    session[SESSION_SECOND_FACTOR_KEY] = {
        "user": bob.pk,
        "type": "totp",
        "at": time.time() - 16 * 60,
    }
    session.save()
    assert "Confirm it is you" in reveal(as_bob, person).content.decode()


def test_the_return_address_must_be_our_own(as_bob, bob, person):
    second_factor_given_moments_ago(as_bob, bob)
    response = as_bob.post(
        reverse("privacy:reveal_contact", args=[person.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("people:detail", args=[person.pk])


def test_the_edit_form_opens_only_after_revealing(as_bob, bob, person):
    response = as_bob.get(reverse("people:edit", args=[person.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("privacy:reveal_contact", args=[person.pk]))
    second_factor_given_moments_ago(as_bob, bob)
    as_bob.post(response.url)
    assert PHONE in as_bob.get(reverse("people:edit", args=[person.pk])).content.decode()


def test_the_letter_hides_the_address_until_revealed(as_bob, case, harmed):
    harmed.person.address = ADDRESS
    harmed.person.save()
    html = as_bob.get(reverse("cases:party_letter", args=[case.pk, harmed.pk])).content.decode()
    assert ADDRESS not in html
    assert "The address is hidden" in html
