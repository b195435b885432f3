"""Every edit of an existing record refuses a page that is out of date, or has no version.

Each story: Alice opens a page; Bob (or a second coordinator) saves a change;
Alice saves from her page. Hers is refused, the page shows the record as saved,
and nothing of hers is saved. A save without a version is refused the same way.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from amends.agreements.models import Acceptance, ActionStatus, AgreementAction
from amends.cases.models import CaseStatus, PartyRole, RiskAssessment
from amends.core.concurrency import MISSING_VERSION_MESSAGE
from amends.core.models import Role
from tests.conftest import signed_in
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    MeetingFactory,
    MembershipFactory,
    PartyFactory,
    PersonFactory,
    UserFactory,
)
from tests.test_meetings import action_data, consent, date_fields, page_text

TODAY = timezone.localdate
SOMEONE_ELSE = "Someone else saved changes to this record while you were editing it"


def version_in(response, form: str = "form") -> str:
    """The version a page's form carries, as the browser would post it back."""
    value = response.context[form]["version"].value()
    assert value, "the page's form carries a version"
    return str(value)


def refused(response, message: str) -> str:
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert message in text.replace("&#x27;", "'")
    return text


# A party's private notes -------------------------------------------------------------------


@pytest.fixture
def sian(case):
    return PartyFactory(
        organisation=case.organisation,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(
            organisation=case.organisation, given_name="Siân", family_name="O'Brien"
        ),
        private_notes="Prefers mornings.",
    )


def notes_url(party) -> str:
    return reverse("cases:party_notes", args=[party.case_id, party.pk])


def test_private_notes_saved_over_a_stale_page_are_refused(as_alice, as_bob, sian):
    stale = version_in(as_alice.get(notes_url(sian)))
    bob_page = as_bob.get(notes_url(sian))
    response = as_bob.post(
        notes_url(sian),
        {
            "private_notes": "Prefers mornings; her son will come too.",
            "version": version_in(bob_page),
        },
    )
    assert response.status_code == 302

    response = as_alice.post(
        notes_url(sian), {"private_notes": "Afternoons only.", "version": stale}
    )
    text = refused(response, SOMEONE_ELSE + ", so yours have not been saved.")
    assert "The saved record now differs from yours in: private notes." in text
    assert "her son will come too" in text  # the form shows the notes as saved
    sian.refresh_from_db()
    assert sian.private_notes == "Prefers mornings; her son will come too."
    # Saving again from the refreshed page works.
    assert (
        as_alice.post(
            notes_url(sian), {"private_notes": "Afternoons only.", "version": version_in(response)}
        ).status_code
        == 302
    )
    sian.refresh_from_db()
    assert sian.private_notes == "Afternoons only."


def test_private_notes_without_a_version_are_refused(as_alice, sian):
    response = as_alice.post(notes_url(sian), {"private_notes": "Afternoons only."})
    refused(response, MISSING_VERSION_MESSAGE)
    sian.refresh_from_db()
    assert sian.private_notes == "Prefers mornings."


# A risk assessment --------------------------------------------------------------------------


def risk_data(version: str | None, **overrides: str) -> dict[str, str]:
    data = {
        "acknowledgement": "full",
        "narrative": "Both keen; no history between them.",
        "decision": "suitable",
        **date_fields("assessed_on", TODAY()),
        **overrides,
    }
    if version is not None:
        data["version"] = version
    return data


def test_an_assessment_from_a_page_older_than_the_current_one_is_refused(as_alice, as_bob, case):
    url = reverse("cases:risk", args=[case.pk])
    stale = version_in(as_alice.get(url))
    response = as_bob.post(
        url,
        risk_data(
            version_in(as_bob.get(url)),
            decision="not_suitable",
            narrative="He made threats on Facebook last week.",
        ),
    )
    assert response.status_code == 302

    response = as_alice.post(url, risk_data(stale))
    text = refused(
        response,
        "Someone else recorded a risk assessment after you opened this page, so yours has "
        "not been saved.",
    )
    assert "The current assessment: not suitable" in text
    assert RiskAssessment.objects.filter(case=case).count() == 1
    assert RiskAssessment.objects.get(case=case).decision == "not_suitable"
    # Having seen it, she can record hers.
    assert as_alice.post(url, risk_data(version_in(response))).status_code == 302
    assert RiskAssessment.objects.filter(case=case).count() == 2


