"""Sides stay sealed beyond the party page: e-mails, logs, the subject-access export,
documents and the agreement PDF.

Markers are planted in every private field of a harmed and a responsible
person (tests/test_sealed_sides.py).
"""

from __future__ import annotations

import json
import logging

import pytest
from django.core import mail
from django.urls import reverse

from amends.cases.models import PartyRole
from tests.conftest import reveal_contact_details
from tests.factories import DocumentFactory
from tests.test_sealed_sides import markers, plant


@pytest.fixture
def sides(org, case):
    return {
        "harmed": plant(org, case, PartyRole.HARMED, "HARMEDSIDE"),
        "responsible": plant(org, case, PartyRole.RESPONSIBLE, "RESPSIDE"),
    }


def case_pages(case, sides) -> list[str]:
    pages = [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:timeline", args=[case.pk]),
        reverse("cases:contacts", args=[case.pk]),
    ]
    for party in sides.values():
        pages += [
            reverse("cases:party", args=[case.pk, party.pk]),
            reverse("cases:party_letter", args=[case.pk, party.pk]),
            reverse("people:detail", args=[party.person_id]),
            reverse("people:edit", args=[party.person_id]),
            reverse("privacy:export_json", args=[party.person_id]),
        ]
    return pages


def test_no_contact_details_in_any_log_line(caplog, as_alice, alice, case, sides):
    """Every page of the case, contact details revealed, a refused form and a 404:
    whatever any logger writes at DEBUG names no one's contact details."""
    reveal_contact_details(as_alice, *(party.person for party in sides.values()))
    caplog.set_level(logging.DEBUG)
    for url in case_pages(case, sides):
        assert as_alice.get(url).status_code == 200, url
    harmed = sides["harmed"].person
    # A refused edit that carries a marker in what was typed.
    as_alice.post(reverse("people:edit", args=[harmed.pk]), {"email": "ADDRESS-HARMEDSIDE-typed"})
    as_alice.get("/no-such-page-ADDRESS/")
    lines = [record.getMessage() for record in caplog.records]
    assert lines, "nothing was logged, so the check proved nothing"
    for line in lines:
        for tag in ("HARMEDSIDE", "RESPSIDE"):
            for marker in markers(tag):
                assert marker not in line, f"{marker} in a log line: {line[:200]}"
        assert "HARMEDSIDE-typed" not in line


def test_no_e_mail_carries_anyones_details(
    as_alice, case, sides, django_capture_on_commit_callbacks
):
    reveal_contact_details(as_alice, *(party.person for party in sides.values()))
    for url in case_pages(case, sides):
        as_alice.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        invited = as_alice.post(
            reverse("core:member_invite"),
            {"email": "new@northbridge.example", "role": "facilitator"},
        )
    assert invited.status_code == 302
    assert mail.outbox, "no e-mail was sent, so the check proved nothing"
    for message in mail.outbox:
        text = "\n".join(
            [
                message.subject,
                message.body,
                *(str(alt[0]) for alt in getattr(message, "alternatives", [])),
            ]
        )
        for tag in ("HARMEDSIDE", "RESPSIDE"):
            for marker in markers(tag):
                assert marker not in text, f"{marker} in an e-mail"


def test_the_responsible_persons_export_holds_nothing_of_the_harmed_person(as_alice, sides):
    exported = as_alice.get(reverse("privacy:export_json", args=[sides["responsible"].person_id]))
    text = exported.content.decode()
    assert json.loads(text)["person"]["last_name"] == "SURNAME-RESPSIDE"
    for marker in [*markers("HARMEDSIDE"), "FirstHARMEDSIDE"]:
        assert marker not in text


def test_the_documents_list_names_people_by_first_name_and_part_only(as_bob, org, case, sides):
    for party in sides.values():
        DocumentFactory(organisation=org, case=case, party=party, title="Signed agreement")
    page = as_bob.get(reverse("cases:detail", args=[case.pk])).content.decode()
    documents = page[page.index('id="documents"') : page.index("Add a document")]
    assert "FirstHARMEDSIDE" in documents and "FirstRESPSIDE" in documents
    for tag in ("HARMEDSIDE", "RESPSIDE"):
        for marker in markers(tag):
            assert marker not in documents, f"{marker} in the documents list"


def test_the_agreement_pdf_carries_first_names_and_nothing_private(as_bob, org, case, sides):
    """The agreement is shared by both sides: first names only, nothing of either side's private record."""
    import io

    from pypdf import PdfReader

    from tests.factories import AcceptanceFactory, AgreementActionFactory, AgreementFactory

    agreement = AgreementFactory(organisation=org, case=case)
    AgreementActionFactory(organisation=org, agreement=agreement, owner=sides["responsible"])
    for party in sides.values():
        AcceptanceFactory(organisation=org, agreement=agreement, party=party)
    response = as_bob.get(reverse("agreements:pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "FirstHARMEDSIDE" in text and "FirstRESPSIDE" in text
    for tag in ("HARMEDSIDE", "RESPSIDE"):
        for marker in markers(tag):
            assert marker not in text, f"{marker} is in the agreement PDF"
