"""What the sectors keep about a person — a household and its address, where a prisoner is
held, the parents told about a pupil — is in their subject access export, and goes when they
are erased or their case reaches the end of retention."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from amends.cases.models import CaseStatus, PartyRole
from amends.custody.models import PersonCustody
from amends.housing.models import Household, HouseholdMember
from amends.privacy.models import AnonymisationReason
from amends.privacy.services import case_anonymise, person_erase
from amends.schools.models import InformedMethod, ParentInformed, SchoolCase
from tests.factories import (
    CaseFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PartyFactory,
    PersonFactory,
)


@pytest.fixture
def closed_case(org):
    return CaseFactory(organisation=org, status=CaseStatus.CLOSED)


def exported(client, person) -> dict:
    response = client.get(reverse("privacy:export_json", args=[person.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


def sections(data: dict) -> dict[str, dict[str, str]]:
    return {section["title"]: section["rows"] for section in data["more_held"]}


def test_a_residents_household_and_address_are_exported_then_removed_on_erasure(
    as_alice, alice, org, closed_case
):
    person = PersonFactory(organisation=org, given_name="Siân", family_name="O'Connor")
    PartyFactory(organisation=org, case=closed_case, person=person, role=PartyRole.HARMED)
    household = HouseholdFactory(
        organisation=org, name="The O'Connor household", address_line_1="Flat 3, 14 Hazel Close"
    )
    HouseholdMemberFactory(organisation=org, household=household, person=person, is_tenant=True)

    rows = sections(exported(as_alice, person))["Their household"]
    assert "Flat 3, 14 Hazel Close" in rows["Address"]
    assert rows["Named on the tenancy"] == "Yes"

    person_erase(person=person, by=alice, reason=AnonymisationReason.ERASURE_REQUEST)

    assert not HouseholdMember.objects.filter(person=person).exists()
    household = Household.objects.get(pk=household.pk)
    assert household.address_line_1 == "" and household.postcode == ""
    assert sections(exported(as_alice, person)) == {}


def test_a_household_others_still_live_in_keeps_its_address(alice, org, closed_case):
    leaving, staying = PersonFactory(organisation=org), PersonFactory(organisation=org)
    PartyFactory(organisation=org, case=closed_case, person=leaving, role=PartyRole.HARMED)
    household = HouseholdFactory(organisation=org, address_line_1="2 Birch Row")
    HouseholdMemberFactory(organisation=org, household=household, person=leaving)
    HouseholdMemberFactory(organisation=org, household=household, person=staying)

    person_erase(person=leaving, by=alice, reason=AnonymisationReason.ERASURE_REQUEST)

    assert Household.objects.get(pk=household.pk).address_line_1 == "2 Birch Row"
    assert list(
        HouseholdMember.objects.filter(household=household).values_list("person", flat=True)
    ) == [staying.pk]


def test_where_a_prisoner_is_held_is_exported_then_removed_on_erasure(
    as_alice, alice, org, closed_case
):
    person = PersonFactory(organisation=org, given_name="Callum", family_name="Ó Briain")
    PartyFactory(organisation=org, case=closed_case, person=person, role=PartyRole.RESPONSIBLE)
    PersonCustody.objects.create(
        organisation=org,
        person=person,
        establishment="HMP Eastwood",
        wing="B",
        cell="B2-14",
        crn="X123456",
    )

    rows = sections(exported(as_alice, person))["Where they are held"]
    assert rows["Wing or unit"] == "B" and rows["Cell or location"] == "B2-14"
    assert rows["Probation case reference number (CRN)"] == "X123456"

    person_erase(person=person, by=alice, reason=AnonymisationReason.ERASURE_REQUEST)

    assert not PersonCustody.objects.filter(person=person).exists()


def test_parents_told_about_a_pupil_are_exported_and_blanked_with_the_case(
    as_alice, org, closed_case
):
    pupil = PersonFactory(organisation=org, given_name="Zoë", family_name="Ní Bhriain")
    party = PartyFactory(organisation=org, case=closed_case, person=pupil, role=PartyRole.HARMED)
    ParentInformed.objects.create(
        organisation=org,
        case=closed_case,
        pupil=party,
        informed_name="Aoife Ní Bhriain",
        method=InformedMethod.PHONE,
        informed_on=datetime.date(2026, 10, 5),
        said="Told her about the conversation at break.",
    )
    SchoolCase.objects.create(organisation=org, case=closed_case, agreed="Sit apart in maths.")

    rows = sections(exported(as_alice, pupil))["Parents and carers told"]
    (told,) = rows.values()
    assert "Aoife Ní Bhriain" in told and "conversation at break" in told

    case_anonymise(case=closed_case, reason=AnonymisationReason.RETENTION)

    record = ParentInformed.objects.get(case=closed_case)
    assert "Aoife" not in record.informed_name and record.said == ""
    assert SchoolCase.objects.get(case=closed_case).agreed == ""
