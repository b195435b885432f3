"""Outcome agreements: drafted, accepted, confirmed, printed with first names only, followed up."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from amends.agreements.models import (
    Acceptance,
    ActionKind,
    ActionStatus,
    Agreement,
    AgreementAction,
    Payment,
)
from amends.cases.models import CaseStatus, PartyRole
from amends.core.concurrency import version_of
from tests.factories import (
    AcceptanceFactory,
    AgreementActionFactory,
    AgreementFactory,
    CaseFactory,
    ConsentRecordFactory,
    MeetingFactory,
    PartyFactory,
    PaymentFactory,
    PersonFactory,
    RiskAssessmentFactory,
)
from tests.test_meetings import action_data, consent, date_fields, page_text

TODAY = timezone.localdate


def agreement_version(case) -> str:
    """The version of the case's agreement as a page loaded now would carry it."""
    return version_of(Agreement.objects.get(case=case))


@pytest.fixture
def agreement(case, harmed, responsible):
    """A draft agreement for a case whose meeting has been held, with both parties consenting."""
    case.status = CaseStatus.MEETING_ARRANGED
    case.save()
    for party in (harmed, responsible):
        ConsentRecordFactory(organisation=case.organisation, party=party)
    MeetingFactory(
        organisation=case.organisation, case=case, status="held", facilitator=case.lead_facilitator
    )
    return AgreementFactory(organisation=case.organisation, case=case)


@pytest.fixture
def action(agreement, responsible):
    return AgreementActionFactory(
        organisation=agreement.organisation, agreement=agreement, owner=responsible
    )


def accept_all(agreement, *parties):
    for party in parties:
        AcceptanceFactory(organisation=agreement.organisation, agreement=agreement, party=party)


@pytest.fixture
def confirmed(agreement, action, harmed, responsible):
    accept_all(agreement, harmed, responsible)
    agreement.agreed_on = TODAY()
    agreement.save()
    return agreement


# Drafting -----------------------------------------------------------------------------


