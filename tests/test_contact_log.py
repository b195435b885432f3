"""The contact log records what came of each attempt and when to try next."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from amends.cases import services
from amends.cases.models import CaseStatus, ContactLogEntry, PartyRole
from tests.factories import ContactLogEntryFactory, PartyFactory, PersonFactory

TODAY = timezone.localdate()


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def sian(case):
    return PartyFactory(
        organisation=case.organisation,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(
            organisation=case.organisation, given_name="Siân", family_name="O'Brien"
        ),
    )


def log_call(case, party, **fields):
    """Log a call through the service, as the lead facilitator."""
    values = {"kind": "call", "contact_on": TODAY, "minutes": 10, "outcome": "reached"}
    return services.contact_log(
        case=case, by=case.lead_facilitator, party=party, **{**values, **fields}
    )


def log(client, case, **fields):
    data = {"kind": "call", "minutes": 10, **date_fields("contact_on", TODAY), **fields}
    return client.post(reverse("cases:contacts", args=[case.pk]), data)


def test_an_unanswered_call_with_a_next_try_sets_the_next_step(as_bob, case, sian):
    in_three_days = TODAY + datetime.timedelta(days=3)
    response = log(
        as_bob,
        case,
        party=sian.pk,
        outcome="left_message",
        minutes=5,
        **date_fields("next_contact_on", in_three_days),
    )
    assert response.status_code == 302
    entry = ContactLogEntry.objects.get()
    assert entry.outcome == "left_message" and entry.next_contact_on == in_three_days
    case.refresh_from_db()
    assert case.next_step == "Contact Siân O'Brien again"
    assert case.next_step_due == in_three_days

    contacts = as_bob.get(reverse("cases:contacts", args=[case.pk])).content.decode()
    assert "Left a message" in contacts
    assert f"Next contact {in_three_days:%-d %b %Y}" in contacts
    detail = as_bob.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Last contact" in detail and "left a message" in detail
    assert f"Next contact {in_three_days:%-d %B %Y}" in detail
    assert "Contact Siân O&#x27;Brien again, by" in detail
    timeline = as_bob.get(reverse("cases:timeline", args=[case.pk])).content.decode()
    assert "Phone call with Siân O&#x27;Brien (5 minutes): left a message" in timeline


def test_the_outcome_must_be_chosen_and_nothing_is_saved_without_it(as_bob, case, sian):
    response = log(as_bob, case, party=sian.pk)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Choose what happened") == 2  # the summary and the field
    assert not ContactLogEntry.objects.exists()


def test_a_next_contact_in_the_past_is_refused_at_the_field(as_bob, case, sian):
    yesterday = TODAY - datetime.timedelta(days=1)
    response = log(
        as_bob,
        case,
        party=sian.pk,
        outcome="no_answer",
        **date_fields("next_contact_on", yesterday),
    )
    assert "Next contact must be today or in the future" in response.content.decode()
    assert not ContactLogEntry.objects.exists()
    case.refresh_from_db()
    assert case.next_step_due != yesterday


def test_a_next_contact_before_the_contact_itself_is_refused(case, bob, sian):
    with pytest.raises(services.ValidationError) as refused:
        log_call(
            case,
            sian,
            kind="letter",
            minutes=15,
            outcome="sent",
            next_contact_on=TODAY - datetime.timedelta(days=2),
        )
    assert "Next contact must be on or after" in str(refused.value)
    assert not ContactLogEntry.objects.exists()


def test_a_meeting_step_is_not_replaced_by_a_later_contact(case, bob, sian):
    meeting_day = TODAY + datetime.timedelta(days=5)
    case.status = CaseStatus.MEETING_ARRANGED
    case.next_step, case.next_step_due = "Hold the meeting", meeting_day
    case.save()
    log_call(case, sian, next_contact_on=TODAY + datetime.timedelta(days=2))
    case.refresh_from_db()
    assert (case.next_step, case.next_step_due) == ("Hold the meeting", meeting_day)


def test_while_preparing_a_sooner_contact_becomes_the_next_step(case, bob, sian):
    case.status = CaseStatus.PREPARING
    case.next_step = "Prepare the parties and assess risk"
    case.next_step_due = TODAY + datetime.timedelta(days=14)
    case.save()
    later = TODAY + datetime.timedelta(days=20)
    log_call(case, sian, kind="visit", minutes=60, next_contact_on=later)
    case.refresh_from_db()
    assert case.next_step == "Prepare the parties and assess risk"  # the contact comes later
    sooner = TODAY + datetime.timedelta(days=4)
    log_call(case, sian, outcome="no_answer", next_contact_on=sooner)
    case.refresh_from_db()
    assert (case.next_step, case.next_step_due) == ("Contact Siân O'Brien again", sooner)


def test_entries_from_before_outcomes_read_not_recorded(as_bob, case, sian):
    ContactLogEntryFactory(organisation=case.organisation, case=case, party=sian)
    page = as_bob.get(reverse("cases:contacts", args=[case.pk])).content.decode()
    assert "Not recorded" in page


def test_another_organisations_contact_log_is_a_404(as_charlie, case):
    assert as_charlie.get(reverse("cases:contacts", args=[case.pk])).status_code == 404
    assert log(as_charlie, case, outcome="reached").status_code == 404
    assert not ContactLogEntry.objects.exists()


def test_the_contact_log_page_costs_the_same_queries_as_it_grows(as_bob, case, sian):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert as_bob.get(reverse("cases:contacts", args=[case.pk])).status_code == 200
        return len(ctx.captured_queries)

    ContactLogEntryFactory(organisation=case.organisation, case=case, party=sian)
    few = queries()
    for _ in range(15):
        ContactLogEntryFactory(
            organisation=case.organisation,
            case=case,
            party=sian,
            outcome="no_answer",
            next_contact_on=TODAY,
        )
    assert queries() == few