def test_an_assessment_without_a_version_is_refused(as_alice, case):
    response = as_alice.post(reverse("cases:risk", args=[case.pk]), risk_data(None))
    refused(response, MISSING_VERSION_MESSAGE)
    assert not RiskAssessment.objects.filter(case=case).exists()


# The agreement ----------------------------------------------------------------------------------


@pytest.fixture
def draft(case, harmed, responsible):
    """A draft agreement with one action, after a held meeting; both parties consent."""
    case.status = CaseStatus.MEETING_ARRANGED
    case.save()
    MeetingFactory(
        organisation=case.organisation, case=case, status="held", facilitator=case.lead_facilitator
    )
    consent(harmed)
    consent(responsible)
    agreement = AgreementFactory(organisation=case.organisation, case=case)
    AgreementActionFactory(organisation=case.organisation, agreement=agreement, owner=responsible)
    return agreement


def bob_adds_an_action(as_bob, case, responsible) -> None:
    url = reverse("agreements:action_add", args=[case.pk])
    version = version_in(as_bob.get(url))
    response = as_bob.post(
        url,
        action_data(
            responsible,
            kind="reparation",
            hours="6",
            description="Paint the fence.",
            version=version,
        ),
    )
    assert response.status_code == 302


def test_an_action_added_to_a_stale_agreement_is_refused(
    as_alice, as_bob, case, draft, responsible
):
    url = reverse("agreements:action_add", args=[case.pk])
    stale = version_in(as_alice.get(url))
    bob_adds_an_action(as_bob, case, responsible)
    response = as_alice.post(
        url, action_data(responsible, description="Write to the shop owner.", version=stale)
    )
    refused(response, SOMEONE_ELSE)
    assert AgreementAction.objects.filter(case=case).count() == 2
    descriptions = [a.description for a in AgreementAction.objects.filter(case=case)]
    assert "Write to the shop owner." not in descriptions
    # The form now carries the agreement as saved, so adding it again works.
    fresh = version_in(response)
    assert fresh != stale
    response = as_alice.post(
        url, action_data(responsible, description="Write to the shop owner.", version=fresh)
    )
    assert response.status_code == 302
    assert AgreementAction.objects.filter(case=case).count() == 3


def test_an_action_added_without_a_version_is_refused(as_alice, case, draft, responsible):
    response = as_alice.post(
        reverse("agreements:action_add", args=[case.pk]), action_data(responsible)
    )
    refused(response, MISSING_VERSION_MESSAGE)
    assert AgreementAction.objects.filter(case=case).count() == 1


def test_an_action_removed_from_a_stale_agreement_is_refused(
    as_alice, as_bob, case, draft, responsible
):
    action = draft.actions.get()
    url = reverse("agreements:action_remove", args=[action.pk])
    stale = as_alice.get(url).context["version"]
    bob_adds_an_action(as_bob, case, responsible)
    refused(as_alice.post(url, {"version": stale}), SOMEONE_ELSE)
    assert AgreementAction.objects.filter(pk=action.pk).exists()
    refused(as_alice.post(url, {}), MISSING_VERSION_MESSAGE)
    assert AgreementAction.objects.filter(case=case).count() == 2


def test_an_acceptance_of_a_stale_agreement_is_refused(
    as_alice, as_bob, case, draft, harmed, responsible
):
    page = as_alice.get(reverse("agreements:detail", args=[case.pk]))
    stale = version_in(page, "accept_form")
    bob_adds_an_action(as_bob, case, responsible)
    url = reverse("agreements:accept", args=[case.pk])
    data = {"party": str(harmed.pk), **date_fields("accepted_on", TODAY())}
    text = refused(as_alice.post(url, {**data, "version": stale}), SOMEONE_ELSE)
    assert "Paint the fence." in text  # the agreement as saved, with Bob's action
    refused(as_alice.post(url, data), MISSING_VERSION_MESSAGE)
    assert not Acceptance.objects.exists()