def test_the_first_action_starts_a_draft_agreement(as_bob, case, responsible):
    page = page_text(as_bob.get(reverse("agreements:detail", args=[case.pk])))
    assert "No agreement has been drafted yet" in page
    url = reverse("agreements:action_add", args=[case.pk])
    assert as_bob.get(url).status_code == 200
    response = as_bob.post(
        url, action_data(responsible, kind="restitution", amount="150", description="Pay £150.")
    )
    assert response.status_code == 302
    action = AgreementAction.objects.get()
    assert action.agreement.case == case
    assert action.amount == Decimal("150")
    page = page_text(as_bob.get(reverse("agreements:detail", args=[case.pk])))
    assert "Draft" in page
    assert "Pay £150." in page
    assert "£150.00" in page
    assert responsible.first_name in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": "reparation"}, "hours", "Enter the hours of reparation work, like 10"),
        ({"kind": "restitution"}, "amount", "Enter the amount to be paid, like 150.00"),
        ({"amount": "lots"}, "amount", "The amount must be a number, like 150.00"),
        ({"owner": ""}, "owner", "Select who will do it"),
        ({"kind": ""}, "kind", "Select the kind of action"),
        (
            date_fields("due_on", datetime.date.today() - datetime.timedelta(days=1)),
            "due_on",
            "Due by must be today or in the future",
        ),
    ],
)
def test_bad_actions_are_refused_at_the_field(as_bob, case, responsible, overrides, field, message):
    response = as_bob.post(
        reverse("agreements:action_add", args=[case.pk]), action_data(responsible, **overrides)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in page_text(response)
    assert not AgreementAction.objects.exists()


def test_someone_from_another_case_cannot_own_an_action(as_bob, org, case):
    stranger = PartyFactory(organisation=org)
    response = as_bob.post(reverse("agreements:action_add", args=[case.pk]), action_data(stranger))
    assert "Select someone in this case" in response.context["form"].errors["owner"][0]
    assert not AgreementAction.objects.exists()


def test_an_action_is_removed_while_the_agreement_is_a_draft(as_bob, action):
    url = reverse("agreements:action_remove", args=[action.pk])
    assert "Remove the apology (written)" in page_text(as_bob.get(url))
    assert as_bob.post(url, {"version": agreement_version(action.case)}).status_code == 302
    assert not AgreementAction.objects.exists()


def test_a_confirmed_agreements_actions_are_not_removed(as_bob, confirmed, action):
    response = as_bob.post(
        reverse("agreements:action_remove", args=[action.pk]),
        {"version": agreement_version(confirmed.case)},
    )
    assert response.status_code == 200
    assert "its actions can only be followed up, not edited" in page_text(response)
    assert AgreementAction.objects.filter(pk=action.pk).exists()
    response = as_bob.post(
        reverse("agreements:action_add", args=[confirmed.case_id]),
        action_data(action.owner, version=agreement_version(confirmed.case)),
    )
    assert "its actions can only be followed up, not edited" in page_text(response)
    assert AgreementAction.objects.count() == 1


# Acceptance and confirmation -------------------------------------------------------------


def current_version(case) -> str:
    agreement = Agreement.objects.filter(case=case).first()
    return version_of(agreement) if agreement else ""


def accept(client, case, party, day=None):
    return client.post(
        reverse("agreements:accept", args=[case.pk]),
        {
            "party": str(party.pk),
            "version": current_version(case),
            **date_fields("accepted_on", day or TODAY()),
        },
    )


def confirm(client, case):
    return client.post(
        reverse("agreements:confirm", args=[case.pk]),
        {"version": current_version(case), **date_fields("agreed_on", TODAY())},
    )


def test_parties_accept_and_the_agreement_is_confirmed(
    as_bob, case, agreement, action, harmed, responsible
):
    assert accept(as_bob, case, harmed).status_code == 302
    assert accept(as_bob, case, responsible).status_code == 302
    assert {a.party for a in Acceptance.objects.all()} == {harmed, responsible}
    assert confirm(as_bob, case).status_code == 302
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert agreement.agreed_on == TODAY()
    assert case.status == CaseStatus.MONITORING
    page = page_text(as_bob.get(reverse("agreements:detail", args=[case.pk])))
    assert "Confirmed" in page
    assert reverse("agreements:action_detail", args=[action.pk]) in page


def test_a_party_accepts_once(as_bob, case, agreement, harmed):
    accept(as_bob, case, harmed)
    response = accept(as_bob, case, harmed)
    assert response.status_code == 200
    assert "Select someone in this case who has not accepted yet" in page_text(response)
    assert Acceptance.objects.count() == 1


def test_acceptance_cannot_be_dated_in_the_future(as_bob, case, agreement, harmed):
    response = accept(as_bob, case, harmed, TODAY() + datetime.timedelta(days=1))
    assert (
        "Date accepted must be today or in the past"
        in (response.context["accept_form"].errors["accepted_on"][0])
    )
    assert not Acceptance.objects.exists()


def test_not_confirmed_until_every_harmed_and_responsible_person_accepts(
    as_bob, case, agreement, action, harmed, responsible
):
    accept_all(agreement, responsible)
    response = confirm(as_bob, case)
    assert response.status_code == 200
    error = response.context["confirm_form"].non_field_errors()[0]
    assert error == (
        f"The agreement cannot be confirmed: {harmed.person.full_name} has not accepted it."
    )
    assert 'id="confirm-error"' in page_text(response)
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert agreement.agreed_on is None
    assert case.status == CaseStatus.MEETING_ARRANGED


def test_not_confirmed_without_actions(as_bob, case, agreement, harmed, responsible):
    accept_all(agreement, harmed, responsible)
    response = confirm(as_bob, case)
    assert "The agreement cannot be confirmed: it has no actions." in page_text(response)
    agreement.refresh_from_db()
    assert agreement.agreed_on is None


def test_nothing_to_confirm_or_accept_before_a_draft_exists(as_bob, case, harmed):
    assert "it has no actions" in page_text(confirm(as_bob, case))
    assert "actions before recording who accepted it" in page_text(accept(as_bob, case, harmed))
    assert not Agreement.objects.exists()


# Follow-up: resolving actions and payments ------------------------------------------------


def resolve(client, action, status="done", note=""):
    return client.post(
        reverse("agreements:resolve", args=[action.pk]),
        {
            "status": status,
            "note": note,
            "version": version_of(AgreementAction.objects.get(pk=action.pk)),
            **date_fields("resolved_on", TODAY()),
        },
    )


def test_an_action_is_resolved_and_verified_by_the_facilitator(as_bob, bob, confirmed, action):
    assert as_bob.get(reverse("agreements:action_detail", args=[action.pk])).status_code == 200
    assert resolve(as_bob, action).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.verified_by == bob
    assert action.resolved_on == TODAY()
    case = action.case
    case.refresh_from_db()
    assert case.next_step == "Close the case: every action is resolved"


def test_an_action_not_done_needs_a_note(as_bob, confirmed, action):
    response = resolve(as_bob, action, status="not_done")
    assert response.context["resolve_form"].errors["note"] == ["Say what happened"]
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert resolve(as_bob, action, status="not_done", note="Did not write.").status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_DONE


def test_actions_of_a_draft_are_not_followed_up(as_bob, action):
    response = resolve(as_bob, action)
    assert "Confirm the agreement before following up its actions." in page_text(response)
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_a_resolved_action_is_not_resolved_again(as_bob, confirmed, action):
    resolve(as_bob, action)
    response = resolve(as_bob, action, status="not_done", note="x")
    assert "This action is already recorded as done." in page_text(response)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


@pytest.fixture
def restitution(confirmed, responsible):
    return AgreementActionFactory(
        organisation=confirmed.organisation,
        agreement=confirmed,
        owner=responsible,
        kind=ActionKind.RESTITUTION,
        amount=Decimal("100.00"),
    )


def pay(client, action, amount):
    return client.post(
        reverse("agreements:payment_add", args=[action.pk]),
        {"amount": amount, **date_fields("paid_on", TODAY())},
    )


def test_payments_are_recorded_towards_restitution(as_bob, restitution):
    assert pay(as_bob, restitution, "60").status_code == 302
    assert pay(as_bob, restitution, "40.00").status_code == 302
    assert sum(p.amount for p in Payment.objects.all()) == Decimal("100.00")
    page = page_text(as_bob.get(reverse("agreements:action_detail", args=[restitution.pk])))
    assert "Paid £100.00 of £100.00" in page


def test_over_payment_is_refused_at_the_amount(as_bob, restitution):
    pay(as_bob, restitution, "60")
    response = pay(as_bob, restitution, "50")
    assert response.status_code == 200
    assert response.context["payment_form"].errors["amount"] == [
        "This would take the total paid to £110.00, more than the £100.00 agreed "
        "(£40.00 is still owed)"
    ]
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "Enter an amount more than £0"), ("ten", "The amount must be a number, like 25.00")],
)
def test_bad_payments_are_refused(as_bob, restitution, amount, message):
    response = pay(as_bob, restitution, amount)
    assert response.context["payment_form"].errors["amount"] == [message]
    assert not Payment.objects.exists()


