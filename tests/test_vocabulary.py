"""Each sector in its own words, and each organisation's own words for the two sides."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from amends.cases.models import ProcessType
from amends.core.concurrency import version_of
from amends.core.models import AuditEvent, Membership, Sector
from amends.core.vocabulary import harm_type_defaults, words_for
from amends.people.models import IdentifierKind
from amends.referrals.models import HarmType
from tests.conftest import signed_in
from tests.factories import (
    CaseFactory,
    HarmTypeFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
)
from tests.test_sector_words import _read, wrong_words


def page_text(response) -> str:
    """The text a user sees on the page."""
    return _read(response.content.decode())[0]


@pytest.mark.parametrize(
    ("sector", "participant", "supporter", "place", "sub_place", "identifier"),
    [
        ("justice", "person", "supporter", "area", "neighbourhood", "police reference"),
        ("schools", "pupil", "parent or carer", "school", "class", "unique pupil number"),
        ("communities", "resident", "supporter", "address", "estate", "tenancy reference"),
        ("prisons", "prisoner", "supporter", "establishment", "wing", "prison number"),
    ],
)
def test_each_sector_has_its_own_words(
    sector, participant, supporter, place, sub_place, identifier
):
    words = words_for(OrganisationFactory.build(sectors=[sector]))
    assert words.sector == sector
    assert (words.participant, words.supporter) == (participant, supporter)
    assert (words.place, words.sub_place) == (place, sub_place)
    assert words.person_identifier == identifier
    # The two sides are the same everywhere unless the organisation chose otherwise.
    assert (words.harmed, words.responsible) == ("person harmed", "person responsible")
    assert (words.harmed_plural, words.responsible_plural) == (
        "people harmed",
        "people responsible",
    )


def test_a_page_about_a_record_speaks_its_sector_and_otherwise_the_first_sector():
    organisation = OrganisationFactory.build(sectors=["prisons", "schools"])
    assert words_for(organisation).participant == "prisoner"
    assert words_for(organisation, "schools").participant == "pupil"
    assert words_for(None).sector == "justice"


@pytest.mark.parametrize(
    ("side_words", "harmed", "responsible"),
    [
        ("person_harmed", "person harmed", "person responsible"),
        ("victim_offender", "victim", "offender"),
        ("harmed_harmer", "harmed person", "harmer"),
    ],
)
def test_an_organisation_chooses_its_words_for_the_two_sides(side_words, harmed, responsible):
    words = words_for(OrganisationFactory.build(sectors=["justice"], side_words=side_words))
    assert (words.harmed, words.responsible) == (harmed, responsible)
    assert words.role_label("harmed") == harmed[0].upper() + harmed[1:]
    assert words.role_label("supporter_of_responsible") == f"Supporter of the {responsible}"
    assert words.closure_label("harmed_declined") == f"Not proceeded: {harmed} declined"


def test_choosing_victim_and_offender_changes_the_case_page_and_is_audited(
    as_alice, org, case, harmed, responsible
):
    page = page_text(as_alice.get(reverse("cases:detail", args=[case.pk])))
    assert "Person harmed" in page and "Person responsible" in page
    assert not wrong_words(page, "justice")

    settings_page = page_text(as_alice.get(reverse("core:organisation_settings")))
    assert "Words for the two sides" in settings_page
    data = {
        "name": org.name,
        "kind": org.kind,
        "sectors": org.sectors,
        "case_reference_prefix": org.case_reference_prefix,
        "retention_years": org.retention_years,
        "side_words": "victim_offender",
        "version": version_of(org),
    }
    response = as_alice.post(reverse("core:organisation_settings"), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.side_words == "victim_offender"
    event = AuditEvent.objects.filter(organisation=org).order_by("-pk").first()
    assert event is not None and "side_words" in event.summary

    page = page_text(as_alice.get(reverse("cases:detail", args=[case.pk])))
    assert re.search(r"\bVictim\b", page) and re.search(r"\bOffender\b", page)
    assert "Person harmed" not in page and "Person responsible" not in page


def test_the_words_for_the_two_sides_must_be_one_of_the_list(as_alice, org):
    data = {
        "name": org.name,
        "kind": org.kind,
        "sectors": org.sectors,
        "case_reference_prefix": org.case_reference_prefix,
        "retention_years": org.retention_years,
        "side_words": "goodies_baddies",
        "version": version_of(org),
    }
    response = as_alice.post(reverse("core:organisation_settings"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["side_words"] == [
        "Select the words for the two sides from the list"
    ]
    org.refresh_from_db()
    assert org.side_words == "person_harmed"


@pytest.mark.parametrize(
    ("sector", "has", "has_not"),
    [
        ("schools", ["Bullying", "Fighting or physical harm", "Damage to property"], ["Burglary"]),
        ("communities", ["Neighbour dispute", "Noise", "Anti-social behaviour"], ["Burglary"]),
        ("prisons", ["Violence on the wing", "Assault on staff"], ["Bullying", "Noise"]),
        ("justice", ["Burglary", "Criminal damage"], ["Violence on the wing"]),
    ],
)
def test_a_new_organisation_starts_with_its_sectors_harm_types(db, sector, has, has_not):
    organisation = OrganisationFactory(sectors=[sector])
    names = list(HarmType.objects.for_organisation(organisation).values_list("name", flat=True))
    assert set(has) <= set(names)
    assert not set(has_not) & set(names)
    assert names[-1] == "Other"


def test_an_organisation_in_two_sectors_starts_with_both_lists_once():
    names = harm_type_defaults(["schools", "communities"])
    assert "Bullying" in names and "Neighbour dispute" in names
    assert names.count("Other") == 1 and names[-1] == "Other"
    assert names.count("Damage to property") == 1


def _coordinator_of(sector: str):
    """A signed-in coordinator of a new organisation working in `sector`, and the organisation."""
    organisation = OrganisationFactory(sectors=[sector])
    coordinator = UserFactory()
    Membership.objects.create(user=coordinator, organisation=organisation, role="coordinator")
    return signed_in(coordinator), organisation


def test_a_school_case_offers_a_schools_process_types_and_keeps_a_stored_one(db):
    client, school = _coordinator_of("schools")
    case = CaseFactory(organisation=school, sector="schools", planned_process="sentencing_circle")
    page = page_text(client.get(reverse("cases:edit", args=[case.pk])))
    assert "Restorative conversation" in page and "Class circle" in page
    assert "Community conference" not in page
    # The process the case already has stays a choice.
    assert "Sentencing circle" in page
    assert not wrong_words(page, "schools")


@pytest.mark.parametrize(
    ("sector", "closure", "decline"),
    [
        ("schools", "a pupil left the school", "Better dealt with under the behaviour policy"),
        ("communities", "a household moved away", "Enforcement or legal action is under way"),
        ("prisons", "a prisoner was transferred or released", "Security or custody reasons"),
        ("justice", "someone moved away", "Court proceedings make it unsuitable for now"),
    ],
)
def test_each_sector_is_offered_its_own_closure_and_decline_reasons(db, sector, closure, decline):
    client, organisation = _coordinator_of(sector)
    case = CaseFactory(organisation=organisation, sector=sector)
    close_page = page_text(client.get(reverse("cases:close", args=[case.pk])))
    assert f"Not proceeded: {closure}" in close_page
    assert "Not proceeded: person harmed declined" in close_page
    referral = ReferralFactory(
        organisation=organisation,
        sector=sector,
        justice_stage="out_of_court" if sector == "justice" else "",
        harm_type=HarmTypeFactory(organisation=organisation),
    )
    decline_page = page_text(client.get(reverse("referrals:decline", args=[referral.pk])))
    assert decline in decline_page
    for page in (close_page, decline_page):
        assert not wrong_words(page, sector)

    # A reason offered is one that can be saved.
    response = client.post(
        reverse("cases:close", args=[case.pk]), {"outcome": "moved_on", "note": ""}
    )
    assert response.status_code in (200, 302)
    case.refresh_from_db()
    assert case.closure_outcome == "moved_on"
    assert closure in page_text(client.get(reverse("cases:detail", args=[case.pk])))


def test_a_prison_speaks_of_prison_numbers_and_wing_circles(db, org):
    words = words_for(org, "prisons")
    kinds = words.identifier_choices(dict(IdentifierKind.choices))
    assert kinds[0] == ("prisoner", "Prison number")
    assert all(code != "pupil" for code, _ in kinds)
    assert words.process_label(ProcessType.RESPONSIVE_CIRCLE) == "Wing circle"
    assert words_for(org, "schools").process_label(ProcessType.RESPONSIVE_CIRCLE) == "Class circle"


def test_the_walk_knows_a_wrong_word_when_it_sees_one():
    assert wrong_words("Add the offender to the case", "justice")
    assert wrong_words("Prisoner number A1234BC", "schools")
    assert wrong_words("Unique pupil number", "prisons")
    assert not wrong_words("The Victims' Code record for Siân", "justice")
    assert wrong_words("The Victims' Code record for Siân", "schools")
    assert not wrong_words("Following the pupil's wellbeing", Sector.SCHOOLS)
