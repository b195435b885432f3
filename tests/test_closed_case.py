"""A closed case offers no changes anywhere, by link or by URL; a coordinator can reopen it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from amends.agreements import services as agreements
from amends.agreements.models import Acceptance, ActionKind, AgreementAction, Payment
from amends.cases import services
from amends.cases.models import (
    CaseEvent,
    CaseStatus,
    ConsentRecord,
    ContactLogEntry,
    Party,
    PartyRole,
    RiskAssessment,
)
from amends.core.concurrency import version_of
from amends.core.models import AuditEvent
from amends.documents import services as documents
from amends.documents.models import Document
from tests.factories import (
    SMALL_PDF,
    AgreementActionFactory,
    AgreementFactory,
    CaseEventFactory,
    DocumentFactory,
    PartyFactory,
    PersonFactory,
)
from tests.test_meetings import date_fields, page_text

TODAY = timezone.localdate


@pytest.fixture
def closed(case, alice):
    """A case that was preparing when it closed: two parties, a document, a draft agreement
    with an action."""
    org = case.organisation
    case.reference = "RJ-2026-0004"
    case.status = CaseStatus.PREPARING
    case.save()
    harmed = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Brien"),
        private_notes="Prefers a morning meeting.",
    )
    PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.RESPONSIBLE,
        person=PersonFactory(organisation=org, given_name="Łukasz", family_name="Nowak"),
    )
    DocumentFactory(organisation=org, case=case, party=harmed)
    agreement = AgreementFactory(organisation=org, case=case)
    AgreementActionFactory(
        organisation=org,
        agreement=agreement,
        owner=harmed,
        kind=ActionKind.RESTITUTION,
        amount=Decimal("80.00"),
    )
    # Closed as case_close records it (which would first want the draft's action resolved).
    case.status = CaseStatus.CLOSED
    case.closure_outcome = "withdrawn"
    case.closed_at = timezone.now()
    case.save()
    CaseEventFactory(organisation=org, case=case, code="case_closed:preparing", created_by=alice)
    return case


def change_urls(case) -> dict[str, str]:
    party = case.parties.get(role=PartyRole.HARMED)
    document = case.documents.get()
    action = case.actions.get()
    return {
        "edit": reverse("cases:edit", args=[case.pk]),
        "allocate": reverse("cases:allocate", args=[case.pk]),
        "close": reverse("cases:close", args=[case.pk]),
        "party_add": reverse("cases:party_add", args=[case.pk]),
        "party_notes": reverse("cases:party_notes", args=[case.pk, party.pk]),
        "consent": reverse("cases:consent", args=[case.pk]),
        "risk": reverse("cases:risk", args=[case.pk]),
        "document_add": reverse("documents:add", args=[case.pk]),
        "document_remove": reverse("documents:remove", args=[case.pk, document.pk]),
        "action_add": reverse("agreements:action_add", args=[case.pk]),
        "action_remove": reverse("agreements:action_remove", args=[action.pk]),
        "accept": reverse("agreements:accept", args=[case.pk]),
        "confirm": reverse("agreements:confirm", args=[case.pk]),
        "resolve": reverse("agreements:resolve", args=[action.pk]),
        "vary": reverse("agreements:vary", args=[action.pk]),
        "payment_add": reverse("agreements:payment_add", args=[action.pk]),
    }


CLOSED_MESSAGE = "RJ-2026-0004 is closed, so it cannot be changed. A coordinator can reopen it."


def assert_closed_page(response, case) -> None:
    text = page_text(response)
    assert CLOSED_MESSAGE in text
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in text
    assert "<form" not in text.split('id="main-content"')[-1]


@pytest.mark.parametrize(
    "name",
    [
        "edit",
        "allocate",
        "close",
        "party_add",
        "party_notes",
        "consent",
        "risk",
        "document_add",
        "document_remove",
        "action_add",
        "action_remove",
        "accept",
        "confirm",
        "resolve",
        "vary",
        "payment_add",
    ],
)
def test_no_change_page_opens_on_a_closed_case(as_alice, closed, name):
    response = as_alice.get(change_urls(closed)[name])
    assert response.status_code == 200
    assert_closed_page(response, closed)


def snapshot(case) -> dict[str, object]:
    case.refresh_from_db()
    party = case.parties.get(role=PartyRole.HARMED)
    return {
        "status": case.status,
        "summary": case.harm_summary,
        "lead": case.lead_facilitator_id,
        "notes": party.private_notes,
        "parties": Party.objects.filter(case=case).count(),
        "consent": ConsentRecord.objects.filter(case=case).count(),
        "risk": RiskAssessment.objects.filter(case=case).count(),
        "contacts": ContactLogEntry.objects.filter(case=case).count(),
        "documents": Document.objects.filter(case=case).count(),
        "actions": list(AgreementAction.objects.filter(case=case).values_list("status")),
        "acceptances": Acceptance.objects.filter(case=case).count(),
        "payments": Payment.objects.filter(case=case).count(),
        "events": CaseEvent.objects.filter(case=case).count(),
    }


def test_posting_any_change_to_a_closed_case_changes_nothing(as_alice, alice, bob, closed):
    urls = change_urls(closed)
    party = closed.parties.get(role=PartyRole.HARMED)
    action = closed.actions.get()
    agreement_version = version_of(closed.agreement)
    posts = {
        "edit": {
            "harm_summary": "Changed after closing.",
            "planned_process": "conference",
            "version": version_of(closed),
        },
        "allocate": {"lead_facilitator": alice.pk},
        "close": {"outcome": "no_contact"},
        "party_add": {"given_name": "Aled", "family_name": "Price", "role": "supporter"},
        "party_notes": {"private_notes": "Rewritten.", "version": version_of(party)},
        "consent": {
            "party": party.pk,
            "given_by": party.pk,
            "decision": "given",
            "method": "phone",
            **date_fields("decided_on", TODAY()),
        },
        "risk": {
            "version": services.risk_version(closed),
            "acknowledgement": "full",
            "narrative": "Ready.",
            "decision": "suitable",
            **date_fields("assessed_on", TODAY()),
        },
        "document_add": {
            "document-title": "Letter",
            "document-kind": "letter",
            "document-file": SimpleUploadedFile("letter.pdf", SMALL_PDF),
        },
        "document_remove": {},
        "action_add": {
            "owner": party.pk,
            "kind": "apology_written",
            "description": "Write to say sorry.",
            "version": agreement_version,
            **date_fields("due_on", TODAY() + datetime.timedelta(days=7)),
        },
        "action_remove": {"version": agreement_version},
        "accept": {"party": party.pk, "version": agreement_version},
        "confirm": {"version": agreement_version, **date_fields("agreed_on", TODAY())},
        "resolve": {"status": "done", "version": version_of(action)},
        "vary": {"terms": "New.", "reason": "Why.", "version": version_of(action)},
        "payment_add": {"amount": "80.00", **date_fields("paid_on", TODAY())},
        "contacts": {"kind": "call", "minutes": "20", **date_fields("contact_on", TODAY())},
    }
    urls["contacts"] = reverse("cases:contacts", args=[closed.pk])
    before = snapshot(closed)
    for name, data in posts.items():
        response = as_alice.post(urls[name], data)
        assert response.status_code == 409, name
        assert CLOSED_MESSAGE in page_text(response), name
        assert snapshot(closed) == before, name


def test_the_case_pages_offer_no_changes_once_closed(as_alice, as_bob, closed):
    urls = change_urls(closed)
    page = page_text(as_alice.get(reverse("cases:detail", args=[closed.pk])))
    for name, url in urls.items():
        assert f'href="{url}"' not in page, name
        assert f'action="{url}"' not in page, name
    assert "Reopen RJ-2026-0004" in page
    assert "Reopen" not in page_text(as_bob.get(reverse("cases:detail", args=[closed.pk])))

    party = closed.parties.get(role=PartyRole.HARMED)
    page = page_text(as_alice.get(reverse("cases:party", args=[closed.pk, party.pk])))
    assert "Change private notes" not in page and "Record consent" not in page

    page = page_text(as_alice.get(reverse("agreements:detail", args=[closed.pk])))
    assert "Add an action" not in page and "Remove" not in page
    assert "Record acceptance" not in page and "Confirm the agreement</button>" not in page

    page = page_text(
        as_alice.get(reverse("agreements:action_detail", args=[closed.actions.get().pk]))
    )
    assert "Record payment" not in page and "Record a variation" not in page
    assert "RJ-2026-0004 is closed, so this action cannot be changed." in page

    page = page_text(as_alice.get(reverse("cases:contacts", args=[closed.pk])))
    assert "Log contact" not in page and "<textarea" not in page


def test_every_service_refuses_a_closed_case(alice, closed):
    party = closed.parties.get(role=PartyRole.HARMED)
    action = closed.actions.get()
    document = closed.documents.get()
    person = PersonFactory(organisation=closed.organisation)
    attempts = [
        lambda: services.case_move(case=closed, to=CaseStatus.MEETING_ARRANGED, by=alice),
        lambda: services.case_allocate(case=closed, lead=alice, co=None, by=alice),
        lambda: services.party_add(case=closed, person=person, role="supporter", by=alice),
        lambda: services.party_update_notes(
            party=party, private_notes="x", by=alice, loaded_version=version_of(party)
        ),
        lambda: services.consent_record(
            party=party,
            given_by=party,
            decision="given",
            method="phone",
            decided_on=TODAY(),
            note="",
            by=alice,
        ),
        lambda: services.risk_assess(
            case=closed,
            by=alice,
            loaded_version=services.risk_version(closed),
            acknowledgement="full",
            narrative="x",
            mitigations="",
            decision="suitable",
            assessed_on=TODAY(),
        ),
        lambda: services.contact_log(
            case=closed, by=alice, kind="call", contact_on=TODAY(), minutes=10
        ),
        lambda: documents.document_add(
            case=closed,
            upload=SimpleUploadedFile("a.pdf", SMALL_PDF),
            title="A",
            kind="letter",
            by=alice,
        ),
        lambda: documents.document_remove(document=document, by=alice),
        lambda: agreements.agreement_for(case=closed, by=alice),
        lambda: agreements.action_add(
            case=closed,
            by=alice,
            loaded_version=version_of(closed.agreement),
            owner=party,
            kind="apology_spoken",
            description="Say sorry.",
            due_on=TODAY(),
        ),
        lambda: agreements.action_remove(
            action=action, by=alice, loaded_version=version_of(closed.agreement)
        ),
        lambda: agreements.payment_record(
            action=action, amount=Decimal("10"), paid_on=TODAY(), by=alice
        ),
    ]
    before = snapshot(closed)
    for attempt in attempts:
        with pytest.raises(ValidationError, match="RJ-2026-0004 is closed"):
            attempt()
    assert snapshot(closed) == before
    assert not any(path.name != document.stored_name for path in document.path.parent.iterdir()), (
        "a refused upload leaves no file behind"
    )


# Reopening ------------------------------------------------------------------------------


def reopen(client, case, reason="Siân asked to meet after all."):
    return client.post(reverse("cases:reopen", args=[case.pk]), {"reason": reason})


def test_a_coordinator_reopens_a_case_where_it_was(as_alice, alice, closed):
    page = page_text(as_alice.get(reverse("cases:reopen", args=[closed.pk])))
    assert "Why are you reopening the case?" in page
    response = reopen(as_alice, closed)
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.status == CaseStatus.PREPARING
    assert closed.closure_outcome == "" and closed.closed_at is None
    event = closed.events.first()
    assert event.code == "case_reopened"
    assert event.created_by == alice
    assert event.summary == "Case reopened, back to preparing: Siân asked to meet after all."
    audit = AuditEvent.objects.filter(record_type="case", record_id=str(closed.pk)).latest("pk")
    assert audit.actor == alice
    assert "Siân asked to meet after all." in audit.summary
    # Changes are offered again.
    page = page_text(as_alice.get(reverse("cases:detail", args=[closed.pk])))
    assert f'href="{reverse("cases:edit", args=[closed.pk])}"' in page
    assert as_alice.get(reverse("cases:edit", args=[closed.pk])).status_code == 200


def test_reopening_needs_a_reason(as_alice, closed):
    response = reopen(as_alice, closed, reason="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Enter why the case is being reopened"]
    assert "There is a problem" in page_text(response)
    closed.refresh_from_db()
    assert closed.status == CaseStatus.CLOSED


def test_only_a_coordinator_reopens(as_bob, as_charlie, closed):
    for client in (as_bob, as_charlie):
        assert client.get(reverse("cases:reopen", args=[closed.pk])).status_code == 404
        assert reopen(client, closed).status_code == 404
    closed.refresh_from_db()
    assert closed.status == CaseStatus.CLOSED


def test_a_case_closed_without_its_earlier_status_on_record_reopens_as_open(as_alice, case, alice):
    case.status = CaseStatus.CLOSED
    case.closure_outcome = "no_contact"
    case.closed_at = timezone.now()
    case.save()
    CaseEventFactory(organisation=case.organisation, case=case, code="case_closed")
    assert reopen(as_alice, case).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_an_open_case_is_not_reopened(as_alice, case):
    response = reopen(as_alice, case)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not case.events.filter(code="case_reopened").exists()


def test_closing_and_reopening_returns_to_the_status_before(as_alice, alice, case):
    services.case_move(case=case, to=CaseStatus.PREPARING, by=alice)
    services.case_move(case=case, to=CaseStatus.MEETING_ARRANGED, by=alice)
    services.case_close(case=case, outcome="responsible_declined", note="", by=alice)
    assert reopen(as_alice, case).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEETING_ARRANGED
    assert case.closure_outcome == ""
