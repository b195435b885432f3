"""Nothing of one side's contact details or private notes reaches anything meant for the other.

Unique marker strings are planted in every private field of each side; the
pages and documents meant for the other side are rendered and searched.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from amends.cases.models import PartyRole
from tests.conftest import reveal_contact_details
from tests.factories import (
    ConsentRecordFactory,
    ContactLogEntryFactory,
    PartyFactory,
    PersonFactory,
)


def plant(org, case, role, tag):
    person = PersonFactory(
        organisation=org,
        given_name=f"First{tag}",
        family_name=f"SURNAME-{tag}",
        email=f"email-{tag.lower()}@example.org",
        phone=f"07700 900{len(tag):03d}",
        address=f"ADDRESS-{tag}",
        safe_contact_notes=f"SAFE-NOTES-{tag}",
        accessibility_needs=f"ACCESS-{tag}",
    )
    party = PartyFactory(
        organisation=org, case=case, person=person, role=role, private_notes=f"PRIVATE-{tag}"
    )
    ConsentRecordFactory(organisation=org, party=party, note=f"CONSENT-NOTE-{tag}")
    ContactLogEntryFactory(organisation=org, case=case, party=party, note=f"CONTACT-NOTE-{tag}")
    return party


def markers(tag):
    return [
        f"SURNAME-{tag}",
        f"email-{tag.lower()}",
        f"ADDRESS-{tag}",
        f"SAFE-NOTES-{tag}",
        f"ACCESS-{tag}",
        f"PRIVATE-{tag}",
        f"CONSENT-NOTE-{tag}",
        f"CONTACT-NOTE-{tag}",
    ]


@pytest.fixture
def sides(org, case):
    return {
        "harmed": plant(org, case, PartyRole.HARMED, "HARMEDSIDE"),
        "responsible": plant(org, case, PartyRole.RESPONSIBLE, "RESPSIDE"),
    }


def outputs_for(client, case, party):
    """Everything meant for one party: their page and their letter."""
    return {
        "party page": client.get(reverse("cases:party", args=[case.pk, party.pk])).content.decode(),
        "letter": client.get(
            reverse("cases:party_letter", args=[case.pk, party.pk])
        ).content.decode(),
    }


@pytest.mark.parametrize(
    ("mine", "theirs", "their_tag"),
    [
        ("responsible", "harmed", "HARMEDSIDE"),
        ("harmed", "responsible", "RESPSIDE"),
    ],
)
def test_one_sides_outputs_carry_nothing_of_the_other(as_bob, case, sides, mine, theirs, their_tag):
    # Both people's contact details revealed: what is sealed must stay sealed even then.
    reveal_contact_details(as_bob, sides["harmed"].person, sides["responsible"].person)
    own_tag = "RESPSIDE" if mine == "responsible" else "HARMEDSIDE"
    for name, html in outputs_for(as_bob, case, sides[mine]).items():
        for marker in markers(their_tag):
            assert marker not in html, f"{marker} leaked into the {mine} person's {name}"
        # The check can fail: the party's own details are there.
        assert f"First{own_tag}" in html
    page = outputs_for(as_bob, case, sides[mine])["party page"]
    assert f"ADDRESS-{own_tag}" in page and f"PRIVATE-{own_tag}" in page
    # The other side appears by first name only.
    assert f"First{their_tag}" in page
