"""The audit log is append-only in the database, and coordinators can read and export it."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amends.core.audit import audit_guard_lifted, audit_record
from amends.core.models import AuditAction, AuditEvent
from tests.factories import CaseFactory, MeetingFactory, PersonFactory, ReferralFactory


@pytest.fixture
def event(org, alice):
    return audit_record(
        actor=alice,
        organisation=org,
        action=AuditAction.VIEW,
        record_type="person",
        record_id="7",
        summary="Viewed",
    )


def test_the_database_refuses_to_change_an_audit_event(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET summary = 'nothing to see' WHERE id = %s", [event.pk]
        )
    event.refresh_from_db()
    assert event.summary == "Viewed"


def test_the_database_refuses_to_delete_an_audit_event(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_orm_cannot_rewrite_history_either(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Viewed"


def test_only_the_guarded_path_may_change_an_event(event):
    with transaction.atomic(), audit_guard_lifted():
        AuditEvent.objects.filter(pk=event.pk).update(summary="Retention: details removed")
    assert AuditEvent.objects.get(pk=event.pk).summary == "Retention: details removed"
    # ...and the guard is back straight after.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="again")


def make_events(org, alice, n):
    for i in range(n):
        audit_record(
            actor=alice,
            organisation=org,
            action=AuditAction.VIEW,
            record_type="person",
            record_id=str(i),
            summary="Viewed contact details",
        )


def test_coordinator_reads_their_organisations_log(as_alice, org, other_org, alice, charlie):
    person = PersonFactory(organisation=org)
    audit_record(
        actor=alice,
        organisation=org,
        action=AuditAction.UPDATE,
        record=person,
        summary="Changed contact details",
    )
    audit_record(
        actor=charlie,
        organisation=other_org,
        action=AuditAction.VIEW,
        record_type="person",
        record_id="99",
        summary="Elsewhere only",
    )
    page = as_alice.get(reverse("core:audit_log")).content.decode()
    assert "Changed contact details" in page
    assert "Elsewhere only" not in page
    # The menu groups the organisation's pages; the audit log is current among them.
    assert (
        '<a class="moj-sub-navigation__link" href="/organisation/audit/" aria-current="page">'
        in page
    )


def test_filters(as_alice, org, alice, bob):
    person = PersonFactory(organisation=org)
    audit_record(
        actor=alice,
        organisation=org,
        action=AuditAction.UPDATE,
        record=person,
        summary="Changed contact details",
    )
    audit_record(
        actor=bob,
        organisation=org,
        action=AuditAction.VIEW,
        record=person,
        summary="Viewed contact details",
    )
    audit_record(
        actor=bob,
        organisation=org,
        action=AuditAction.VIEW,
        record_type="membership",
        record_id="1",
        summary="Looked at a member",
    )
    old = AuditEvent.objects.create(
        organisation=org,
        actor_label=bob.email,
        action=AuditAction.VIEW,
        record_type="person",
        record_id=str(person.pk),
        summary="Last year",
        at=timezone.now() - datetime.timedelta(days=400),
    )

    def shown(**params):
        response = as_alice.get(reverse("core:audit_log"), params)
        return {e.summary for e in response.context["page_obj"]}

    assert shown(record_type="person", record_id=str(person.pk)) == {
        "Changed contact details",
        "Viewed contact details",
        "Last year",
    }
    assert shown(action="update") == {"Changed contact details"}
    assert shown(actor=bob.email.upper()) == {
        "Viewed contact details",
        "Looked at a member",
        "Last year",
    }
    since = (timezone.localdate() - datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert "Last year" not in shown(date_from=since)
    until = (old.at - datetime.timedelta(days=1)).date().strftime("%d/%m/%Y")
    assert shown(date_to=until) == set()
    bad = as_alice.get(reverse("core:audit_log"), {"date_from": "31/02/2026"})
    assert "Enter the start date as day/month/year" in bad.content.decode()


def test_the_page_is_paginated_with_a_fixed_number_of_queries(as_alice, org, alice):
    make_events(org, alice, 5)
    with CaptureQueriesContext(connection) as few:
        as_alice.get(reverse("core:audit_log"))
    make_events(org, alice, 120)
    with CaptureQueriesContext(connection) as many:
        response = as_alice.get(reverse("core:audit_log"))
    assert len(many) == len(few)
    assert len(response.context["page_obj"]) == 50
    assert "Page 1 of 3" in response.content.decode()


def test_export_is_a_csv_and_is_itself_audited(as_alice, org, alice):
    audit_record(
        actor=alice,
        organisation=org,
        action=AuditAction.UPDATE,
        record_type="person",
        record_id="1",
        summary='=HYPERLINK("http://evil")',
    )
    response = as_alice.get(reverse("core:audit_log_export"), {"action": "update"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["When", "Who", "Action"]
    assert len(rows) == 2
    assert rows[1][6].startswith("'=")  # not run as a formula by a spreadsheet
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert exported.actor == alice and exported.organisation == org
    assert exported.summary == "Exported the audit log"


@pytest.mark.parametrize("persona", ["as_bob", "as_rita", "as_vera"])
def test_other_roles_cannot_see_or_export_the_log(persona, request, org, alice):
    make_events(org, alice, 1)
    client = request.getfixturevalue(persona)
    page = client.get(reverse("core:audit_log"))
    assert page.status_code == 403
    assert "Viewed contact details" not in page.content.decode()
    assert client.get(reverse("core:audit_log_export")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_another_organisations_coordinator_sees_none_of_it(as_charlie, org, alice):
    make_events(org, alice, 3)
    page = as_charlie.get(reverse("core:audit_log"))
    assert "Viewed contact details" not in page.content.decode()
    export = as_charlie.get(reverse("core:audit_log_export"))
    assert b"Viewed contact details" not in b"".join(export.streaming_content)


# The log names records and links to them -------------------------------------------


def named_events(org, alice, bob, n=1):
    """n records of each kind a coordinator meets in the log, each with an event."""
    from amends.core.models import Membership

    made = {}
    bobs_membership = Membership.objects.get(user=bob, organisation=org)
    for i in range(n):
        case = CaseFactory(organisation=org, lead_facilitator=bob)
        person = PersonFactory(organisation=org, given_name="Siân", family_name=f"O'Brien {i}")
        referral = ReferralFactory(organisation=org, source_agency="Northbridge Police")
        meeting = MeetingFactory(
            organisation=org,
            case=case,
            facilitator=bob,
            scheduled_at=timezone.make_aware(datetime.datetime(2026, 11, 3 + i % 20, 10, 0)),
        )
        for record in (case, person, referral, meeting, bobs_membership):
            audit_record(
                actor=alice,
                organisation=org,
                action=AuditAction.VIEW,
                record=record,
                summary="Viewed",
            )
        made.setdefault("cases", []).append(case)
        made.setdefault("people", []).append(person)
        made.setdefault("referrals", []).append(referral)
        made.setdefault("meetings", []).append(meeting)
    audit_record(actor=bob, organisation=org, action=AuditAction.SIGN_IN, record=bob)
    return made


def test_each_record_is_named_and_linked(as_alice, org, alice, bob):
    made = named_events(org, alice, bob)
    case, person = made["cases"][0], made["people"][0]
    referral, meeting = made["referrals"][0], made["meetings"][0]
    response = as_alice.get(reverse("core:audit_log"))
    page = response.content.decode()
    assert f'<a class="govuk-link" href="/cases/{case.pk}/">{case.reference}</a>' in page
    assert f'<a class="govuk-link" href="/people/{person.pk}/">Siân O&#x27;Brien 0</a>' in page
    assert f'href="/referrals/{referral.pk}/">Referral {referral.pk} from Northbridge Police<' in (
        page
    )
    assert f'href="/meetings/{meeting.pk}/">{case.reference}, 3 Nov 2026</a>' in page
    assert ">Bob Barraclough</a>" in page
    rows = {(r.record.kind, r.record.text) for r in response.context["rows"]}
    assert ("Member", "Bob Barraclough") in rows
    assert ("Case", case.reference) in rows


def test_another_organisations_record_is_never_named(as_alice, org, other_org, alice):
    theirs = CaseFactory(organisation=other_org, reference="ELS-2026-0042")
    their_person = PersonFactory(organisation=other_org, given_name="Łukasz", family_name="Nowak")
    for record_type, record_id in (("case", theirs.pk), ("person", their_person.pk)):
        audit_record(
            actor=alice,
            organisation=org,
            action=AuditAction.VIEW,
            record_type=record_type,
            record_id=str(record_id),
            summary="Tried to look",
        )
    page = as_alice.get(reverse("core:audit_log")).content.decode()
    assert "Tried to look" in page
    assert "ELS-2026-0042" not in page and "Nowak" not in page
    assert f"/cases/{theirs.pk}/" not in page and f"/people/{their_person.pk}/" not in page
    assert f"Number {theirs.pk}" in page


def test_naming_costs_the_same_queries_however_many_records(as_alice, org, alice, bob):
    named_events(org, alice, bob, n=1)
    with CaptureQueriesContext(connection) as few:
        as_alice.get(reverse("core:audit_log"))
    named_events(org, alice, bob, n=12)
    with CaptureQueriesContext(connection) as many:
        response = as_alice.get(reverse("core:audit_log"))
    assert len(response.context["rows"]) == 50
    assert len(many) == len(few)


def test_the_export_names_records_too(as_alice, org, alice, bob):
    made = named_events(org, alice, bob, n=2)
    response = as_alice.get(reverse("core:audit_log_export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][5] == "Record name"
    names = {row[5] for row in rows[1:]}
    assert {c.reference for c in made["cases"]} <= names
    assert "Siân O'Brien 1" in names and "Bob Barraclough" in names
