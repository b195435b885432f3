"""At triage each proposed person is matched to the people already recorded: one person, one record."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amends.cases.models import Case, PartyRole
from amends.core.models import AuditEvent
from amends.people.models import Person
from amends.privacy.export import subject_access_data
from amends.privacy.services import person_erase
from amends.referrals.models import ReferralPerson, ReferralStatus
from tests.factories import (
    CaseFactory,
    OrganisationFactory,
    PartyFactory,
    PersonFactory,
    PersonIdentifierFactory,
    ReferralFactory,
    ReferralPersonFactory,
)

BORN = datetime.date(1990, 3, 14)


@pytest.fixture
def sian(org):
    """Siân O'Brien, already recorded, in a closed-and-done case of the service's."""
    person = PersonFactory(
        organisation=org, given_name="Siân", family_name="O’Brien", date_of_birth=BORN
    )
    PersonIdentifierFactory(organisation=org, person=person, kind="police", value="NB/12345/26")
    PartyFactory(
        organisation=org,
        person=person,
        case=CaseFactory(
            organisation=org, reference="RJ-2025-0420", harm_summary="MARKER-OTHER-CASE-CONTENT"
        ),
    )
    return person


@pytest.fixture
def referral(org):
    """A referral naming Sian O'Brien (typed without the accent) and Łukasz Nowak."""
    referral = ReferralFactory(organisation=org, source_agency="Northbridge Police")
    ReferralPersonFactory(
        organisation=org,
        referral=referral,
        role="harmed",
        given_name="Sian",
        family_name="O'Brien",
        date_of_birth=BORN,
    )
    ReferralPersonFactory(
        organisation=org,
        referral=referral,
        role="responsible",
        given_name="Łukasz",
        family_name="Nowak",
        date_of_birth=datetime.date(2001, 7, 2),
    )
    return referral


def proposed(referral, given_name):
    return referral.people.get(given_name=given_name)


def test_the_triage_page_shows_likely_matches_with_enough_to_decide(as_alice, org, sian, referral):
    PersonFactory(organisation=org, given_name="Siân", family_name="Powell")  # not alike
    response = as_alice.get(reverse("referrals:detail", args=[referral.pk]))
    page = response.content.decode()
    asked = proposed(referral, "Sian")
    assert f'name="person_{asked.pk}"' in page
    assert "Who is Sian O&#x27;Brien?" in page
    assert "Siân O’Brien" in page
    assert "Born 14 March 1990" in page
    assert "Police reference NB/12345/26" in page
    assert "In 1 case." in page
    assert "Same name and date of birth" in page
    # Enough to decide, and nothing of the other case's content.
    assert "MARKER-OTHER-CASE-CONTENT" not in page
    assert "Powell" not in page
    # Łukasz is not recorded: he is added as new without a question.
    lukasz = proposed(referral, "Łukasz")
    assert f'name="person_{lukasz.pk}"' not in page
    assert "accepting adds them as a new record" in page


def test_linking_an_existing_record_makes_them_the_cases_party(
    as_alice, alice, org, sian, referral
):
    asked = proposed(referral, "Sian")
    response = as_alice.post(
        reverse("referrals:accept", args=[referral.pk]),
        {"planned_process": "conference", f"person_{asked.pk}": str(sian.pk)},
    )
    case = Case.objects.get(referral=referral)
    assert response["Location"] == reverse("cases:allocate", args=[case.pk])
    parties = {p.person.full_name: p.role for p in case.parties.select_related("person")}
    assert parties == {"Siân O’Brien": PartyRole.HARMED, "Łukasz Nowak": PartyRole.RESPONSIBLE}
    assert Person.objects.filter(search_key__contains="obrien").count() == 1  # one record
    # Each proposed person now points at their record.
    asked.refresh_from_db()
    assert asked.person == sian
    assert proposed(referral, "Łukasz").person.full_name == "Łukasz Nowak"
    assert AuditEvent.objects.filter(
        summary__contains="1 of 2 people linked to existing records"
    ).exists()
    # The referral page says who became whom.
    page = as_alice.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("people:detail", args=[sian.pk]) in page


def test_choosing_someone_new_adds_a_second_record(as_alice, org, sian, referral):
    asked = proposed(referral, "Sian")
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]),
        {"planned_process": "conference", f"person_{asked.pk}": "new"},
    )
    asked.refresh_from_db()
    assert asked.person is not None and asked.person != sian
    assert asked.person.full_name == "Sian O'Brien"


