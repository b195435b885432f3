"""Ready to distribute the data by organisation (PostgreSQL with Citus, docs/scaling.md):
every organisation-owned table carries the organisation key, every unique constraint on one
includes it, and the pages people use every day read each such table by it.

The SQL check opens a representative set of pages as a coordinator and as a facilitator,
captures every SELECT, and names each read of an organisation-owned table (as the FROM of
the query or of a subquery) that does not filter on that table's own organisation_id.
Rows reached by a join through a foreign key from a row so filtered are of the same
organisation by construction and are not named. Reads that are global by design are
listed in GLOBAL_READS with the reason.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amends.core.models import AuditEvent, OrganisationOwned
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    CaseEventFactory,
    CaseFactory,
    ConsentRecordFactory,
    ContactLogEntryFactory,
    MeetingFactory,
    PartyFactory,
    PersonFactory,
    ReferralFactory,
    RiskAssessmentFactory,
)

pytestmark = pytest.mark.django_db


def organisation_owned() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, OrganisationOwned) or model is AuditEvent
    ]


# Unique on a value that arrives without an organisation: a link's token, an API key, a
# stored file's random name, a certificate's code. They are looked up before any
# organisation is known, so they are unique across the service; distributed, these
# lookups go through a small reference table of token to organisation (docs/scaling.md).
GLOBAL_UNIQUE_VALUES = {
    "documents.Document.stored_name",
    "outcomes.FeedbackLink.token_hash",
    "training.Enrolment.offer_token_hash",
    "training.Certificate.code",
    "practitioners.TrainingRecord.evidence_stored_name",
    "api.ApiKey.prefix",
    "api.ApiKey.key_hash",
}
# One-to-one with a record of the same organisation (a case's referral, its agreement):
# unique on the parent's key. Distributed, each becomes a foreign key with a unique
# constraint on (organisation, parent), the change docs/scaling.md lists as its first step.
ONE_TO_ONE_WITH_SAME_ORGANISATION = {
    "cases.Case.referral",
    "agreements.Agreement.case",
    "outcomes.FeedbackResponse.link",
    "outcomes.VictimsCodeRecord.party",
    "outcomes.ReoffendingCheck.case",
    "training.Certificate.enrolment",
    "api.ApiSubmission.referral",
    "housing.CaseHousing.case",
    "custody.PersonCustody.person",
    "custody.CaseCustody.case",
    "custody.VisitorClearance.party",
    "schools.SchoolCase.case",
    "groups.GroupCase.case",
}


def test_every_organisation_owned_table_carries_the_organisation_key():
    for model in organisation_owned():
        field = model._meta.get_field("organisation")
        assert field.column == "organisation_id", model
        if model is not AuditEvent:  # events of no organisation: sign-ins, platform work
            assert not field.null, model


def test_every_unique_constraint_on_an_organisation_owned_table_includes_the_key():
    missing = []
    for model in organisation_owned():
        label = model._meta.label
        for constraint in model._meta.constraints:
            unique = isinstance(constraint, models.UniqueConstraint)
            if unique and "organisation" not in constraint.fields:
                missing.append(f"{label} {constraint.name} {constraint.fields}")
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                name = f"{label}.{field.name}"
                if name not in GLOBAL_UNIQUE_VALUES | ONE_TO_ONE_WITH_SAME_ORGANISATION:
                    missing.append(name)
    assert missing == []


# Reads that need no organisation key, and why.
GLOBAL_READS = {
    # A practitioner's standing (home page): the certificates a training organisation issued
    # them and the supervision and development they carry from service to service are read
    # for that practitioner, wherever they work. Distributed, these are reference tables.
    "training_certificate": "a practitioner's certificates, issued by another organisation",
    "practitioners_supervisionsession": "a practitioner's own record, across services",
    "practitioners_developmentactivity": "a practitioner's own record, across services",
}


def _tables() -> dict[str, str]:
    return {model._meta.db_table: model._meta.label for model in organisation_owned()}


FROM = re.compile(r'FROM "(\w+)"(?: (?:AS )?"?(\w+)"?)?')


def reads_without_key(sql: str) -> list[str]:
    """The organisation-owned tables this SELECT reads without filtering on their key."""
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return []
    tables = _tables()
    named = []
    for match in FROM.finditer(sql):
        table, alias = match.group(1), match.group(2)
        if table not in tables:
            continue
        if alias in (None, "WHERE", "INNER", "LEFT", "ORDER", "GROUP", "LIMIT"):
            alias = table
        if not re.search(rf'"?{alias}"?\."organisation_id"', sql):
            named.append(table)
    return named


def test_the_check_names_a_read_without_the_key():
    assert reads_without_key(
        'SELECT "cases_party"."id" FROM "cases_party" WHERE "cases_party"."case_id" = 3'
    ) == ["cases_party"]
    assert not reads_without_key(
        'SELECT U0."id" FROM "cases_party" U0 WHERE (U0."organisation_id" = 1)'
    )


@pytest.fixture
def busy_case(org, alice, bob):
    today = timezone.localdate()
    case = CaseFactory(
        organisation=org,
        lead_facilitator=bob,
        status="monitoring",
        referral=ReferralFactory(organisation=org, status="accepted", decided_at=timezone.now()),
    )
    harmed = PartyFactory(
        organisation=org,
        case=case,
        role="harmed",
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Connor"),
    )
    responsible = PartyFactory(
        organisation=org,
        case=case,
        role="responsible",
        person=PersonFactory(organisation=org, given_name="Zoë", family_name="Ní Bhriain"),
    )
    for party in (harmed, responsible):
        ConsentRecordFactory(organisation=org, case=case, party=party, given_by=party)
    RiskAssessmentFactory(organisation=org, case=case)
    ContactLogEntryFactory(organisation=org, case=case, party=harmed)
    CaseEventFactory(organisation=org, case=case)
    MeetingFactory(organisation=org, case=case, facilitator=bob)
    agreement = AgreementFactory(organisation=org, case=case, agreed_on=today)
    AgreementActionFactory(
        organisation=org,
        agreement=agreement,
        case=case,
        owner=responsible,
        due_on=today - datetime.timedelta(days=4),
    )
    ReferralFactory(organisation=org)  # waiting for triage
    return case


def test_daily_pages_read_every_organisation_owned_table_by_its_key(
    busy_case, as_alice, as_bob, other_org
):
    case = busy_case
    person = case.parties.first().person
    pages = {
        as_alice: [
            "/home/",
            "/cases/",
            "/cases/?q=Siân",
            f"/cases/?q={case.reference}",
            "/cases/?overdue=on",
            f"/cases/{case.pk}/",
            f"/cases/{case.pk}/timeline/",
            f"/cases/{case.pk}/contacts/",
            f"/cases/{case.pk}/agreement/",
            "/referrals/",
            f"/referrals/{case.referral_id}/",
            "/people/?q=Zoë",
            f"/people/{person.pk}/",
            "/actions/overdue/",
            "/outcomes/reoffending-checks-due/",
            "/organisation/audit/",
        ],
        as_bob: ["/home/", "/cases/mine/", f"/cases/{case.pk}/", "/actions/overdue/"],
    }
    found: dict[str, set[str]] = {}
    example: dict[str, str] = {}
    for client, urls in pages.items():
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, url
            for query in captured.captured_queries:
                for table in reads_without_key(query["sql"]):
                    if table not in GLOBAL_READS:
                        found.setdefault(table, set()).add(url)
                        example.setdefault(table, query["sql"])
    assert found == {}, "\n".join(
        f"{t}: {sorted(urls)}\n    {example[t]}" for t, urls in sorted(found.items())
    )
