"""Closed cases are anonymised once their organisation's retention period ends.

A case is filled with unique markers in every place text can live, closed
eight years ago, and `manage.py apply_retention` is run. Then every text
column of every table is searched: raw, and through the ORM so encrypted
fields are read decrypted. No marker may be left.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from amends.cases import services as case_services
from amends.cases.models import CaseStatus, PartyRole
from amends.core.audit import audit_record
from amends.core.fields import EncryptedTextField
from amends.core.models import AuditAction
from amends.people.models import Person
from amends.privacy.models import Anonymisation
from tests.factories import (
    AgreementActionFactory,
    CaseFactory,
    ConsentRecordFactory,
    ContactLogEntryFactory,
    DocumentFactory,
    IndirectMessageFactory,
    MeetingFactory,
    PartyFactory,
    PersonFactory,
    PersonIdentifierFactory,
    ReferralFactory,
    ReferralPersonFactory,
    RiskAssessmentFactory,
)


def everything_in_the_database() -> str:
    """Every value of every table, raw; and every encrypted field, decrypted."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(str(row) for row in cursor.fetchall())
    for model in apps.get_models():
        encrypted = [
            f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if encrypted:
            chunks.extend(str(row) for row in model._default_manager.values_list(*encrypted))
    return "\n".join(chunks)


def plant_case(org, by, tag, *, closed_years_ago):
    """A closed case with a marker in every kind of text it holds."""
    referral = ReferralFactory(
        organisation=org,
        referrer_name=f"REFERRER-{tag}",
        referrer_contact=f"REFCONTACT-{tag}",
        incident_summary=f"INCIDENT-{tag}",
    )
    case = CaseFactory(
        organisation=org,
        referral=referral,
        harm_summary=f"HARM-{tag}",
        next_step=f"NEXT-{tag}",
    )
    people = {}
    for role in (PartyRole.HARMED, PartyRole.RESPONSIBLE):
        person = PersonFactory(
            organisation=org,
            given_name=f"Given{tag}{role}",
            family_name=f"FAMILY-{tag}-{role}",
            known_as=f"KNOWNAS-{tag}-{role}",
            email=f"email-{tag}-{role}@example.org".lower(),
            phone="07700 900 000",
            address=f"ADDRESS-{tag}-{role}",
            safe_contact_notes=f"SAFE-{tag}-{role}",
            accessibility_needs=f"ACCESS-{tag}-{role}",
            year_group=f"Y-{tag}",
            form_group=f"F-{tag}",
            contact_from=datetime.time(9),
            contact_until=datetime.time(17, 30),
        )
        PersonIdentifierFactory(
            organisation=org, person=person, value=f"{tag[:1]}{role[:1]}99/{tag}".upper()[:20]
        )
        ReferralPersonFactory(
            organisation=org,
            referral=referral,
            person=person,
            role=role,
            given_name=f"RPGIVEN-{tag}",
            family_name=f"RPFAMILY-{tag}",
            notes=f"RPNOTES-{tag}",
        )
        # Through the service, so the timeline and the audit log name them, as in real use.
        party = case_services.party_add(case=case, person=person, role=role, by=by)
        party.private_notes = f"PRIVATE-{tag}-{role}"
        party.save()
        ConsentRecordFactory(organisation=org, party=party, note=f"CONSENT-{tag}-{role}")
        ContactLogEntryFactory(
            organisation=org, case=case, party=party, note=f"CONTACT-{tag}-{role}"
        )
        people[role] = party
    RiskAssessmentFactory(
        organisation=org, case=case, narrative=f"RISK-{tag}", mitigations=f"MITIGATE-{tag}"
    )
    meeting = MeetingFactory(
        organisation=org,
        case=case,
        venue=f"VENUE-{tag}",
        what_happened=f"MEETNOTE-{tag}",
        outcome_notes=f"OUTCOME-{tag}",
        facilitator=by,
    )
    IndirectMessageFactory(
        organisation=org,
        meeting=meeting,
        case=case,
        from_party=people["harmed"],
        to_party=people["responsible"],
        summary=f"MESSAGE-{tag}",
    )
    AgreementActionFactory(
        organisation=org,
        agreement__case=case,
        owner=people["responsible"],
        description=f"ACTION-{tag}",
        verification_note=f"VERIFIED-{tag}",
    )
    DocumentFactory(organisation=org, case=case, title=f"DOCTITLE-{tag}")
    audit_record(
        actor=by,
        action=AuditAction.VIEW,
        organisation=org,
        record=people["harmed"].person,
        summary="Viewed details",
    )
    case.status = CaseStatus.CLOSED
    case.closure_outcome = "agreement_completed"
    case.closure_note = f"CLOSURE-{tag}"
    case.closed_at = timezone.now() - datetime.timedelta(days=365 * closed_years_ago + 2)
    case.save()
    return case, people


def test_a_case_past_retention_leaves_no_trace(org, alice, django_capture_on_commit_callbacks):
    old_case, _old_people = plant_case(org, alice, "OLDCASE", closed_years_ago=8)
    _recent_case, _ = plant_case(org, alice, "RECENT", closed_years_ago=2)
    document_path = old_case.documents.get().path
    before = everything_in_the_database()
    assert "FAMILY-OLDCASE" in before and "MEETNOTE-OLDCASE" in before  # the search can find them

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--now", stdout=out)

    after = everything_in_the_database()
    assert "OLDCASE" not in after.upper()
    assert "oldcase" not in after.lower()
    assert not document_path.exists()
    # The recent case is kept as it was.
    assert "FAMILY-RECENT" in after and "MEETNOTE-RECENT" in after
    # The report counts what was done.
    report = out.getvalue()
    assert "cases anonymised: 1" in report
    assert "people anonymised: 2" in report
    assert "documents removed: 1" in report
    # The case's shape stays for the service's reports.
    old_case.refresh_from_db()
    assert old_case.closure_outcome == "agreement_completed"
    assert old_case.parties.count() == 2
    assert not old_case.parties.filter(person__contact_from__isnull=False).exists()

    # Running again finds nothing more to do.
    again = io.StringIO()
    call_command("apply_retention", "--now", stdout=again)
    assert "Nothing is past its retention period" in again.getvalue()


def test_someone_in_another_live_case_keeps_their_record(org, alice):
    old_case, old_people = plant_case(org, alice, "OLDCASE", closed_years_ago=8)
    person = old_people["harmed"].person
    live = CaseFactory(organisation=org)
    PartyFactory(organisation=org, case=live, person=person)

    call_command("apply_retention", "--now", stdout=io.StringIO())

    person.refresh_from_db()
    assert person.family_name == "FAMILY-OLDCASE-harmed"
    old_people["harmed"].refresh_from_db()
    assert old_people["harmed"].private_notes == ""  # the old case's notes still go
    responsible = Person.objects.get(pk=old_people["responsible"].person_id)
    assert responsible.given_name == "Anonymised"
    assert Anonymisation.objects.filter(case=old_case).count() == 1


@pytest.mark.parametrize(("years", "anonymised"), [(3, True), (10, False)])
def test_each_organisation_sets_its_own_period(org, alice, years, anonymised):
    org.retention_years = years
    org.save()
    case, _ = plant_case(org, alice, "PERIOD", closed_years_ago=5)
    call_command("apply_retention", "--now", stdout=io.StringIO())
    case.refresh_from_db()
    assert (case.harm_summary != "HARM-PERIOD") is anonymised


def test_open_cases_are_never_touched(org, alice):
    case = CaseFactory(organisation=org, harm_summary="STILL-OPEN")
    case.opened_on = datetime.date(2001, 1, 1)
    case.save()
    call_command("apply_retention", "--now", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.harm_summary == "STILL-OPEN"