def test_payments_only_against_restitution(as_bob, confirmed, action):
    response = pay(as_bob, action, "10")
    assert "Payments are recorded only against financial restitution." in page_text(response)
    assert not Payment.objects.exists()


# Who may open agreement pages ---------------------------------------------------------------


def agreement_urls(case, action):
    return [
        *(
            reverse(f"agreements:{name}", args=[case.pk])
            for name in ("detail", "action_add", "accept", "confirm", "pdf")
        ),
        *(
            reverse(f"agreements:{name}", args=[action.pk])
            for name in ("action_detail", "action_remove", "resolve", "payment_add")
        ),
    ]


def test_the_coordinator_opens_every_agreement_page(as_alice, case, action):
    for url in agreement_urls(case, action):
        assert as_alice.get(url).status_code in {200, 302}, url


@pytest.mark.parametrize("persona", ["as_dee", "as_rita", "as_vera"])
def test_others_in_the_organisation_get_404_and_change_nothing(
    request, persona, case, agreement, action, harmed
):
    client = request.getfixturevalue(persona)
    for url in agreement_urls(case, action):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"party": harmed.pk, "status": "done"}).status_code == 404, url
    assert AgreementAction.objects.filter(pk=action.pk, status="open").exists()
    assert not Acceptance.objects.exists()


