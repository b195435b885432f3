"""A person's rights: a copy of everything held about them, and erasure where the law allows."""

from __future__ import annotations

import datetime
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import CaseEvent, CaseStatus, PartyRole
from amends.cases.services import party_add
from amends.core.models import AuditEvent
from amends.people.models import Person
from amends.privacy.export import subject_access_data
from amends.privacy.models import Anonymisation
from tests.factories import CaseFactory, RiskAssessmentFactory
from tests.test_sealed_sides import markers, plant


@pytest.fixture
def sides(org, case):
    return {
        "harmed": plant(org, case, PartyRole.HARMED, "HARMEDSIDE"),
        "responsible": plant(org, case, PartyRole.RESPONSIBLE, "RESPSIDE"),
    }


def export_json(client, person) -> str:
    response = client.get(reverse("privacy:export_json", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content.decode()


@pytest.mark.parametrize(
    ("mine", "their_tag"), [("harmed", "RESPSIDE"), ("responsible", "HARMEDSIDE")]
)
def test_the_export_holds_the_persons_data_and_none_of_anyone_elses(
    as_alice, sides, mine, their_tag
):
    own_tag = "HARMEDSIDE" if mine == "harmed" else "RESPSIDE"
    person = sides[mine].person
    exported = export_json(as_alice, person)
    data = json.loads(exported)
    pdf_html = render_to_string(
        "privacy/subject_access_pdf.html", {"data": subject_access_data(person)}
    )
    for text in (exported, pdf_html):
        for marker in markers(own_tag):
            assert marker in text, f"{marker} missing from the export"
        for marker in [*markers(their_tag), f"First{their_tag}"]:
            assert marker not in text, f"{marker} of another party leaked into the export"
    other_role = "Person responsible" if mine == "harmed" else "Person harmed"
    assert data["cases"][0]["others_in_the_case"] == [other_role]
    assert AuditEvent.objects.filter(
        record_type="person", record_id=str(person.pk), action="export"
    ).exists()


def test_the_export_holds_their_contact_hours_language_and_place_on_the_roll(as_alice, sides):
    person = sides["harmed"].person
    person.email_safe = "yes"
    person.contact_from, person.contact_until = datetime.time(9), datetime.time(18)
    person.message_language = "cy"
    person.year_group, person.form_group = "Year 8", "8B"
    person.save()
    exported = json.loads(export_json(as_alice, person))["person"]
    assert exported["emails_safe"] == "Yes"
    assert (exported["contact_only_from"], exported["contact_only_until"]) == (
        "09:00:00",
        "18:00:00",
    )
    assert exported["letters_and_messages_in"] == "Cymraeg (Welsh)"
    assert (exported["year_group"], exported["form_or_class"]) == ("Year 8", "8B")


def test_the_pdf_is_a_pdf(as_alice, sides):
    response = as_alice.get(reverse("privacy:export_pdf", args=[sides["harmed"].person_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_only_a_coordinator_can_export_or_erase(as_bob, sides):
    person = sides["harmed"].person
    for name in ("privacy:export_json", "privacy:export_pdf", "privacy:subject_access"):
        assert as_bob.get(reverse(name, args=[person.pk])).status_code == 404


def erase(client, person, **data):
    return client.post(
        reverse("privacy:subject_access", args=[person.pk]),
        {"reason": "erasure_request", "note": "Asked by letter", "confirm": "on", **data},
    )


def test_erasure_is_refused_while_the_case_is_open(as_alice, sides):
    person = sides["harmed"].person
    page = as_alice.get(reverse("privacy:subject_access", args=[person.pk])).content.decode()
    assert "cannot be erased now" in page
    assert "is in an open case" in page
    response = erase(as_alice, person)
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.family_name == "SURNAME-HARMEDSIDE"


def test_erasure_is_refused_where_safeguarding_records_must_be_kept(as_alice, org, case, sides):
    RiskAssessmentFactory(organisation=org, case=case, safeguarding=True)
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.save()
    response = erase(as_alice, sides["harmed"].person)
    assert "safeguarding concern was recorded" in response.content.decode()
    assert not Anonymisation.objects.exists()


def test_erasure_of_someone_in_closed_cases_anonymises_them(as_alice, alice, org, bob, sides):
    person = sides["harmed"].person
    other_case = CaseFactory(organisation=org, lead_facilitator=bob)
    party_add(case=other_case, person=person, role=PartyRole.HARMED, by=alice)
    for case in (sides["harmed"].case, other_case):
        case.status = CaseStatus.CLOSED
        case.closed_at = timezone.now()
        case.save()

    response = erase(as_alice, person)
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.given_name == "Anonymised"
    assert person.email == person.phone == person.address == person.safe_contact_notes == ""
    assert not person.identifiers.exists()
    sides["harmed"].refresh_from_db()
    assert sides["harmed"].private_notes == ""
    assert not CaseEvent.objects.filter(summary__contains="SURNAME-HARMEDSIDE").exists()
    assert not AuditEvent.objects.filter(summary__contains="SURNAME-HARMEDSIDE").exists()
    record = Anonymisation.objects.get(person=person)
    assert (
        record.reason == "erasure_request"
        and record.note == "Asked by letter"
        and record.by == alice
    )
    assert AuditEvent.objects.filter(
        record_type="person", record_id=str(person.pk), action="delete"
    ).exists()
    # The other side's records are theirs, and stay.
    sides["responsible"].refresh_from_db()
    assert sides["responsible"].private_notes == "PRIVATE-RESPSIDE"
    assert Person.objects.get(pk=sides["responsible"].person_id).family_name == "SURNAME-RESPSIDE"


def test_erasure_needs_a_reason_and_a_confirmation(as_alice, case, sides):
    case.status = CaseStatus.CLOSED
    case.save()
    response = erase(as_alice, sides["harmed"].person, reason="", confirm="")
    page = response.content.decode()
    assert "Select why their data is being erased" in page
    assert "Confirm that you understand" in page