def test_confirming_a_stale_agreement_is_refused(
    as_alice, as_bob, case, draft, harmed, responsible
):
    for party in (harmed, responsible):
        Acceptance.objects.create(
            organisation=case.organisation,
            agreement=draft,
            case=case,
            party=party,
            accepted_on=TODAY(),
        )
    page = as_alice.get(reverse("agreements:detail", args=[case.pk]))
    stale = version_in(page, "confirm_form")
    bob_adds_an_action(as_bob, case, responsible)  # which clears the acceptances
    url = reverse("agreements:confirm", args=[case.pk])
    data = date_fields("agreed_on", TODAY())
    refused(as_alice.post(url, {**data, "version": stale}), SOMEONE_ELSE)
    refused(as_alice.post(url, data), MISSING_VERSION_MESSAGE)
    draft.refresh_from_db()
    case.refresh_from_db()
    assert draft.agreed_on is None
    assert case.status == CaseStatus.MEETING_ARRANGED


# An action's follow-up ---------------------------------------------------------------------------


def test_an_action_resolved_from_a_stale_page_is_refused(as_alice, as_bob, case, draft):
    draft.agreed_on = TODAY() - datetime.timedelta(days=10)
    draft.save()
    action = draft.actions.get()
    url = reverse("agreements:action_detail", args=[action.pk])
    stale = version_in(as_alice.get(url), "resolve_form")
    resolve = reverse("agreements:resolve", args=[action.pk])
    response = as_bob.post(
        resolve,
        {
            "status": "not_done",
            "note": "No letter arrived.",
            "version": version_in(as_bob.get(url), "resolve_form"),
            **date_fields("resolved_on", TODAY()),
        },
    )
    assert response.status_code == 302

    data = {"status": "done", "note": "", **date_fields("resolved_on", TODAY())}
    text = refused(as_alice.post(resolve, {**data, "version": stale}), SOMEONE_ELSE)
    assert "Not done" in text and "No letter arrived." in text  # the action as saved
    refused(as_alice.post(resolve, data), MISSING_VERSION_MESSAGE)
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_DONE
    assert action.verification_note == "No letter arrived."


# Organisation settings ---------------------------------------------------------------------------


def settings_data(org, version: str | None, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": org.name,
        "kind": org.kind or "justice_service",
        "sectors": org.sectors or ["justice"],
        "postcode": "LS1 4AP",
        "case_reference_prefix": "RJ",
        "retention_years": 6,
        **overrides,
    }
    if version is not None:
        data["version"] = version
    return data


def test_organisation_details_saved_over_a_stale_page_are_refused(as_alice, org):
    olu = UserFactory(email="olu@northbridge.example", full_name="Olúwaseun Adébáyọ̀")
    MembershipFactory(user=olu, organisation=org, role=Role.COORDINATOR)
    as_olu = signed_in(olu)
    url = reverse("core:organisation_settings")
    stale = version_in(as_alice.get(url))
    response = as_olu.post(
        url, settings_data(org, version_in(as_olu.get(url)), phone="0113 496 0000")
    )
    assert response.status_code == 302

    response = as_alice.post(url, settings_data(org, stale, name="Northbridge Restorative Hub"))
    text = refused(response, SOMEONE_ELSE)
    assert "0113 496 0000" in text  # the form shows the details as saved
    refused(
        as_alice.post(url, settings_data(org, None, name="Northbridge Restorative Hub")),
        MISSING_VERSION_MESSAGE,
    )
    org.refresh_from_db()
    assert org.name == "Northbridge RJ Hub"
    assert org.phone == "0113 496 0000"