# The printable agreement: first names only ---------------------------------------------------


def test_the_pdf_carries_first_names_only(as_bob, org, case, bob):
    def party(role, marker, **kwargs):
        person = PersonFactory(
            organisation=org,
            given_name=f"First{marker}",
            family_name=f"Surname{marker}",
            email=f"mail{marker.lower()}@example.org",
            phone=f"07700 900 {marker[-3:]}",
            address=f"{marker} Street, Leeds",
            safe_contact_notes=f"Safenote{marker}",
            accessibility_needs=f"Access{marker}",
        )
        return PartyFactory(
            organisation=org,
            case=case,
            person=person,
            role=role,
            private_notes=f"Private{marker}",
            **kwargs,
        )

    harmed = party(PartyRole.HARMED, "Qaz101")
    responsible = party(PartyRole.RESPONSIBLE, "Wsx202")
    supporter = party(PartyRole.SUPPORTER, "Edc303", supports=harmed)
    for p in (harmed, responsible, supporter):
        ConsentRecordFactory(organisation=org, party=p, note=f"Consentnote{p.pk}x")
    RiskAssessmentFactory(
        organisation=org, case=case, narrative="Risknarrative404", mitigations="Mitigation505"
    )
    meeting = MeetingFactory(
        organisation=org, case=case, facilitator=bob, what_happened="Stagenote606"
    )
    agreement = AgreementFactory(organisation=org, case=case, meeting=meeting, agreed_on=TODAY())
    AgreementActionFactory(
        organisation=org,
        agreement=agreement,
        owner=responsible,
        kind=ActionKind.REPARATION,
        hours=Decimal("12"),
        description="Help repaint the community hall.",
    )
    accept_all(agreement, harmed, responsible)

    response = as_bob.get(reverse("agreements:pdf", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="agreement-{case.reference}.pdf"'
    assert response["Cache-Control"] == "no-store"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    squashed = " ".join(text.split())

    assert "FirstQaz101" in squashed
    assert "FirstWsx202" in squashed
    assert "Help repaint the community hall." in squashed
    assert "12 hours of work" in squashed
    assert "Bob" in squashed
    for forbidden in [
        "Surname",
        "mailqaz",
        "mailwsx",
        "Street",
        "Safenote",
        "Access",
        "Private",
        "Consentnote",
        "Risknarrative",
        "Mitigation",
        "Stagenote",
        "Barraclough",
        "FirstEdc303",
        *(f"900 {m}" for m in ("101", "202", "303")),
    ]:
        assert forbidden.lower() not in squashed.lower(), forbidden


def test_a_draft_prints_as_a_draft(as_bob, agreement, action):
    response = as_bob.get(reverse("agreements:pdf", args=[agreement.case_id]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Draft: this agreement has not been confirmed yet." in " ".join(text.split())


def test_no_pdf_before_there_is_an_agreement(as_bob, case):
    response = as_bob.get(reverse("agreements:pdf", args=[case.pk]), follow=True)
    assert "There is no agreement to print yet." in page_text(response)


# Overdue actions -----------------------------------------------------------------------------


def overdue_action(case, days):
    agreement = Agreement.objects.filter(case=case).first() or AgreementFactory(
        organisation=case.organisation, case=case, agreed_on=TODAY() - datetime.timedelta(days=60)
    )
    return AgreementActionFactory(
        organisation=case.organisation,
        agreement=agreement,
        due_on=TODAY() - datetime.timedelta(days=days),
    )


def test_a_facilitator_sees_the_overdue_actions_of_their_own_cases(
    as_bob, as_alice, org, case, other_org
):
    mine = overdue_action(case, 5)
    # A surname no page word could match by chance.
    mine.owner.person.family_name = "Quillfeather-Marker"
    mine.owner.person.save()
    someone_elses = overdue_action(CaseFactory(organisation=org), 3)
    overdue_action(CaseFactory(organisation=other_org), 4)
    AgreementActionFactory(organisation=org, agreement=mine.agreement)  # not yet due
    PaymentFactory(organisation=org)  # an open restitution action, not due

    response = as_bob.get(reverse("agreements:overdue"))
    assert [a for a, _days in response.context["rows"]] == [mine]
    page = page_text(response)
    assert case.reference in page
    assert mine.owner.first_name in page
    assert mine.owner.person.family_name not in page
    assert response.context["rows"][0][1] == 5

    response = as_alice.get(reverse("agreements:overdue"))
    assert [a for a, _days in response.context["rows"]] == [mine, someone_elses]


def test_resolved_actions_are_not_overdue(as_alice, case):
    action = overdue_action(case, 2)
    action.status = ActionStatus.DONE
    action.save()
    assert "No actions are overdue." in page_text(as_alice.get(reverse("agreements:overdue")))


@pytest.mark.parametrize("persona", ["as_rita", "as_vera"])
def test_referrers_and_viewers_do_not_see_overdue_actions(request, persona, case):
    overdue_action(case, 2)
    assert request.getfixturevalue(persona).get(reverse("agreements:overdue")).status_code == 403


def test_the_overdue_list_takes_the_same_few_queries_however_long_it_is(
    as_alice, as_bob, org, case, django_assert_max_num_queries
):
    overdue_action(case, 1)
    with django_assert_max_num_queries(12) as few:
        as_alice.get(reverse("agreements:overdue"))
    for n in range(60):
        overdue_action(case if n % 2 else CaseFactory(organisation=org, lead_facilitator=None), n)
    for client in (as_alice, as_bob):
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(reverse("agreements:overdue"))
        assert len(response.context["rows"]) == 25
    response = as_alice.get(reverse("agreements:overdue"), {"page": 3})
    assert len(response.context["rows"]) == 10
    assert "Page 3 of 3" in page_text(response)


# The case page's agreement summary --------------------------------------------------------


def test_the_case_page_partial_summarises_the_agreement(case, confirmed, action):
    from django.template.loader import render_to_string

    html = render_to_string("agreements/_case_agreement.html", {"case": case})
    assert "Confirmed" in html
    assert "1 action" in html
    assert reverse("agreements:detail", args=[case.pk]) in html
    other = CaseFactory(organisation=case.organisation)
    assert "No agreement has been drafted yet." in render_to_string(
        "agreements/_case_agreement.html", {"case": other}
    )


def test_an_agreement_needs_a_held_meeting(as_bob, case, harmed, responsible):
    case.status = CaseStatus.MEETING_ARRANGED
    case.save()
    draft = AgreementFactory(organisation=case.organisation, case=case)
    AgreementActionFactory(organisation=case.organisation, agreement=draft, owner=responsible)
    accept_all(draft, harmed, responsible)
    response = confirm(as_bob, case)
    assert "no meeting or exchange has been held yet" in page_text(response)
    draft.refresh_from_db()
    assert draft.agreed_on is None


def test_changing_the_actions_clears_earlier_acceptances(
    as_bob, case, agreement, action, harmed, responsible
):
    accept_all(agreement, harmed, responsible)
    response = as_bob.post(
        reverse("agreements:action_remove", args=[action.pk]), {"version": current_version(case)}
    )
    assert response.status_code == 302
    assert not Acceptance.objects.exists()
    assert case.events.filter(code="acceptances_cleared").exists()


# Restitution: done only when paid in full, or varied by a coordinator ------------------------


@pytest.fixture
def owed(confirmed, responsible):
    """£150 of restitution agreed, £100 of it paid so far."""
    action = AgreementActionFactory(
        organisation=confirmed.organisation,
        agreement=confirmed,
        owner=responsible,
        kind=ActionKind.RESTITUTION,
        amount=Decimal("150.00"),
        description="Pay £150 towards the broken window.",
    )
    PaymentFactory(organisation=confirmed.organisation, action=action, amount=Decimal("100.00"))
    return action


def test_restitution_short_of_the_amount_is_not_done(as_bob, owed):
    response = resolve(as_bob, owed, status="done")
    assert response.status_code == 200
    assert response.context["resolve_form"].errors["status"] == [
        "£50.00 of the £150.00 agreed is still owed. Record the payments, or ask a "
        "coordinator to record a variation."
    ]
    assert "£50.00 of the £150.00 agreed is still owed" in page_text(response)
    owed.refresh_from_db()
    assert owed.status == ActionStatus.OPEN
    assert owed.resolved_on is None


def test_the_payment_that_reaches_the_amount_completes_the_action(as_bob, bob, owed):
    response = pay(as_bob, owed, "50.00")
    assert response.status_code == 302
    owed.refresh_from_db()
    assert owed.status == ActionStatus.DONE
    assert owed.verified_by == bob
    assert owed.resolved_on == TODAY()
    page = page_text(as_bob.get(reverse("agreements:action_detail", args=[owed.pk]), follow=True))
    assert "Paid £150.00 of £150.00" in page
    assert "Record payment" not in page
    assert owed.case.events.filter(summary__startswith="Financial restitution recorded as done")


def test_a_part_payment_leaves_the_action_open(as_bob, owed):
    assert pay(as_bob, owed, "20.00").status_code == 302
    owed.refresh_from_db()
    assert owed.status == ActionStatus.OPEN
    page = page_text(as_bob.get(reverse("agreements:action_detail", args=[owed.pk])))
    assert "Paid £120.00 of £150.00: £30.00 still to pay" in page


def vary(client, action, **overrides):
    return client.post(
        reverse("agreements:vary", args=[action.pk]),
        {
            "terms": "Łukasz pays £100 and repaints the shop's shutter.",
            "reason": "He lost his job; Siân agreed to work instead of the rest.",
            "version": version_of(AgreementAction.objects.get(pk=action.pk)),
            **date_fields("varied_on", TODAY()),
        }
        | overrides,
    )


def test_a_coordinator_records_a_variation(as_alice, alice, owed):
    page = page_text(as_alice.get(reverse("agreements:action_detail", args=[owed.pk])))
    assert "Record a variation" in page
    response = vary(as_alice, owed)
    assert response.status_code == 302
    owed.refresh_from_db()
    assert owed.status == ActionStatus.VARIED
    assert owed.variation_terms == "Łukasz pays £100 and repaints the shop's shutter."
    assert owed.verification_note.startswith("He lost his job")
    assert owed.verified_by == alice
    page = page_text(as_alice.get(reverse("agreements:action_detail", args=[owed.pk])))
    assert "New terms" in page and "repaints the shop&#x27;s shutter" in page
    assert owed.case.events.filter(summary__startswith="Financial restitution recorded as varied")


def test_a_variation_needs_new_terms_and_a_reason(as_alice, owed):
    response = vary(as_alice, owed, terms="", reason="  ")
    assert response.status_code == 200
    form = response.context["vary_form"]
    assert form.errors["terms"] == ["Enter the new terms that were agreed"]
    assert "reason" in form.errors
    owed.refresh_from_db()
    assert owed.status == ActionStatus.OPEN


def test_only_a_coordinator_varies_an_action(as_bob, owed):
    page = page_text(as_bob.get(reverse("agreements:action_detail", args=[owed.pk])))
    assert "Record a variation" not in page
    assert vary(as_bob, owed).status_code == 404
    owed.refresh_from_db()
    assert owed.status == ActionStatus.OPEN
    # Nor can "varied" be chosen when resolving it.
    response = resolve(as_bob, owed, status="varied", note="Different terms.")
    assert "Select how the action ended from the list" in page_text(response)
    owed.refresh_from_db()
    assert owed.status == ActionStatus.OPEN


def close(client, case, outcome="agreement_completed"):
    return client.post(reverse("cases:close", args=[case.pk]), {"outcome": outcome, "note": ""})


def test_agreement_completed_only_when_every_action_is_done_or_varied(
    as_alice, confirmed, action, owed
):
    case = confirmed.case
    assert pay(as_alice, owed, "50.00").status_code == 302
    assert resolve(as_alice, action, status="partly_done", note="Half a letter.").status_code == 302
    response = close(as_alice, case)
    assert response.status_code == 200
    assert response.context["form"].errors["outcome"] == [
        "The agreement is completed only when every action is done or varied. Not yet: "
        "Apology (written) (partly done). A coordinator can record a variation."
    ]
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED
    assert vary(as_alice, action).status_code == 302
    assert close(as_alice, case).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_outcome == "agreement_completed"


def test_an_agreement_not_carried_out_closes_as_not_completed(as_alice, confirmed, action, owed):
    case = confirmed.case
    assert pay(as_alice, owed, "50.00").status_code == 302
    # While an action is done and nothing else is settled, "not completed" is not yet true.
    response = close(as_alice, case, "agreement_not_completed")
    assert "has actions still open" in response.context["form"].errors["outcome"][0]
    assert resolve(as_alice, action, status="not_done", note="No letter came.").status_code == 302
    # Neither "completed" nor "completed without an agreement" describes it ...
    assert (
        "Not yet: Apology (written) (not done)"
        in (close(as_alice, case).context["form"].errors["outcome"][0])
    )
    assert close(as_alice, case, "completed_without_agreement").context["form"].errors["outcome"]
    # ... but "agreement made but not completed" does.
    assert close(as_alice, case, "agreement_not_completed").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_outcome == "agreement_not_completed"
    page = page_text(as_alice.get(reverse("cases:detail", args=[case.pk])))
    assert "Agreement made but not completed" in page


def test_not_completed_is_refused_when_every_action_was_done(as_alice, confirmed, action, owed):
    case = confirmed.case
    assert pay(as_alice, owed, "50.00").status_code == 302
    assert resolve(as_alice, action, status="done", note="Letter sent.").status_code == 302
    response = close(as_alice, case, "agreement_not_completed")
    assert response.context["form"].errors["outcome"] == [
        "Every action in the agreement is done or varied: choose “Agreement completed”"
    ]
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED


# Consent rules the agreement ---------------------------------------------------------------


@pytest.fixture
def sian_and_lukasz(org, harmed, responsible):
    """The harmed and responsible people, with the names they were given."""
    for party, (given, family) in (
        (harmed, ("Siân", "O'Brien")),
        (responsible, ("Łukasz", "Nowak")),
    ):
        party.person.given_name, party.person.family_name = given, family
        party.person.save()
    return harmed, responsible


def test_no_acceptance_once_consent_is_withdrawn(as_bob, case, agreement, action, sian_and_lukasz):
    harmed, responsible = sian_and_lukasz
    consent(harmed, decision="withdrawn")
    response = accept(as_bob, case, responsible)
    assert response.status_code == 200
    message = (
        "The agreement cannot be accepted: consent is missing from Siân (person harmed). "
        "Record their consent first."
    )
    assert response.context["accept_form"].non_field_errors() == [message]
    assert "O&#x27;Brien" not in page_text(response).split("Still to accept")[0]
    assert not Acceptance.objects.exists()


def test_no_confirmation_once_consent_is_withdrawn(
    as_bob, case, agreement, action, sian_and_lukasz
):
    harmed, responsible = sian_and_lukasz
    accept_all(agreement, harmed, responsible)
    consent(responsible, decision="withdrawn")
    consent(harmed, decision="declined")
    response = confirm(as_bob, case)
    assert response.context["confirm_form"].non_field_errors() == [
        "The agreement cannot be confirmed: consent is missing from Siân (person harmed) and "
        "Łukasz (person responsible). Record their consent first."
    ]
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert agreement.agreed_on is None
    assert case.status == CaseStatus.MEETING_ARRANGED


def test_an_action_owner_without_consent_stops_the_agreement(
    as_bob, org, case, agreement, action, harmed, responsible
):
    """A supporter who takes on an action is party to the agreement too."""
    supporter = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.SUPPORTER,
        person=PersonFactory(organisation=org, given_name="Gareth", family_name="Jones"),
    )
    AgreementActionFactory(
        organisation=org, agreement=agreement, owner=supporter, kind=ActionKind.BEHAVIOUR
    )
    accept_all(agreement, harmed, responsible)
    response = confirm(as_bob, case)
    assert "consent is missing from Gareth (supporter)" in page_text(response)
    agreement.refresh_from_db()
    assert agreement.agreed_on is None
    consent(supporter)
    assert confirm(as_bob, case).status_code == 302


# Pages read a fixed number of queries ---------------------------------------------------------


def queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_action_page_reads_the_same_whatever_the_payments(as_alice, owed):
    url = reverse("agreements:action_detail", args=[owed.pk])
    few = queries_for(as_alice, url)
    for _ in range(9):
        PaymentFactory(organisation=owed.organisation, action=owed, amount=Decimal("1.00"))
    assert queries_for(as_alice, url) == few


def test_the_agreement_page_reads_the_same_whatever_the_actions(
    as_alice, org, case, agreement, action
):
    url = reverse("agreements:detail", args=[case.pk])
    few = queries_for(as_alice, url)
    for name in ("Aled", "Bronwen", "Catrin", "Dafydd", "Eleri"):
        supporter = PartyFactory(
            organisation=org,
            case=case,
            role=PartyRole.SUPPORTER,
            person=PersonFactory(organisation=org, given_name=name),
        )
        AgreementActionFactory(organisation=org, agreement=agreement, owner=supporter)
        AcceptanceFactory(organisation=org, agreement=agreement, party=supporter)
    assert queries_for(as_alice, url) == few


# Reparation: done only when the hours agreed were worked ----------------------------------------


@pytest.fixture
def reparation(confirmed, responsible):
    return AgreementActionFactory(
        organisation=confirmed.organisation,
        agreement=confirmed,
        owner=responsible,
        kind=ActionKind.REPARATION,
        hours=Decimal("10"),
        description="Ten hours clearing the community garden.",
    )


def resolve_hours(client, action, hours, status="done", note=""):
    return client.post(
        reverse("agreements:resolve", args=[action.pk]),
        {
            "status": status,
            "note": note,
            "hours_done": hours,
            "version": version_of(AgreementAction.objects.get(pk=action.pk)),
            **date_fields("resolved_on", TODAY()),
        },
    )


def test_reparation_short_of_the_hours_is_not_done(as_bob, reparation):
    response = resolve_hours(as_bob, reparation, "6")
    assert response.context["resolve_form"].errors["hours_done"] == [
        "6 hours of the 10 hours agreed were worked: 4 hours still to do. Record it as partly "
        "done, or ask a coordinator to record a variation."
    ]
    response = resolve_hours(as_bob, reparation, "")
    assert response.context["resolve_form"].errors["hours_done"] == [
        "Enter the hours they worked, like 7.5"
    ]
    reparation.refresh_from_db()
    assert reparation.status == ActionStatus.OPEN and reparation.hours_done is None


def test_reparation_is_done_when_the_hours_are_worked(as_bob, reparation):
    assert resolve_hours(as_bob, reparation, "10.5").status_code == 302
    reparation.refresh_from_db()
    assert reparation.status == ActionStatus.DONE
    assert reparation.hours_done == Decimal("10.5")
    page = page_text(as_bob.get(reverse("agreements:action_detail", args=[reparation.pk])))
    assert "Hours worked" in page and "10.5" in page


def test_reparation_partly_done_records_the_hours(as_bob, reparation):
    response = resolve_hours(as_bob, reparation, "6", status="partly_done", note="Stopped going.")
    assert response.status_code == 302
    reparation.refresh_from_db()
    assert reparation.status == ActionStatus.PARTLY_DONE
    assert reparation.hours_done == Decimal("6")
