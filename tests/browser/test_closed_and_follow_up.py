"""Following up restitution to the end, closing the case, finding it closed, and reopening it."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.agreements.models import ActionKind
from amends.cases.models import CaseStatus, PartyRole
from tests.browser.test_accessibility_sweep import use_session
from tests.conftest import assert_accessible, signed_in
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    CaseEventFactory,
    CaseFactory,
    PartyFactory,
    PaymentFactory,
    PersonFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("AMENDS_SCREENSHOTS", "")


def look(page: Page, name: str) -> None:
    """Check the page with axe; with AMENDS_SCREENSHOTS set, keep it at desktop and phone widths."""
    assert_accessible(page)
    if SCREENSHOTS:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def following_up(org, bob):
    """A case whose agreement asks Łukasz to pay Siân £150; £100 is paid."""
    case = CaseFactory(
        organisation=org,
        reference="RJ-2026-0004",
        lead_facilitator=bob,
        status=CaseStatus.MONITORING,
    )
    harmed = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Brien"),
    )
    responsible = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.RESPONSIBLE,
        person=PersonFactory(organisation=org, given_name="Łukasz", family_name="Nowak"),
    )
    agreement = AgreementFactory(organisation=org, case=case, agreed_on=timezone.localdate())
    action = AgreementActionFactory(
        organisation=org,
        agreement=agreement,
        owner=responsible,
        kind=ActionKind.RESTITUTION,
        amount=Decimal("150.00"),
        description="Łukasz pays Siân £150 towards the window.",
    )
    PaymentFactory(organisation=org, action=action, amount=Decimal("100.00"))
    CaseEventFactory(organisation=org, case=case, code="status_changed", summary="Monitoring")
    assert harmed.pk
    return case, action


def test_restitution_is_varied_the_case_closes_and_is_reopened(
    page: Page, live_server, alice, following_up
):
    case, action = following_up
    use_session(page, live_server, signed_in(alice))
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    expect(page.get_by_text("Paid £100.00 of £150.00: £50.00 still to pay.")).to_be_visible()

    # Marking it done short of the amount is refused, saying how much is owed.
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("£50.00 of the £150.00 agreed is still owed")
    look(page, "action-owed")

    # The coordinator records the new terms instead.
    page.get_by_label("New terms").fill("Łukasz pays £100 and repaints the shop's shutter.")
    page.get_by_label("Why the terms changed").fill("He lost his job; Siân agreed to the work.")
    page.get_by_role("button", name="Record the variation").click()
    expect(page.get_by_text("The action is recorded as varied, verified by you.")).to_be_visible()

    # Now the case can close as an agreement completed.
    page.goto(f"{live_server.url}/cases/{case.pk}/close/")
    page.get_by_label("Agreement completed").check()
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_text("RJ-2026-0004 is closed: agreement completed.")).to_be_visible()
    expect(page.get_by_role("link", name="Change the case's details")).to_have_count(0)
    look(page, "case-closed")

    # By URL, a change page says the case is closed.
    page.goto(f"{live_server.url}/cases/{case.pk}/risk/")
    expect(page.get_by_role("heading", name="This case is closed")).to_be_visible()
    expect(
        page.get_by_text(
            "RJ-2026-0004 is closed, so it cannot be changed. A coordinator can reopen it."
        )
    ).to_be_visible()
    look(page, "closed-page")

    # The coordinator reopens it, with a reason.
    page.get_by_role("link", name="Go back to RJ-2026-0004").click()
    page.get_by_role("link", name="Reopen RJ-2026-0004").click()
    page.get_by_role("button", name="Reopen RJ-2026-0004").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why the case is being reopened")
    look(page, "reopen-error")
    page.get_by_label("Why are you reopening the case?").fill(
        "Siân reports the shutter was not repainted."
    )
    page.get_by_role("button", name="Reopen RJ-2026-0004").click()
    expect(page.get_by_text("RJ-2026-0004 is reopened: agreement monitoring.")).to_be_visible()
    expect(
        page.get_by_text(
            "Case reopened, back to agreement monitoring: Siân reports the shutter was not "
            "repainted."
        )
    ).to_be_visible()
    expect(page.get_by_role("link", name="Change the case's details")).to_be_visible()
    look(page, "case-reopened")


def test_a_stale_save_shows_the_saved_record(page: Page, live_server, alice, bob, following_up):
    case, _action = following_up
    party = case.parties.get(role=PartyRole.HARMED)
    use_session(page, live_server, signed_in(alice))
    page.goto(f"{live_server.url}/cases/{case.pk}/parties/{party.pk}/notes/")
    # Bob saves first, from his own page.
    as_bob = signed_in(bob)
    url = f"/cases/{case.pk}/parties/{party.pk}/notes/"
    version = as_bob.get(url).context["form"]["version"].value()
    as_bob.post(url, {"private_notes": "Her son will come too.", "version": version})

    page.get_by_label("Private notes").fill("Mornings only.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Someone else saved changes to this record while you were editing it"
    )
    expect(page.get_by_label("Private notes")).to_have_value("Her son will come too.")
    look(page, "stale-notes")
