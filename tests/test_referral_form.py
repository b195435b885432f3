"""The referral form: any number of people, what each has agreed to and needs, the risks known,
the crime or incident reference, and the questions that belong to one sector only."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import Case, PartyRole
from amends.core.models import OrganisationKind, Role, Sector
from amends.referrals import services
from amends.referrals.models import HarmType, Referral, ReferralPerson
from tests.conftest import signed_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PersonIdentifierFactory,
    UserFactory,
)

TODAY = timezone.localdate()

# Five people of a conference, with the names people really have.
FIVE = [
    ("harmed", "Siân", "O'Brien", {"agreed_to_referral": "yes", "agreed_to_contact": "yes"}),
    ("responsible", "Łukasz", "Nowak", {"agreed_to_referral": "no", "agreed_to_contact": "yes"}),
    (
        "supporter_of_harmed",
        "Zoë",
        "Ní Bhriain",
        {"agreed_to_referral": "not_asked", "agreed_to_contact": "no"},
    ),
    (
        "supporter_of_responsible",
        "José",
        "Álvarez-Núñez",
        {"agreed_to_referral": "yes", "agreed_to_contact": "not_asked"},
    ),
    (
        "community",
        "Nguyễn",
        "Văn An",
        {"agreed_to_referral": "not_asked", "agreed_to_contact": "no"},
    ),
]


def person_data(n: int, role: str, given: str, family: str, **more) -> dict[str, str]:
    data = {
        f"person{n}-role": role,
        f"person{n}-given_name": given,
        f"person{n}-family_name": family,
        f"person{n}-agreed_to_referral": "yes",
        f"person{n}-agreed_to_contact": "yes",
    }
    data.update({f"person{n}-{name}": value for name, value in more.items()})
    return data


def referral_data(org, *, people=FIVE, **overrides) -> dict:
    # A justice service's harm type, unless another sector's is given.
    harm = overrides.get("harm_type") or HarmType.objects.for_organisation(org).get(
        name="Criminal damage"
    )
    data = {
        "source_agency": "West Yorkshire Police",
        "referrer_name": "PC Amy Holt",
        "received_on_0": TODAY.day,
        "received_on_1": TODAY.month,
        "received_on_2": TODAY.year,
        "incident_summary": "The windows of the corner shop were broken on a Friday night.",
        "incident_reference": "41/12345/26",
        "harm_type": getattr(harm, "pk", harm),
        "justice_stage": "out_of_court",
        "sector": "justice",
        "risks": ["violence", "threats"],
        "risk_note": "Łukasz's brother has threatened Siân since.",
        "people_count": str(len(people)),
    }
    for n, (role, given, family, more) in enumerate(people, start=1):
        data.update(person_data(n, role, given, family, **more))
    data.update(overrides)
    return data


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def school(db):
    return OrganisationFactory(
        name="Kingsmead Academy", kind=OrganisationKind.SCHOOL, sectors=[Sector.SCHOOLS]
    )


@pytest.fixture
def as_school_coordinator(school):
    user = UserFactory(email="head@kingsmead.example", full_name="Gráinne D'Arcy")
    MembershipFactory(user=user, organisation=school, role=Role.COORDINATOR)
    return signed_in(user)


@pytest.fixture
def both_sectors(org):
    """Northbridge works with the police and with schools."""
    org.sectors = [Sector.JUSTICE, Sector.SCHOOLS]
    org.save()
    return org


# Five people, each consent answer, names as they are -----------------------------------


def test_five_people_with_their_answers_are_kept_exactly(as_alice, org):
    data = referral_data(
        org,
        **{
            "person1-needs": ["interpreter", "access"],
            "person1-language": "Welsh",
            "person1-needs_note": "Uses a wheelchair; needs step-free access.",
            "person1-phone": "07700 900 461",
            "person1-safe_contact": "Only after 6pm; no voicemail.",
            "person2-age_band": "18_24",
        },
    )
    response = as_alice.post(reverse("referrals:new"), data)
    assert response.status_code == 302
    referral = Referral.objects.get()
    people = list(referral.people.order_by("pk"))
    assert [(p.role, p.given_name, p.family_name) for p in people] == [
        (role, given, family) for role, given, family, _ in FIVE
    ]
    assert [(p.agreed_to_referral, p.agreed_to_contact) for p in people] == [
        (more["agreed_to_referral"], more["agreed_to_contact"]) for *_, more in FIVE
    ]
    sian = people[0]
    assert sian.need_codes == ["interpreter", "access"] and sian.language == "Welsh"
    assert sian.safe_contact == "Only after 6pm; no voicemail."
    assert people[1].age_band == "18_24"
    assert referral.risk_codes == ["violence", "threats"]
    assert referral.incident_reference == "41/12345/26"


def test_the_coordinator_sees_every_detail_but_no_contact_details(as_alice, org):
    as_alice.post(
        reverse("referrals:new"),
        referral_data(
            org,
            **{
                "person1-needs": ["interpreter"],
                "person1-language": "Polish",
                "person1-phone": "07700 900 461",
                "person1-safe_contact": "Only after 6pm",
            },
        ),
    )
    referral = Referral.objects.get()
    page = page_text(as_alice.get(reverse("referrals:detail", args=[referral.pk])))
    for _, given, family, _ in FIVE:
        assert f"{given} {family}" in page
    assert "Supporter of the person harmed" in page and "Community member" in page
    assert "Language: Polish" in page and "An interpreter" in page
    assert "Violence" in page and "Threats or intimidation" in page
    assert "Łukasz's brother has threatened Siân since." in page
    assert "Police crime reference" in page and "41/12345/26" in page
    # Two people said no to contact: the coordinator is warned of each.
    assert "Zoë Ní Bhriain has not agreed to be contacted" in page
    assert "Nguyễn Văn An has not agreed to be contacted" in page
    assert "Siân O'Brien has not agreed" not in page
    assert "is under 18" not in page  # no ages given: nobody is taken for a child
    # Contact details wait for the person's record, where they are masked.
    assert "07700 900 461" not in page and "Only after 6pm" not in page


# Add another, remove, nothing lost -------------------------------------------------------------


def test_add_another_person_keeps_everything_typed_and_saves_nothing(as_alice, org):
    data = referral_data(org, people=FIVE[:2], add_person="1")
    response = as_alice.post(reverse("referrals:new"), data)
    assert response.status_code == 200
    assert not Referral.objects.exists()
    page = page_text(response)
    assert [p.number for p in response.context["people"]] == [1, 2, 3]
    assert 'value="Siân"' in page and 'value="O\'Brien"' in page and 'value="Nowak"' in page
    assert "The windows of the corner shop" in page
    assert 'value="41/12345/26"' in page
    assert "There is a problem" not in page  # the empty third person is not an error


def test_remove_moves_the_later_people_up(as_alice, org):
    data = referral_data(org, people=FIVE[:3], remove_person="2")
    response = as_alice.post(reverse("referrals:new"), data)
    people = response.context["people"]
    assert [p["given_name"].value() for p in people] == ["Siân", "Zoë"]
    assert people[1]["role"].value() == "supporter_of_harmed"
    assert not Referral.objects.exists()
    # Sending it now makes the referral with the two who are left.
    data = referral_data(org, people=[FIVE[0], FIVE[2]])
    as_alice.post(reverse("referrals:new"), data)
    assert [p.given_name for p in Referral.objects.get().people.order_by("pk")] == ["Siân", "Zoë"]


def test_an_error_keeps_all_five_people_and_says_which_person(as_alice, org):
    data = referral_data(org, **{"person4-family_name": "", "person5-agreed_to_contact": ""})
    response = as_alice.post(reverse("referrals:new"), data)
    assert response.status_code == 200
    assert not Referral.objects.exists() and not ReferralPerson.objects.exists()
    page = page_text(response)
    assert "There is a problem" in page
    assert '<a href="#id_person4-family_name">Enter the last name of person 4</a>' in page
    assert "Choose whether person 5 agreed to be contacted, or “Not asked”" in page
    for _, given, family, _ in FIVE:
        assert f'value="{given}"' in page
        if given != "José":
            assert f'value="{family}"' in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: Make a referral" in page


def test_a_date_of_birth_error_says_whose(as_alice, org):
    data = referral_data(org, **{"person3-date_of_birth_0": "31", "person3-date_of_birth_1": "2"})
    response = as_alice.post(reverse("referrals:new"), data)
    assert response.context["people"][2].errors["date_of_birth"] == [
        "Date of birth of person 3 must include a year"
    ]
    assert not Referral.objects.exists()


def test_the_number_of_people_has_a_ceiling(as_alice, org):
    response = as_alice.post(
        reverse("referrals:new"), referral_data(org, people_count="100000", add_person="1")
    )
    assert response.status_code == 200
    assert len(response.context["people"]) == 20
    assert "Add another person" not in page_text(response)


def test_blank_sections_are_left_out(as_alice, org):
    data = referral_data(org, people=FIVE[:2], people_count="4")
    as_alice.post(reverse("referrals:new"), data)
    assert Referral.objects.get().people.count() == 2


# Supporters and parents -----------------------------------------------------------------------


def test_a_supporter_needs_the_person_they_support(as_alice, org):
    people = [FIVE[0], ("supporter_of_responsible", "José", "Álvarez-Núñez", {})]
    # A blank section between them is left out; the message lands on José's own section.
    data = referral_data(org, people=people, people_count="3")
    for name in [k for k in data if k.startswith("person2-")]:
        data[name.replace("person2-", "person3-")] = data.pop(name)
    response = as_alice.post(reverse("referrals:new"), data)
    message = "Add the person responsible that José Álvarez-Núñez supports"
    assert message in response.context["people"][2].errors["role"][0]
    assert f'<a href="#id_person3-role_0">{message}' in page_text(response)
    assert not Referral.objects.exists()


def test_a_parent_or_carer_is_for_a_child(as_alice, org):
    adult = ("harmed", "Siân", "O'Brien", {"age_band": "40_59"})
    parent = ("parent_of_harmed", "Aoife", "O'Brien", {})
    response = as_alice.post(reverse("referrals:new"), referral_data(org, people=[adult, parent]))
    assert "A parent or carer is only for someone under 18" in page_text(response)
    assert not Referral.objects.exists()


def test_acceptance_carries_needs_and_who_supports_whom_into_the_case(as_alice, org):
    born = TODAY.replace(year=TODAY.year - 14) - datetime.timedelta(days=1)
    child = (
        "harmed",
        "Siân",
        "O'Brien",
        {
            "date_of_birth_0": born.day,
            "date_of_birth_1": born.month,
            "date_of_birth_2": born.year,
            "needs": ["interpreter", "disability"],
            "language": "Welsh",
            "needs_note": "Autistic: short sessions.",
            "safe_contact": "Through her mother only.",
        },
    )
    parent = ("parent_of_harmed", "Aoife", "O'Brien", {})
    responsible = ("responsible", "Łukasz", "Nowak", {"age_band": "14_17"})
    as_alice.post(reverse("referrals:new"), referral_data(org, people=[parent, child, responsible]))
    referral = Referral.objects.get()
    page = page_text(as_alice.get(reverse("referrals:detail", args=[referral.pk])))
    assert "Siân O'Brien is under 18: a parent's or carer's consent is needed" in page
    assert "Łukasz Nowak is under 18" in page and "Aoife O'Brien is under 18" not in page
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
    )
    case = Case.objects.get()
    parties = {p.person.given_name: p for p in case.parties.select_related("person", "supports")}
    assert parties["Aoife"].role == PartyRole.PARENT_CARER
    assert parties["Aoife"].supports == parties["Siân"]
    sian = parties["Siân"].person
    assert sian.is_child and sian.interpreter_needed and sian.language == "Welsh"
    assert "Support for a disability" in sian.accessibility_needs
    assert "Autistic: short sessions." in sian.accessibility_needs
    assert sian.safe_contact_notes == "Through her mother only."
    assert parties["Łukasz"].person.age_band == "14_17"
    # The case page leads the coordinator to what the referral said.
    page = page_text(as_alice.get(reverse("cases:detail", args=[case.pk])))
    assert reverse("referrals:detail", args=[referral.pk]) in page


def test_accepting_five_puts_each_supporter_beside_the_person_they_support(as_alice, org):
    as_alice.post(reverse("referrals:new"), referral_data(org))
    referral = Referral.objects.get()
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
    )
    parties = {
        p.person.given_name: p
        for p in Case.objects.get().parties.select_related("person", "supports__person")
    }
    assert {name: (p.role, p.side) for name, p in parties.items()} == {
        "Siân": ("harmed", "harmed"),
        "Łukasz": ("responsible", "responsible"),
        "Zoë": ("supporter", "harmed"),
        "José": ("supporter", "responsible"),
        "Nguyễn": ("community", "community"),
    }
    assert parties["Zoë"].supports.person.given_name == "Siân"
    assert parties["José"].supports.person.given_name == "Łukasz"


def test_only_a_coordinator_is_led_from_the_case_to_the_referral(as_alice, as_bob, bob, org):
    as_alice.post(reverse("referrals:new"), referral_data(org))
    referral = Referral.objects.get()
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
    )
    case = Case.objects.get()
    case.lead_facilitator = bob
    case.save()
    link = reverse("referrals:detail", args=[referral.pk])
    assert link in page_text(as_alice.get(reverse("cases:detail", args=[case.pk])))
    page = as_bob.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and link not in page_text(page)


# Risks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("risks", "message"),
    [
        ([], "Choose the known risks and safety concerns, or “None known”"),
        (["none_known", "weapons"], "Choose either the risks you know of, or “None known”"),
        (["arson-of-the-heart"], "Choose risks from the list"),
    ],
)
def test_risks_are_answered_one_way(as_alice, org, risks, message):
    response = as_alice.post(reverse("referrals:new"), referral_data(org, risks=risks))
    assert message in response.context["form"].errors["risks"][0]
    assert not Referral.objects.exists()


# The crime or incident reference, by sector ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("41/12345/26", "41/12345/26"),
        ("nb2611240456", "NB2611240456"),
        (" cr-0042-26 ", "CR-0042-26"),
    ],
)
def test_a_police_crime_reference_is_kept_in_capitals(as_alice, org, typed, kept):
    as_alice.post(reverse("referrals:new"), referral_data(org, incident_reference=typed))
    assert Referral.objects.get().incident_reference == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("41 12345 26", "Enter the police crime reference using only letters, numbers, slashes"),
        ("x!", "Enter the police crime reference using only letters"),
        ("4" * 31, "The reference must be 30 characters or fewer"),
    ],
)
def test_a_bad_police_reference_is_refused_at_the_field(as_alice, org, typed, message):
    response = as_alice.post(reverse("referrals:new"), referral_data(org, incident_reference=typed))
    assert message in response.context["form"].errors["incident_reference"][0]
    assert not Referral.objects.exists()


# Questions of one sector ----------------------------------------------------------------------


def school_data(org, **overrides):
    harm = HarmType.objects.for_organisation(org).get(name="Bullying")
    school = {
        "source_agency": "Kingsmead Academy",
        "harm_type": harm.pk,
        "sector": "schools",
        "incident_reference": "inc 2026/0412",
        "risks": ["none_known"],
    }
    return referral_data(org, **{**school, **overrides})


def test_a_school_is_not_asked_the_justice_stage(as_school_coordinator, school):
    page = page_text(as_school_coordinator.get(reverse("referrals:new")))
    assert "Criminal justice stage" not in page
    assert "School incident number" in page and "Police crime reference" not in page
    assert "Which kind of service" not in page  # one sector: not asked
    response = as_school_coordinator.post(reverse("referrals:new"), school_data(school))
    assert response.status_code == 302
    referral = Referral.objects.get()
    # The stage posted is not a question this school was asked: it is not kept.
    assert referral.justice_stage == "" and referral.sector == "schools"
    assert referral.incident_reference == "INC 2026/0412"
    page = page_text(as_school_coordinator.get(reverse("referrals:detail", args=[referral.pk])))
    assert "School incident number" in page and "Criminal justice stage" not in page


def test_a_justice_service_is_asked_the_stage(as_alice, org):
    page = page_text(as_alice.get(reverse("referrals:new")))
    assert "Criminal justice stage" in page and "Does not apply" not in page
    response = as_alice.post(reverse("referrals:new"), referral_data(org, justice_stage=""))
    assert "Choose the criminal justice stage, or “Not a crime”" in page_text(response)
    assert not Referral.objects.exists()


def test_an_organisation_in_two_sectors_asks_the_sector_first(as_alice, both_sectors):
    page = page_text(as_alice.get(reverse("referrals:new")))
    assert page.index("Which kind of service is this referral for?") < page.index(
        "Referring agency"
    )
    assert "Does not apply: not a justice referral" in page


@pytest.mark.parametrize(
    ("sector", "stage", "field", "message"),
    [
        ("justice", "", "justice_stage", "Choose the criminal justice stage"),
        ("justice", "none", "justice_stage", "Choose the criminal justice stage"),
        ("schools", "pre_sentence", "justice_stage", "Only a criminal and civil justice referral"),
        ("prisons", "", "sector", "Choose a kind of service from the list"),
        ("", "", "sector", "Choose the kind of service the referral is for"),
    ],
)
def test_the_sector_and_the_stage_must_agree(as_alice, both_sectors, sector, stage, field, message):
    data = school_data(both_sectors, sector=sector, justice_stage=stage)
    response = as_alice.post(reverse("referrals:new"), data)
    assert message in response.context["form"].errors[field][0]
    # The reference is named as the sector chosen names it.
    label = {"justice": "Police crime reference", "schools": "School incident number"}
    assert response.context["form"]["incident_reference"].label == label.get(
        sector, "Crime or incident reference"
    )
    # Nothing typed is lost: the stage chosen is still chosen.
    assert response.context["form"]["justice_stage"].value() == stage
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("sector", "stage", "kept"),
    [("schools", "none", ""), ("justice", "pre_sentence", "pre_sentence")],
)
def test_a_two_sector_referral_is_made_either_way(as_alice, both_sectors, sector, stage, kept):
    data = school_data(both_sectors, sector=sector, justice_stage=stage, incident_reference="")
    assert as_alice.post(reverse("referrals:new"), data).status_code == 302
    referral = Referral.objects.get()
    assert (referral.sector, referral.justice_stage) == (sector, kept)


# The referrer -----------------------------------------------------------------------------------


def test_a_referrer_s_agency_is_remembered_from_their_last_referral(as_rita, as_alice, org):
    page = page_text(as_rita.get(reverse("referrals:new")))
    assert 'name="source_agency" value=' not in page  # nothing to remember yet
    as_rita.post(
        reverse("referrals:new"),
        referral_data(org, source_agency="Wakefield Youth Justice Service"),
    )
    as_rita.post(reverse("referrals:new"), referral_data(org, source_agency="Bradford Probation"))
    page = page_text(as_rita.get(reverse("referrals:new")))
    assert 'value="Bradford Probation"' in page and 'value="Rita Rhodes"' in page
    # A coordinator types referrals in for many agencies: nothing is filled in for them.
    assert "Bradford Probation" not in page_text(as_alice.get(reverse("referrals:new")))


def test_a_referrer_sees_what_they_sent_and_never_the_case(as_rita, as_alice, rita, org):
    as_rita.post(reverse("referrals:new"), referral_data(org))
    referral = Referral.objects.get()
    page = page_text(as_rita.get(reverse("referrals:detail", args=[referral.pk])))
    assert "What you sent" in page and "41/12345/26" in page and "Siân O'Brien" in page
    as_alice.post(
        reverse("referrals:accept", args=[referral.pk]), {"planned_process": "conference"}
    )
    case = Case.objects.get()
    case.harm_summary = "MARKER-CASE-CONTENT"
    case.save()
    page = page_text(as_rita.get(reverse("referrals:detail", args=[referral.pk])))
    assert "MARKER" not in page and case.reference not in page
    assert "Accepted: a facilitator is being allocated" in page


def test_another_organisation_cannot_see_the_referral(as_charlie, as_alice, org):
    as_alice.post(reverse("referrals:new"), referral_data(org))
    referral = Referral.objects.get()
    assert as_charlie.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404


# Pages stay fast ----------------------------------------------------------------------------


def test_the_referral_page_reads_the_same_whatever_the_number_of_people(
    as_alice, org, django_assert_max_num_queries
):
    as_alice.post(reverse("referrals:new"), referral_data(org, people=FIVE[:2]))
    few = Referral.objects.get()
    many_people = [*FIVE, *[("community", f"Neighbour {n}", "Ó Dónaill", {}) for n in range(12)]]
    as_alice.post(reverse("referrals:new"), referral_data(org, people=many_people))
    many = Referral.objects.exclude(pk=few.pk).get()
    assert many.people.count() == 17
    with django_assert_max_num_queries(40) as counted:
        as_alice.get(reverse("referrals:detail", args=[few.pk]))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        as_alice.get(reverse("referrals:detail", args=[many.pk]))


def test_the_form_reads_the_same_whatever_the_number_of_people(
    as_alice, org, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as counted:
        as_alice.post(reverse("referrals:new"), referral_data(org, people=FIVE[:2], add_person="1"))
    many = [*FIVE, *[("community", f"Neighbour {n}", "Ó Dónaill", {}) for n in range(12)]]
    with django_assert_max_num_queries(len(counted.captured_queries)):
        as_alice.post(reverse("referrals:new"), referral_data(org, people=many, add_person="1"))


# The service, on its own ---------------------------------------------------------------------


def service_fields(org, **overrides):
    fields = {
        "source_agency": "West Yorkshire Police",
        "referrer_name": "PC Amy Holt",
        "received_on": TODAY,
        "incident_summary": "Shop window broken.",
        "harm_type": overrides.get("harm_type")
        or HarmType.objects.for_organisation(org).get(name="Criminal damage"),
        "sector": "justice",
        "justice_stage": "out_of_court",
        "incident_reference": "41/12345/26",
        "risks": ["none_known"],
    }
    fields.update(overrides)
    return fields


def five_people():
    return [
        {"role": role, "given_name": given, "family_name": family, **more}
        for role, given, family, more in FIVE
    ]


def test_the_service_makes_the_referral_with_five_people(org, alice):
    referral = services.referral_create(
        organisation=org, by=alice, people=five_people(), **service_fields(org)
    )
    assert referral.people.count() == 5
    assert sorted(referral.people.values_list("agreed_to_contact", flat=True)) == sorted(
        more["agreed_to_contact"] for *_, more in FIVE
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sector": "schools"}, "sector"),  # Northbridge is not a school
        ({"justice_stage": ""}, "justice_stage"),
        ({"incident_reference": "41 12345 26"}, "incident_reference"),
        ({"risks": ["none_known", "violence"]}, "risks"),
    ],
)
def test_the_service_refuses_what_does_not_add_up(org, alice, overrides, field):
    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            organisation=org, by=alice, people=five_people(), **service_fields(org, **overrides)
        )
    assert field in refused.value.message_dict
    assert not Referral.objects.exists() and not ReferralPerson.objects.exists()


def test_the_service_refuses_a_stage_for_a_school(school, alice):
    harm = HarmType.objects.for_organisation(school).get(name="Bullying")
    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            organisation=school,
            by=alice,
            people=five_people(),
            **service_fields(school, sector="schools", harm_type=harm, incident_reference=""),
        )
    assert (
        "Only a criminal and civil justice referral"
        in refused.value.message_dict["justice_stage"][0]
    )


# A reference given for a person finds them at triage ------------------------------------


def test_a_reference_given_for_a_person_finds_them_at_triage(as_alice, org):
    known = PersonFactory(organisation=org, given_name="Łukasz", family_name="Nowakowski")
    PersonIdentifierFactory(organisation=org, person=known, kind="police", value="41/77777/26")
    people = [
        ("harmed", "Siân", "O'Brien", {}),
        (
            "responsible",
            "Lukasz",
            "Nowak",
            {"identifier_kind": "police", "identifier_value": " 41/77777/26 "},
        ),
    ]
    response = as_alice.post(reverse("referrals:new"), referral_data(org, people=people))
    assert response.status_code == 302
    referral = Referral.objects.get()
    asked = referral.people.get(given_name="Lukasz")
    assert (asked.identifier_kind, asked.identifier_value) == ("police", "41/77777/26")
    page = page_text(as_alice.get(reverse("referrals:detail", args=[referral.pk])))
    assert "Łukasz Nowakowski" in page


def test_a_reference_without_its_kind_or_in_the_wrong_shape_is_refused_at_the_field(as_alice, org):
    people = [("harmed", "Siân", "O'Brien", {"identifier_value": "41/77777/26"})]
    page = page_text(as_alice.post(reverse("referrals:new"), referral_data(org, people=people)))
    assert "Choose what kind of reference person 1 has" in page
    people = [
        ("harmed", "Siân", "O'Brien", {"identifier_kind": "prisoner", "identifier_value": "12"})
    ]
    page = page_text(as_alice.post(reverse("referrals:new"), referral_data(org, people=people)))
    assert "like A1234BC (person 1)" in page
    assert not Referral.objects.exists()
