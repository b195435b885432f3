"""Facilitators and coordinators work cases through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import CaseStatus, ConsentRecord, ContactLogEntry, RiskAssessment
from amends.core.models import Role
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    PersonFactory,
    UserFactory,
)

TODAY = timezone.localdate()


def date_fields(name, day=TODAY):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_facilitator_sees_only_their_cases(as_bob, case, org):
    someone_elses = CaseFactory(
        organisation=org, lead_facilitator=MembershipFactory(organisation=org).user
    )
    page = as_bob.get(reverse("cases:mine")).content.decode()
    assert case.reference in page and someone_elses.reference not in page
    assert as_bob.get(reverse("cases:detail", args=[someone_elses.pk])).status_code == 404
    assert as_bob.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_co_facilitator_sees_the_case_too(org, case):
    from tests.conftest import signed_in

    co = MembershipFactory(organisation=org, role=Role.FACILITATOR).user
    case.co_facilitator = co
    case.save()
    assert signed_in(co).get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_coordinator_filters_and_searches_all_cases(as_alice, org, bob):
    preparing = CaseFactory(organisation=org, status=CaseStatus.PREPARING, lead_facilitator=bob)
    closed = CaseFactory(organisation=org, status=CaseStatus.CLOSED)
    named = CaseFactory(organisation=org)
    PartyFactory(
        organisation=org,
        case=named,
        person=PersonFactory(organisation=org, family_name="Featherstonehaugh"),
    )

    page = as_alice.get(reverse("cases:list"), {"status": "preparing"}).content.decode()
    assert preparing.reference in page and closed.reference not in page
    page = as_alice.get(reverse("cases:list"), {"q": "feather"}).content.decode()
    assert named.reference in page and preparing.reference not in page
    page = as_alice.get(reverse("cases:list"), {"q": preparing.reference}).content.decode()
    assert preparing.reference in page and named.reference not in page
    page = as_alice.get(reverse("cases:list"), {"facilitator": bob.pk}).content.decode()
    assert preparing.reference in page and named.reference not in page


def test_overdue_filter_shows_open_cases_whose_next_step_was_due_before_today(as_alice, org):
    import datetime

    from tests.factories import AgreementActionFactory, AgreementFactory

    def due(days, **kwargs):
        return CaseFactory(
            organisation=org,
            next_step="Call the harmed person",
            next_step_due=TODAY + datetime.timedelta(days=days),
            **kwargs,
        )

    yesterday, today, tomorrow = due(-1), due(0), due(1)
    closed_late = due(-10, status=CaseStatus.CLOSED)
    no_date = CaseFactory(organisation=org, next_step="Allocate facilitators")
    # An overdue agreed action alone does not make the next step overdue.
    action_late = due(5, status=CaseStatus.MONITORING)
    AgreementActionFactory(
        organisation=org,
        agreement=AgreementFactory(organisation=org, case=action_late),
        due_on=TODAY - datetime.timedelta(days=3),
    )

    response = as_alice.get(reverse("cases:list"), {"overdue": "on"})
    shown = {c.reference for c in response.context["page_obj"]}
    assert shown == {yesterday.reference}
    assert not {today.reference, tomorrow.reference, closed_late.reference} & shown
    assert no_date.reference not in shown and action_late.reference not in shown
    page = response.content.decode()
    assert "Only open cases whose next step is overdue" in page


def test_case_list_queries_do_not_grow_with_the_data(as_alice, org, monkeypatch):
    # Making 30 cases can take over a minute on a busy machine, and the session notes its
    # idle time once a minute: that write is not the list's.
    monkeypatch.setattr("amends.core.middleware.SESSION_SEEN_GRANULARITY", 24 * 60 * 60)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            as_alice.get(reverse("cases:list"), {"q": "a"})
        return len(ctx.captured_queries)

    for _ in range(5):
        CaseFactory(organisation=org, lead_facilitator=MembershipFactory(organisation=org).user)
    small = count_queries()
    for _ in range(30):
        CaseFactory(organisation=org, lead_facilitator=MembershipFactory(organisation=org).user)
    assert count_queries() == small


def test_referrers_and_viewers_cannot_open_cases(as_rita, as_vera, case):
    for client in (as_rita, as_vera):
        assert client.get(reverse("cases:list")).status_code == 403
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_facilitator_records_consent_risk_and_contact(as_bob, case, harmed):
    response = as_bob.post(
        reverse("cases:consent", args=[case.pk]),
        {
            "party": harmed.pk,
            "given_by": harmed.pk,
            "scope": "take_part",
            "decision": "given",
            "method": "phone",
            **date_fields("decided_on"),
        },
    )
    assert response.status_code == 302
    assert ConsentRecord.objects.get().decision == "given"

    response = as_bob.post(
        reverse("cases:risk", args=[case.pk]),
        {
            "version": "none",  # no assessment yet when the page was loaded
            "acknowledgement": "full",
            "narrative": "Ready",
            "decision": "suitable",
            "stalking": "on",
            **date_fields("assessed_on"),
        },
    )
    assert "need extra care" in response.content.decode()
    assert not RiskAssessment.objects.exists()
    as_bob.post(
        reverse("cases:risk", args=[case.pk]),
        {
            "version": "none",  # no assessment yet when the page was loaded
            "acknowledgement": "full",
            "narrative": "Ready",
            "decision": "suitable_with_mitigations",
            "stalking": "on",
            "mitigations": "Separate arrivals",
            **date_fields("assessed_on"),
        },
    )
    assert RiskAssessment.objects.get().stalking

    response = as_bob.post(
        reverse("cases:contacts", args=[case.pk]),
        {
            "kind": "call",
            "party": harmed.pk,
            "outcome": "reached",
            "minutes": "abc",
            **date_fields("contact_on"),
        },
    )
    assert "Minutes spent must be a whole number" in response.content.decode()
    as_bob.post(
        reverse("cases:contacts", args=[case.pk]),
        {
            "kind": "call",
            "party": harmed.pk,
            "outcome": "reached",
            "minutes": 35,
            **date_fields("contact_on"),
        },
    )
    assert ContactLogEntry.objects.get().minutes == 35
    page = as_bob.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "35 minutes" in page
    timeline = as_bob.get(reverse("cases:timeline", args=[case.pk])).content.decode()
    assert (
        "Consent given" in timeline and "Risk assessed" in timeline and "(35 minutes)" in timeline
    )


def test_adding_a_new_person_to_a_case(as_bob, case, org):
    response = as_bob.post(
        reverse("cases:party_add", args=[case.pk]),
        {"role": "community", "given_name": "Olu", "family_name": "Ade"},
    )
    assert response.status_code == 302
    assert case.parties.get().person.full_name == "Olu Ade"


def test_adding_someone_from_another_organisation_is_refused(as_bob, case, other_org):
    stranger = PersonFactory(organisation=other_org)
    response = as_bob.post(
        reverse("cases:party_add", args=[case.pk]), {"role": "harmed", "person": stranger.pk}
    )
    assert response.status_code == 200
    assert not case.parties.exists()


def test_two_people_editing_a_case_cannot_overwrite_each_other(as_alice, as_bob, case):
    url = reverse("cases:edit", args=[case.pk])
    bob_version = as_bob.get(url).context["form"]["version"].value()
    alice_version = as_alice.get(url).context["form"]["version"].value()
    base = {"harm_summary": "Alice's summary", "planned_process": "conference", "next_step": "Call"}
    assert as_alice.post(url, {**base, "version": alice_version}).status_code == 302

    response = as_bob.post(url, {**base, "harm_summary": "Bob's summary", "version": bob_version})
    page = response.content.decode()
    assert "Someone else saved changes" in page and "Alice&#x27;s summary" in page
    case.refresh_from_db()
    assert case.harm_summary == "Alice's summary"


def test_a_save_without_its_version_is_refused(as_alice, case):
    url = reverse("cases:edit", args=[case.pk])
    base = {"harm_summary": "Changed blind", "planned_process": "conference", "next_step": "Call"}
    response = as_alice.post(url, base)
    assert "This page was out of date" in response.content.decode()
    case.refresh_from_db()
    assert case.harm_summary != "Changed blind"


def test_closing_refusal_is_shown_at_the_outcome(as_bob, case):
    response = as_bob.post(
        reverse("cases:close", args=[case.pk]), {"outcome": "agreement_completed"}
    )
    assert "There is no agreement to complete" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    as_bob.post(reverse("cases:close", args=[case.pk]), {"outcome": "no_contact"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_only_coordinators_allocate(as_bob, as_alice, case, bob, org):
    assert as_bob.get(reverse("cases:allocate", args=[case.pk])).status_code == 404
    second = MembershipFactory(organisation=org, role=Role.FACILITATOR).user
    as_alice.post(
        reverse("cases:allocate", args=[case.pk]),
        {"lead_facilitator": second.pk, "co_facilitator": bob.pk},
    )
    case.refresh_from_db()
    assert case.lead_facilitator == second and case.co_facilitator == bob


@pytest.mark.parametrize("url_name", ["cases:party", "cases:party_letter"])
def test_party_pages_are_audited_views(as_bob, case, harmed, url_name):
    from amends.core.models import AuditEvent

    as_bob.get(reverse(url_name, args=[case.pk, harmed.pk]))
    assert AuditEvent.objects.filter(
        action="view", record_type="person", record_id=str(harmed.person.pk)
    ).exists()


def test_case_page_queries_do_not_grow_with_its_people_and_history(as_bob, case, org, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amends.cases import services

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert as_bob.get(reverse("cases:detail", args=[case.pk])).status_code == 200
        return len(ctx.captured_queries)

    PartyFactory(organisation=org, case=case, role="harmed")
    small = count()
    for _ in range(6):
        party = PartyFactory(organisation=org, case=case, role="community")
        services.contact_log(
            case=case, by=bob, kind="call", contact_on=TODAY, minutes=10, party=party
        )
    assert count() == small


def test_allocation_shows_each_facilitators_open_cases(as_alice, org, other_org, case, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amends.core.models import Membership

    # Bob leads `case` and one more, is co on a third, and had one that closed.
    CaseFactory(organisation=org, lead_facilitator=bob)
    CaseFactory(organisation=org, co_facilitator=bob)
    CaseFactory(organisation=org, lead_facilitator=bob, status=CaseStatus.CLOSED)
    # He also facilitates for another organisation: those cases are not counted here.
    MembershipFactory(organisation=other_org, user=bob, role=Role.FACILITATOR)
    CaseFactory(organisation=other_org, lead_facilitator=bob)
    new = MembershipFactory(
        organisation=org, role=Role.FACILITATOR, user=UserFactory(full_name="Siân O'Brien")
    ).user

    url = reverse("cases:allocate", args=[case.pk])
    page = as_alice.get(url).content.decode()
    assert "Bob Barraclough (3 open cases: 2 as lead, 1 as co-facilitator)" in page
    assert "Siân O&#x27;Brien (no open cases)" in page
    assert Membership.objects.filter(user=new).count() == 1

    def facilitator_queries():
        with CaptureQueriesContext(connection) as ctx:
            as_alice.get(url)
        return [q["sql"] for q in ctx.captured_queries if "open_as_lead" in q["sql"]]

    assert len(facilitator_queries()) == 1  # both lists, whatever the caseloads
    for _ in range(5):
        CaseFactory(organisation=org, co_facilitator=new)
    assert len(facilitator_queries()) == 1
    assert "Siân O&#x27;Brien (5 open cases: 0 as lead, 5 as co-facilitator)" in (
        as_alice.get(url).content.decode()
    )
