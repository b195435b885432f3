"""Households, tenancies and neighbour disputes between several households, and the
housing measures: a housing provider's coordinator (alice) and facilitator (bob) at
Northbridge, here working in communities and social housing; charlie, at another housing
provider, should reach nothing of Northbridge's."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import CaseStatus, PartyRole
from amends.core.models import AuditAction, AuditEvent, Sector
from amends.housing import services
from amends.housing.figures import (
    asb_per_thousand_homes,
    escalation_avoided,
    repeat_complaints,
    tenancies_sustained,
)
from amends.housing.models import (
    CaseHousehold,
    CaseHousing,
    EnforcementConsidered,
    EscalationOutcome,
    Household,
    HouseholdMember,
    HousingSettings,
    TenancyEnd,
    Tenure,
)
from amends.meetings import services as meetings
from amends.reports.filters import ReportFilter
from tests.factories import CaseFactory, HarmTypeFactory, PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

JUSTICE_WORDS = ("offender", "offence", "prisoner", "pupil")


@pytest.fixture(autouse=True)
def _housing(org, other_org):
    for organisation in (org, other_org):
        organisation.sectors = [Sector.COMMUNITIES]
        organisation.save()


def household(org, name="The O'Connor household", **fields):
    values = {
        "address_line_1": "Flat 2, 14 Hazel Close",
        "town": "Riverside",
        "postcode": "RS2 4HZ",
        "estate": "Meadowbank Estate",
        "tenure": Tenure.SOCIAL_RENT,
        **fields,
    }
    return Household.objects.create(organisation=org, name=name, **values)


def live_in(home, *people, tenant=False):
    for person in people:
        HouseholdMember.objects.create(
            organisation=home.organisation, household=home, person=person, is_tenant=tenant
        )


def housing_case(org, **fields):
    return CaseFactory(organisation=org, sector=Sector.COMMUNITIES, **fields)


FORM = {
    "name": "The Ní Bhriain household",
    "address_line_1": "Flat 4, 14 Hazel Close",
    "address_line_2": "",
    "town": "Riverside",
    "postcode": "rs2 4hz",
    "estate": "Meadowbank Estate",
    "tenure": Tenure.SOCIAL_RENT,
    "tenancy_reference": "ten-004512",
    "tenancy_started_on_0": "4",
    "tenancy_started_on_1": "9",
    "tenancy_started_on_2": "2019",
}


# Households --------------------------------------------------------------------------


def test_coordinator_adds_a_household_and_a_resident_and_reading_the_address_is_audited(
    as_alice, org, alice
):
    response = as_alice.post(reverse("housing:add"), FORM)
    home = Household.objects.get()
    assert response.url == reverse("housing:detail", args=[home.pk])
    assert (home.tenancy_reference, home.postcode) == ("TEN-004512", "RS2 4HZ")
    zoe = PersonFactory(organisation=org, given_name="Zoë", family_name="Ní Bhriain")
    found = as_alice.get(reverse("housing:member_add", args=[home.pk]), {"search": "zoe"})
    assert "Zoë Ní Bhriain" in found.content.decode()
    as_alice.post(
        reverse("housing:member_add", args=[home.pk]) + "?search=zoe",
        {"person": zoe.pk, "is_tenant": "on"},
    )
    assert HouseholdMember.objects.get().is_tenant
    page = as_alice.get(reverse("housing:detail", args=[home.pk])).content.decode()
    assert "Flat 4, 14 Hazel Close" in page and "Zoë Ní Bhriain" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, record_type="household", record_id=str(home.pk), actor=alice
    ).exists()
    # The person's page says where they live.
    person_page = as_alice.get(reverse("people:detail", args=[zoe.pk])).content.decode()
    assert "The Ní Bhriain household" in person_page


def test_bad_household_details_are_refused_at_the_field_and_nothing_is_saved(as_alice):
    response = as_alice.post(
        reverse("housing:add"),
        {
            **FORM,
            "town": "",
            "tenancy_reference": "TEN 00!",
            "tenancy_ended_on_0": "1",
            "tenancy_ended_on_1": "2",
            "tenancy_ended_on_2": "2020",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the town or city" in page
    assert Household.objects.count() == 0
    # With the town given, the service's own checks speak.
    response = as_alice.post(
        reverse("housing:add"),
        {
            **FORM,
            "tenancy_reference": "TEN 00!",
            "tenancy_ended_on_0": "1",
            "tenancy_ended_on_1": "2",
            "tenancy_ended_on_2": "2020",
        },
    )
    page = response.content.decode()
    assert "Enter a tenancy reference in the correct format, like TEN-004512" in page
    assert Household.objects.count() == 0


def test_a_person_lives_in_one_household_at_a_time(as_alice, org):
    siân = PersonFactory(organisation=org, given_name="Siân", family_name="O'Connor")
    first, second = household(org), household(org, name="The Evans household")
    live_in(first, siân)
    response = as_alice.post(
        reverse("housing:member_add", args=[second.pk]) + "?search=sian", {"person": siân.pk}
    )
    assert "Siân O&#x27;Connor already lives in The O&#x27;Connor household" in (
        response.content.decode()
    )
    assert HouseholdMember.objects.filter(household=second).count() == 0


def test_another_organisations_household_is_not_found(as_alice, other_org, charlie):
    theirs = household(other_org)
    for url in [
        reverse("housing:detail", args=[theirs.pk]),
        reverse("housing:edit", args=[theirs.pk]),
        reverse("housing:member_add", args=[theirs.pk]),
    ]:
        assert as_alice.get(url).status_code == 404, url
    assert as_alice.post(reverse("housing:edit", args=[theirs.pk]), FORM).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "The O'Connor household"
    # Nor does it appear in a search.
    listing = as_alice.get(reverse("housing:list"), {"q": "O'Connor"}).content.decode()
    assert "The O&#x27;Connor household" not in listing


def test_a_facilitator_sees_only_households_in_their_cases(as_bob, org, bob):
    mine, not_mine = household(org), household(org, name="The Evans household")
    case = housing_case(org, lead_facilitator=bob)
    CaseHousehold.objects.create(organisation=org, case=case, household=mine)
    assert as_bob.get(reverse("housing:detail", args=[mine.pk])).status_code == 200
    assert as_bob.get(reverse("housing:detail", args=[not_mine.pk])).status_code == 404


def test_the_menu_offers_households_to_services_working_in_housing(as_alice, org):
    assert 'href="/households/"' in as_alice.get(reverse("housing:list")).content.decode()
    org.sectors = [Sector.JUSTICE]
    org.save()
    assert 'href="/households/"' not in as_alice.get(reverse("people:list")).content.decode()


# Disputes between several households -------------------------------------------------


def test_three_households_join_a_dispute_and_all_seven_meet_at_a_community_conference(
    as_alice, org, alice, bob
):
    case = housing_case(org, lead_facilitator=bob)
    homes = []
    for name, people, part in [
        ("The O'Connor household", [("Siân", "O'Connor"), ("Ffion", "O'Connor")], "harmed"),
        (
            "The Ní Bhriain household",
            [("Zoë", "Ní Bhriain"), ("Oisín", "Ní Bhriain"), ("Aoife", "Ní Bhriain")],
            "responsible",
        ),
        ("The Nowak household", [("Łukasz", "Nowak"), ("Małgorzata", "Nowak")], "community"),
    ]:
        home = household(org, name=name)
        live_in(
            home, *[PersonFactory(organisation=org, given_name=g, family_name=f) for g, f in people]
        )
        homes.append(home)
        response = as_alice.post(
            reverse("housing:case_add", args=[case.pk]) + "?search=household",
            {"household": home.pk, "role": part},
        )
        assert response.status_code == 302
    assert case.households.count() == 3
    parties = list(case.parties.select_related("person"))
    assert len(parties) == 7
    assert {p.role for p in parties if p.person.family_name == "Ní Bhriain"} == {"responsible"}
    page = as_alice.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for home in homes:
        assert home.name.replace("'", "&#x27;") in page
    # Adding a household twice is refused, and nothing more joins.
    again = as_alice.post(
        reverse("housing:case_add", args=[case.pk]) + "?search=household",
        {"household": homes[0].pk, "role": "harmed"},
    )
    assert again.status_code == 200
    assert case.households.count() == 3
    meeting = meetings.meeting_arrange(
        case=case,
        by=alice,
        process="community_conference",
        scheduled_at=timezone.now() + datetime.timedelta(days=7),
        venue="Meadowbank Community Centre",
        facilitator=bob,
        co_facilitator=None,
        attendees=parties,
    )
    assert meeting.attendees.count() == 7


def test_a_household_from_another_organisation_cannot_join_a_dispute(as_alice, org, other_org):
    case = housing_case(org)
    theirs = household(other_org)
    response = as_alice.post(
        reverse("housing:case_add", args=[case.pk]) + "?search=household",
        {"household": theirs.pk, "role": "harmed"},
    )
    assert response.status_code == 200
    assert case.households.count() == 0


def test_one_households_address_never_reaches_the_other_sides_pages(as_bob, org, bob):
    case = housing_case(org, lead_facilitator=bob)
    harmed = PartyFactory(organisation=org, case=case, role=PartyRole.HARMED)
    responsible = PartyFactory(organisation=org, case=case, role=PartyRole.RESPONSIBLE)
    theirs = household(org, name="HARMEDHOME household", address_line_1="HARMED-ADDRESS 1")
    own = household(org, name="RESPHOME household", address_line_1="RESP-ADDRESS 2")
    live_in(theirs, harmed.person)
    live_in(own, responsible.person)
    for home in (theirs, own):
        CaseHousehold.objects.create(organisation=org, case=case, household=home)
    for url in [
        reverse("cases:party", args=[case.pk, responsible.pk]),
        reverse("cases:party_letter", args=[case.pk, responsible.pk]),
    ]:
        page = as_bob.get(url).content.decode()
        assert "HARMEDHOME" not in page and "HARMED-ADDRESS" not in page, url
    page = as_bob.get(reverse("cases:party", args=[case.pk, responsible.pk])).content.decode()
    assert "RESPHOME household" in page
    # The case page names the households but shows no one's address.
    case_page = as_bob.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "HARMEDHOME household" in case_page
    assert "HARMED-ADDRESS" not in case_page and "RESP-ADDRESS" not in case_page


# ASB case details -------------------------------------------------------------------------


def asb_form(**changes):
    return {
        "asb_reference": "asb-2026-0147",
        "enforcement_considered": EnforcementConsidered.NONE,
        "escalation_outcome": EscalationOutcome.NOT_YET_KNOWN,
        **changes,
    }


def test_the_landlords_asb_reference_is_recorded_and_found_by_the_coordinator(as_alice, org):
    case, other = housing_case(org), housing_case(org)
    response = as_alice.post(reverse("housing:case_details", args=[case.pk]), asb_form())
    assert response.status_code == 302
    assert CaseHousing.objects.get(case=case).asb_reference == "ASB-2026-0147"
    assert "ASB-2026-0147" in as_alice.get(reverse("cases:detail", args=[case.pk])).content.decode()
    listing = as_alice.get(reverse("cases:list"), {"q": "asb-2026-0147"}).content.decode()
    assert case.reference in listing and other.reference not in listing


def test_bad_asb_details_are_refused_and_nothing_is_saved(as_alice, org):
    case = housing_case(org)
    url = reverse("housing:case_details", args=[case.pk])
    page = as_alice.post(url, asb_form(asb_reference="ASB 2026 #1")).content.decode()
    assert "Enter an ASB case reference in the correct format" in page
    page = as_alice.post(url, asb_form(from_case_review="on")).content.decode()
    assert "Enter the date of the ASB case review" in page
    assert "Enter who ran the ASB case review" in page
    assert not CaseHousing.objects.exists()


def test_an_asb_case_review_is_recorded_as_the_cases_source(as_alice, org):
    case = housing_case(org)
    as_alice.post(
        reverse("housing:case_details", args=[case.pk]),
        asb_form(
            from_case_review="on",
            case_review_on_0="3",
            case_review_on_1="11",
            case_review_on_2="2026",
            case_review_body="Riverside Community Safety Partnership",
            enforcement_considered=EnforcementConsidered.POSSESSION,
            escalation_outcome=EscalationOutcome.AVOIDED,
        ),
    )
    page = as_alice.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "ASB case review (community trigger) on 3 November 2026" in page
    assert "Riverside Community Safety Partnership" in page
    assert "Avoided" in page


def test_another_organisations_case_has_no_asb_page_for_us(as_alice, other_org):
    theirs = housing_case(other_org)
    assert as_alice.get(reverse("housing:case_details", args=[theirs.pk])).status_code == 404
    assert (
        as_alice.post(reverse("housing:case_details", args=[theirs.pk]), asb_form()).status_code
        == 404
    )
    assert not CaseHousing.objects.exists()


# The homes setting ----------------------------------------------------------------------


def test_the_coordinator_sets_the_number_of_homes_and_bad_input_saves_nothing(as_alice, org):
    url = reverse("housing:settings")
    page = as_alice.post(url, {"homes_owned": "lots"}).content.decode()
    assert "Enter the number of homes as a whole number" in page
    assert not HousingSettings.objects.exists()
    as_alice.post(url, {"homes_owned": "2140"})
    assert HousingSettings.objects.get(organisation=org).homes_owned == 2140


def test_housing_pages_speak_housing_words(as_alice, org, bob):
    home = household(org)
    case = housing_case(org, lead_facilitator=bob)
    for url in [
        reverse("housing:list"),
        reverse("housing:add"),
        reverse("housing:detail", args=[home.pk]),
        reverse("housing:edit", args=[home.pk]),
        reverse("housing:member_add", args=[home.pk]),
        reverse("housing:case_add", args=[case.pk]),
        reverse("housing:case_details", args=[case.pk]),
        reverse("housing:settings"),
    ]:
        page = as_alice.get(url).content.decode().lower()
        for word in JUSTICE_WORDS:
            assert word not in page, f"{word!r} on {url}"


# The measures, worked by hand ----------------------------------------------------------------


def period(start, end):
    return ReportFilter(start=datetime.date(*start), end=datetime.date(*end))


def dispute(org, opened_on, *homes, **fields):
    case = housing_case(org, opened_on=opened_on, **fields)
    for home in homes:
        CaseHousehold.objects.create(organisation=org, case=case, household=home)
    return case


def test_repeat_complaints_between_the_same_households_within_twelve_months(org, other_org):
    h1, h2, h3, h4 = (household(org, name=f"Home {n}") for n in range(1, 5))
    day = datetime.date
    dispute(org, day(2025, 1, 10), h1, h2)  # A: before the period
    dispute(org, day(2025, 6, 1), h1, h2)  # B: H1 and H2 again, 142 days after A: a repeat
    dispute(org, day(2025, 7, 1), h1, h3)  # C: H1 and H3 never together before: not
    dispute(org, day(2026, 3, 1), h2, h1)  # D: 415 days after A but 273 after B: a repeat
    dispute(org, day(2025, 8, 1), h4)  # E: one household, not a dispute between households
    dispute(org, day(2026, 4, 1), h3, h4)  # F: H3 and H4 together for the first time: not
    # Another organisation's disputes count nowhere here.
    o1, o2 = household(other_org, name="Away 1"), household(other_org, name="Away 2")
    dispute(other_org, day(2025, 6, 1), o1, o2)
    dispute(other_org, day(2025, 7, 1), o1, o2)

    table = repeat_complaints([org.pk], period((2025, 5, 1), (2026, 4, 30)))
    # Disputes opened in the period between two or more households: B, C, D, F.
    assert table.rows[0][1].value == 4
    # Repeats: B and D. Rate 2 ÷ 4.
    assert table.rows[1][1].value == 2
    assert table.rows[1][2].value == 0.5


def test_asb_cases_per_thousand_homes_nm01(org):
    HousingSettings.objects.create(organisation=org, homes_owned=2140)
    hate = HarmTypeFactory(organisation=org, name="Hate incident")
    noise = HarmTypeFactory(organisation=org, name="Noise")
    for n in range(5):
        housing_case(org, opened_on=datetime.date(2026, 5, 1 + n), harm_type=noise if n else hate)
    housing_case(org, opened_on=datetime.date(2026, 3, 31), harm_type=noise)  # before the period
    CaseFactory(organisation=org, sector=Sector.JUSTICE, opened_on=datetime.date(2026, 5, 2))
    table = asb_per_thousand_homes([org.pk], period((2026, 4, 1), (2027, 3, 31)))
    assert table.rows[0][1].value == 5
    assert table.rows[2][1].value == 1
    assert table.rows[3][1].value == 2140
    # 5 / 2,140 * 1,000 = 2.336, published to one place: 2.3; hate: 1 / 2,140 * 1,000 = 0.5.
    assert table.summary[0][1].value == Decimal("2.3")
    assert table.summary[1][1].value == Decimal("0.5")
    assert table.note == ""


def test_nm01_has_no_rate_until_the_homes_are_set(org):
    housing_case(org, opened_on=datetime.date(2026, 5, 1))
    table = asb_per_thousand_homes([org.pk], period((2026, 4, 1), (2027, 3, 31)))
    assert table.summary[0][1].value is None
    assert "enter the number of homes" in table.note


def test_tenancies_sustained_and_escalation_avoided(org):
    closed_at = timezone.make_aware(datetime.datetime(2026, 6, 1, 12))
    kept = household(org, name="Kept")
    lost = household(
        org,
        name="Lost",
        tenancy_ended_on=datetime.date(2026, 7, 1),
        tenancy_end_reason=TenancyEnd.POSSESSION,
    )
    moved = household(
        org,
        name="Moved",
        tenancy_ended_on=datetime.date(2026, 7, 1),
        tenancy_end_reason=TenancyEnd.MOVED_BY_CHOICE,
    )
    owner = household(org, name="Owner", tenure=Tenure.OWNER_OCCUPIER)
    closed = {"status": CaseStatus.CLOSED, "closed_at": closed_at}
    first = dispute(org, datetime.date(2026, 4, 1), kept, lost, **closed)
    second = dispute(org, datetime.date(2026, 4, 2), kept, moved, owner, **closed)
    dispute(org, datetime.date(2026, 4, 3), household(org, name="Still open"))
    CaseHousing.objects.create(
        organisation=org,
        case=first,
        enforcement_considered=EnforcementConsidered.POSSESSION,
        escalation_outcome=EscalationOutcome.AVOIDED,
    )
    CaseHousing.objects.create(
        organisation=org,
        case=second,
        enforcement_considered=EnforcementConsidered.BOTH,
        escalation_outcome=EscalationOutcome.TAKEN,
    )
    f = period((2026, 4, 1), (2027, 3, 31))
    tenancies = tenancies_sustained([org.pk], f)
    # Kept (in two cases, counted once), Lost and Moved hold tenancies with us; Owner does not.
    assert [row[1].value for row in tenancies.rows] == [3, 2, 1]
    escalation = escalation_avoided([org.pk], f)
    assert [row[1].value for row in escalation.rows] == [2, 1, 2, 1, 1, 0]


def test_the_housing_report_page_shows_the_measures(as_alice, org):
    HousingSettings.objects.create(organisation=org, homes_owned=2140)
    page = as_alice.get(reverse("reports:housing")).content.decode()
    assert "Anti-social behaviour cases per 1,000 homes (NM01)" in page
    assert "Repeat complaints between the same households" in page
    definitions = as_alice.get(reverse("reports:dictionary")).content.decode()
    assert "Tenancies sustained" in definitions


def test_only_a_service_working_in_housing_is_offered_the_housing_measures(
    as_alice, as_vera, as_rita, org
):
    assert as_vera.get(reverse("reports:housing")).status_code == 200
    assert as_rita.get(reverse("reports:housing")).status_code == 403
    org.sectors = [Sector.JUSTICE]
    org.save()
    assert as_alice.get(reverse("reports:housing")).status_code == 404
    index = as_alice.get(reverse("reports:index")).content.decode()
    assert "Communities and housing measures" not in index
    definitions = as_alice.get(reverse("reports:dictionary")).content.decode()
    assert "Tenancies sustained" not in definitions and "Agreement completed" in definitions
    xlsx = as_alice.get(reverse("reports:download"), {"report": "housing"})
    assert xlsx.status_code == 404


def test_services_refuse_a_household_of_another_organisation(org, other_org, alice):
    case = housing_case(org)
    with pytest.raises(Exception, match="this service"):
        services.case_household_add(
            case=case, household=household(other_org), role="harmed", by=alice
        )
