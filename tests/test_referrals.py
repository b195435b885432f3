"""Referrals arrive, wait in triage oldest first, and are accepted or declined."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import Case, PartyRole
from amends.referrals.models import HarmType, Referral, ReferralStatus
from tests.factories import ReferralFactory, ReferralPersonFactory

TODAY = timezone.localdate()


def referral_data(org, **overrides):
    harm = HarmType.objects.for_organisation(org).get(name="Criminal damage")
    data = {
        "source_agency": "Northbridge Police",
        "referrer_name": "PC Amy Holt",
        "received_on_0": TODAY.day,
        "received_on_1": TODAY.month,
        "received_on_2": TODAY.year,
        "incident_summary": "Shop window broken on a Friday night.",
        "harm_type": harm.pk,
        "justice_stage": "out_of_court",
        "sector": "justice",
        "risks": "none_known",
        "person1-role": "harmed",
        "person1-given_name": "Imran",
        "person1-family_name": "Qureshi",
        "person1-agreed_to_referral": "yes",
        "person1-agreed_to_contact": "yes",
        "person2-role": "responsible",
        "person2-given_name": "Jake",
        "person2-family_name": "Dunmore",
        "person2-agreed_to_referral": "yes",
        "person2-agreed_to_contact": "not_asked",
    }
    data.update(overrides)
    return data


def test_referrer_makes_a_referral_and_sees_only_their_own(as_rita, rita, org):
    ReferralFactory(organisation=org, source_agency="Someone else's referral")
    response = as_rita.post(reverse("referrals:new"), referral_data(org))
    assert response.status_code == 302
    mine = Referral.objects.get(referred_by=rita)
    assert mine.people.count() == 2
    page = as_rita.get(reverse("referrals:list")).content.decode()
    assert "Waiting for triage" in page
    assert page.count('<tr class="govuk-table__row">') == 2  # header + her one referral
    other = Referral.objects.exclude(pk=mine.pk).get()
    assert as_rita.get(reverse("referrals:detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"incident_summary": ""}, "incident_summary", "Enter what happened"),
        ({"harm_type": "999999"}, "harm_type", "Choose a kind of harm from the list"),
        ({"justice_stage": "sentenced-to-fun"}, "justice_stage", "Choose a stage from the list"),
        ({"received_on_2": str(TODAY.year + 1)}, "received_on", "must be today or in the past"),
    ],
)
def test_bad_referrals_are_refused_at_the_field(as_alice, org, overrides, field, message):
    response = as_alice.post(reverse("referrals:new"), referral_data(org, **overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Referral.objects.exists()


def test_a_referral_needs_at_least_one_person(as_alice, org):
    data = referral_data(org)
    for key in [k for k in data if k.startswith("person")]:
        data[key] = ""
    response = as_alice.post(reverse("referrals:new"), data)
    assert "Add at least one person" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_half_filled_person_is_refused_and_nothing_saved(as_alice, org):
    response = as_alice.post(
        reverse("referrals:new"), referral_data(org, **{"person2-family_name": ""})
    )
    assert "Enter the last name of person 2" in response.content.decode()
    assert not Referral.objects.exists()


def test_triage_queue_is_oldest_first(as_alice, org):
    newer = ReferralFactory(organisation=org, source_agency="Newer agency", received_on=TODAY)
    older = ReferralFactory(
        organisation=org,
        source_agency="Older agency",
        received_on=TODAY - datetime.timedelta(days=9),
    )
    page = as_alice.get(reverse("referrals:list")).content.decode()
    assert page.index(older.source_agency) < page.index(newer.source_agency)


def test_accepting_opens_a_case_with_the_referrals_people(as_alice, org):
    referral = ReferralFactory(organisation=org)
    ReferralPersonFactory(organisation=org, referral=referral, role="harmed", given_name="Imran")
    ReferralPersonFactory(
        organisation=org, referral=referral, role="responsible", given_name="Jake"
    )
    response = as_alice.post(
        reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:allocate", args=[case.pk])
    assert case.referral == referral and case.harm_summary == referral.incident_summary
    roles = {p.person.given_name: p.role for p in case.parties.select_related("person")}
    assert roles == {"Imran": PartyRole.HARMED, "Jake": PartyRole.RESPONSIBLE}
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    # A second accept is refused and opens nothing more.
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
    )
    assert Case.objects.count() == 1


def test_declining_needs_a_reason(as_alice, org):
    referral = ReferralFactory(organisation=org)
    response = as_alice.post(reverse("referrals:decline", args=[referral.pk]), {})
    assert "Choose why the referral is declined" in response.content.decode()
    as_alice.post(
        reverse("referrals:decline", args=[referral.pk]),
        {"reason": "outside_remit", "note": "Civil matter"},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason == "outside_remit"


def test_referrer_sees_progress_but_never_the_work(as_alice, as_rita, rita, org, bob):
    referral = ReferralFactory(organisation=org, referred_by=rita)
    ReferralPersonFactory(organisation=org, referral=referral, role="harmed")
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
    )
    case = Case.objects.get()
    case.harm_summary = "MARKER-CASE-CONTENT"
    case.status = "meeting_arranged"
    case.save()
    party = case.parties.get()
    party.private_notes = "MARKER-PRIVATE-NOTE"
    party.save()

    for url in (reverse("referrals:list"), reverse("referrals:detail", args=[referral.pk])):
        page = as_rita.get(url).content.decode()
        assert "a meeting is arranged" in page
        assert "MARKER" not in page and case.reference not in page
    assert as_rita.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_facilitators_and_viewers_do_not_triage(as_bob, as_vera, org):
    referral = ReferralFactory(organisation=org)
    for client in (as_bob, as_vera):
        assert client.get(reverse("referrals:list")).status_code == 403
        assert (
            client.post(
                reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
            ).status_code
            == 404
        )
    assert not Case.objects.exists()


def test_coordinator_keeps_the_list_of_harm_types(as_alice, org):
    as_alice.get(reverse("referrals:harm_types"))
    as_alice.post(reverse("referrals:harm_types"), {"name": "Arson"})
    assert HarmType.objects.filter(organisation=org, name="Arson").exists()
    response = as_alice.post(reverse("referrals:harm_types"), {"name": "arson"})
    assert "already in the list" in response.content.decode()
    theft = HarmType.objects.get(organisation=org, name="Theft")
    as_alice.post(reverse("referrals:harm_type_toggle", args=[theft.pk]))
    theft.refresh_from_db()
    assert not theft.is_active
    assert "Theft" not in [h.name for h in HarmType.objects.for_organisation(org)]