def test_a_likely_match_must_be_decided_before_accepting(as_alice, org, sian, referral):
    asked = proposed(referral, "Sian")
    response = as_alice.post(
        reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    message = "Choose who Sian O&#x27;Brien is: someone already recorded, or someone new"
    assert page.count(message) == 2  # in the summary and at the question
    assert f'href="#id_person_{asked.pk}_0"' in page
    assert f'id="id_person_{asked.pk}_0"' in page
    assert not Case.objects.filter(referral=referral).exists()
    assert Person.objects.count() == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW


def test_a_person_from_outside_the_matches_or_another_organisation_is_refused(
    as_alice, org, sian, referral
):
    elsewhere = PersonFactory(
        organisation=OrganisationFactory(), given_name="Sian", family_name="O'Brien"
    )
    unrelated = PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")
    asked = proposed(referral, "Sian")
    for pk in (elsewhere.pk, unrelated.pk, "999999", "'; drop table"):
        response = as_alice.post(
            reverse("referrals:accept", args=[referral.pk]),
            {"planned_process": "conference", f"person_{asked.pk}": str(pk)},
        )
        assert "Choose who Sian O&#x27;Brien is from the list" in response.content.decode()
    assert not Case.objects.filter(referral=referral).exists()


def test_the_same_record_cannot_stand_for_two_proposed_people(as_alice, org, sian, referral):
    twin = ReferralPersonFactory(
        organisation=org,
        referral=referral,
        role="other",
        given_name="Siân",
        family_name="O'Brien",
        date_of_birth=BORN,
    )
    asked = proposed(referral, "Sian")
    response = as_alice.post(
        reverse("referrals:accept", args=[referral.pk]),
        {
            "planned_process": "conference",
            f"person_{asked.pk}": str(sian.pk),
            f"person_{twin.pk}": str(sian.pk),
        },
    )
    assert "is already linked to Siân O’Brien" in response.content.decode()
    assert not Case.objects.filter(referral=referral).exists()
    assert not ReferralPerson.objects.filter(person__isnull=False).exists()


def test_a_reference_looked_up_at_triage_finds_the_person(as_alice, org, referral):
    """Recorded under another spelling: found by the crime reference the coordinator types."""
    known = PersonFactory(organisation=org, given_name="Lucas", family_name="Novak")
    PersonIdentifierFactory(organisation=org, person=known, kind="police", value="NB/77777/26")
    lukasz = proposed(referral, "Łukasz")
    page = as_alice.get(
        reverse("referrals:detail", args=[referral.pk]), {f"find_{lukasz.pk}": "nb/77777/26"}
    ).content.decode()
    assert "Lucas Novak" in page
    assert "Has the reference you searched for" in page
    # The look-up travels with the accept form, so the choice stays valid when posted.
    assert f'name="find_{lukasz.pk}" value="nb/77777/26"' in page
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]),
        {
            "planned_process": "conference",
            f"find_{lukasz.pk}": "nb/77777/26",
            f"person_{lukasz.pk}": str(known.pk),
        },
    )
    lukasz.refresh_from_db()
    assert lukasz.person == known


def test_matching_takes_the_same_queries_however_many_people_are_recorded(as_alice, org, referral):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_alice.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
        return len(captured)

    PersonFactory(organisation=org, given_name="Sian", family_name="O'Brien")
    before = queries()
    for n in range(6):
        person = PersonFactory(
            organisation=org, given_name="Siân", family_name="O’Brien", date_of_birth=BORN
        )
        PersonIdentifierFactory(organisation=org, person=person)
        PartyFactory(organisation=org, person=person, case=CaseFactory(organisation=org))
        PersonFactory(organisation=org, given_name="Łukasz", family_name=f"Nowak-{n}")
    assert queries() == before


def test_subject_access_includes_the_referral_and_erasure_clears_it(
    as_alice, alice, org, sian, referral
):
    asked = proposed(referral, "Sian")
    ReferralPerson.objects.filter(pk=asked.pk).update(
        identifier_kind="police", identifier_value="NB/12345/26"
    )
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]),
        {"planned_process": "conference", f"person_{asked.pk}": str(sian.pk)},
    )
    held = subject_access_data(sian)
    assert [r["from"] for r in held["referrals"]] == ["Northbridge Police"]
    assert held["referrals"][0]["name_given"] == "Sian O'Brien"

    case = Case.objects.get(referral=referral)
    Case.objects.filter(pk=case.pk).update(status="closed")
    Case.objects.exclude(pk=case.pk).update(status="closed")
    person_erase(person=sian, by=alice, reason="erasure_request")
    asked.refresh_from_db()
    assert asked.given_name == "Anonymised" and asked.family_name == ""
    assert asked.date_of_birth is None
    assert asked.identifier_kind == "" and asked.identifier_value == ""
    sian.refresh_from_db()
    assert not Person.objects.search("sian").filter(pk=sian.pk).exists()


def test_a_reference_given_in_the_referral_finds_the_person_under_another_name(
    as_alice, alice, org
):
    """A school refers a pupil by their UPN; the record spells the name differently."""
    from amends.referrals.services import referral_create

    org.sectors = ["justice", "schools"]
    org.save()
    known = PersonFactory(organisation=org, given_name="Ngozi", family_name="Okafor")
    PersonIdentifierFactory(organisation=org, person=known, kind="pupil", value="A123456789012")
    referral = referral_create(
        organisation=org,
        by=alice,
        people=[
            {
                "role": "responsible",
                "given_name": "Ngozi",
                "family_name": "Okafor-Reid",
                "identifier_kind": "pupil",
                "identifier_value": "a123456789012",
            }
        ],
        source_agency="Kingsmead Academy",
        referrer_name="Mr Dafydd Rhys",
        received_on=datetime.date.today(),
        incident_summary="A fight in the dining hall.",
        harm_type=ReferralFactory(organisation=org).harm_type,
        sector="schools",
    )
    asked = referral.people.get()
    page = as_alice.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Who is Ngozi Okafor-Reid?" in page
    assert "Same unique pupil number" in page
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]),
        {"planned_process": "conversation", f"person_{asked.pk}": str(known.pk)},
    )
    asked.refresh_from_db()
    assert asked.person == known
    assert subject_access_data(known)["referrals"][0]["identifier_given"] == (
        "Unique pupil number a123456789012"
    )
