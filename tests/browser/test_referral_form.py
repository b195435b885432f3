"""A referrer names five people, with and without JavaScript, makes a mistake, finds
everything they typed still there, and sends the referral."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from amends.core.models import Sector
from amends.referrals import services
from amends.referrals.models import HarmType, Referral
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    ("Person harmed", "Siân", "O'Brien", "Yes", "Yes"),
    ("Person responsible", "Łukasz", "Nowak", "No", "Yes"),
    ("Supporter of the person harmed", "Zoë", "Ní Bhriain", "Not asked", "No"),
    ("Supporter of the person responsible", "José", "Álvarez-Núñez", "Yes", "Not asked"),
    ("Community member", "Nguyễn", "Văn An", "Not asked", "Yes"),
]


def person(page: Page, number: int) -> Locator:
    return page.get_by_role("group", name=f"Person {number}", exact=True)


def fill_person(page: Page, number: int, part: str, given: str, family: str, referred, contacted):
    section = person(page, number)
    section.get_by_role("group", name="Their part").get_by_label(part, exact=True).check()
    section.get_by_label("First name").fill(given)
    section.get_by_label("Last name").fill(family)
    section.get_by_role("group", name="Have they agreed to be referred?").get_by_label(
        referred, exact=True
    ).check()
    section.get_by_role(
        "group", name="Have they agreed to be contacted by the service?"
    ).get_by_label(contacted, exact=True).check()


def no_check(page: Page) -> None:
    """axe runs as a script: where scripts are off it is run on the same pages with them on."""


def make_five_person_referral(page: Page, live_server, assert_accessible=assert_accessible) -> None:
    page.goto(f"{live_server.url}/referrals/new/")
    expect(page.get_by_role("heading", name="Make a referral")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Referring agency").fill("West Yorkshire Police")
    page.get_by_label("Police crime reference").fill("41/12345/26")
    page.get_by_label("What happened").fill(
        "The corner shop's windows were broken on Friday night."
    )
    page.get_by_role("group", name="Kind of harm").get_by_label("Criminal damage").check()
    page.get_by_role("group", name="Criminal justice stage").get_by_label("Out of court").check()
    risks = page.get_by_role("group", name="Known risks and safety concerns")
    risks.get_by_label("Violence").check()
    risks.get_by_label("Threats or intimidation").check()
    page.get_by_label("About the risks").fill("Łukasz's brother has threatened Siân since.")

    # Two people to start with; three more, one at a time.
    fill_person(page, 1, *PEOPLE[0])
    first = person(page, 1)
    first.get_by_role("group", name="Do they need any of these to take part?").get_by_label(
        "An interpreter"
    ).check()
    first.get_by_label("Language they prefer, if not English").fill("Welsh")
    fill_person(page, 2, *PEOPLE[1])
    for number in (3, 4, 5):
        page.get_by_role("button", name="Add another person").click()
        expect(person(page, number)).to_be_visible()
        fill_person(page, number, *PEOPLE[number - 1])
    assert_accessible(page)

    # A mistake: the fourth person's last name is left out.
    person(page, 4).get_by_label("Last name").fill("")
    page.get_by_role("button", name="Make referral").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the last name of person 4")
    assert_accessible(page)
    # Everything typed is still there.
    expect(page.get_by_label("Referring agency")).to_have_value("West Yorkshire Police")
    expect(page.get_by_label("About the risks")).to_have_value(
        "Łukasz's brother has threatened Siân since."
    )
    expect(
        page.get_by_role("group", name="Known risks and safety concerns").get_by_label("Violence")
    ).to_be_checked()
    for number, (part, given, family, referred, contacted) in enumerate(PEOPLE, start=1):
        section = person(page, number)
        expect(section.get_by_label("First name")).to_have_value(given)
        if number != 4:
            expect(section.get_by_label("Last name")).to_have_value(family)
        expect(
            section.get_by_role("group", name="Their part").get_by_label(part, exact=True)
        ).to_be_checked()
        for question, answer in (
            ("Have they agreed to be referred?", referred),
            ("Have they agreed to be contacted by the service?", contacted),
        ):
            expect(
                section.get_by_role("group", name=question).get_by_label(answer, exact=True)
            ).to_be_checked()
    expect(person(page, 1).get_by_label("Language they prefer, if not English")).to_have_value(
        "Welsh"
    )

    # The error summary leads to the field.
    summary.get_by_role("link", name="Enter the last name of person 4").click()
    expect(person(page, 4).get_by_label("Last name")).to_be_focused()
    person(page, 4).get_by_label("Last name").fill("Álvarez-Núñez")
    page.get_by_role("button", name="Make referral").click()
    expect(page.get_by_text("The referral is made")).to_be_visible()
    assert_accessible(page)

    referral = Referral.objects.get()
    assert [(p.given_name, p.family_name) for p in referral.people.order_by("pk")] == [
        (given, family) for _, given, family, _, _ in PEOPLE
    ]
    page.get_by_role("link", name=referral.received_on.strftime("%-d %B %Y")).click()
    expect(page.get_by_role("heading", name="What you sent")).to_be_visible()
    expect(page.get_by_text("Siân O'Brien: person harmed")).to_be_visible()
    assert_accessible(page)


def test_five_people_with_javascript(page: Page, live_server, rita):
    sign_in(page, live_server, rita.email)
    make_five_person_referral(page, live_server)


def test_five_people_without_javascript(page: Page, browser: Browser, live_server, rita):
    sign_in(page, live_server, rita.email)
    context = browser.new_context(
        java_script_enabled=False, storage_state=page.context.storage_state()
    )
    try:
        make_five_person_referral(context.new_page(), live_server, assert_accessible=no_check)
    finally:
        context.close()


def test_remove_a_person(page: Page, live_server, alice):
    sign_in(page, live_server, alice.email)
    page.goto(f"{live_server.url}/referrals/new/")
    fill_person(page, 1, *PEOPLE[0])
    fill_person(page, 2, *PEOPLE[1])
    page.get_by_role("button", name="Add another person").click()
    fill_person(page, 3, *PEOPLE[2])
    page.get_by_role("button", name="Remove person 2").click()
    expect(person(page, 3)).to_have_count(0)
    expect(person(page, 2).get_by_label("First name")).to_have_value("Zoë")
    expect(person(page, 1).get_by_label("Last name")).to_have_value("O'Brien")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page)


def test_the_justice_stage_is_asked_only_of_a_justice_referral(page: Page, live_server, alice, org):
    org.sectors = [Sector.JUSTICE, Sector.SCHOOLS]
    org.save()
    sign_in(page, live_server, alice.email)
    page.goto(f"{live_server.url}/referrals/new/")
    sector = page.get_by_role("group", name="Which kind of service is this referral for?")
    stage = page.get_by_role("group", name="Criminal justice stage")
    expect(stage).to_be_hidden()
    sector.get_by_label("Criminal and civil justice").check()
    expect(stage).to_be_visible()
    expect(stage.get_by_label("Does not apply")).to_have_count(0)
    stage.get_by_label("Pre-sentence").check()
    assert_accessible(page)
    expect(page.get_by_label("Police crime reference")).to_be_visible()
    sector.get_by_label("Schools").check()
    expect(stage).to_be_hidden()
    expect(page.get_by_label("School incident number")).to_be_visible()
    expect(page.get_by_text("For example, INC-2026-0412.")).to_be_visible()
    sector.get_by_label("Criminal and civil justice").check()
    expect(stage.get_by_label("Pre-sentence")).not_to_be_checked()


def test_enter_in_a_box_sends_the_referral_rather_than_removing_someone(
    page: Page, live_server, alice
):
    sign_in(page, live_server, alice.email)
    page.goto(f"{live_server.url}/referrals/new/")
    fill_person(page, 1, *PEOPLE[0])
    fill_person(page, 2, *PEOPLE[1])
    page.get_by_label("Referring agency").fill("West Yorkshire Police")
    page.get_by_label("Referring agency").press("Enter")
    # Sent, and refused for what is missing; both people are still there.
    expect(page.get_by_role("alert")).to_contain_text("Enter what happened")
    expect(person(page, 2).get_by_label("First name")).to_have_value("Łukasz")
    assert not Referral.objects.exists()


def test_the_coordinator_s_referral_page(page: Page, live_server, alice, org):
    born = timezone.localdate() - datetime.timedelta(days=15 * 365)
    answers = [("yes", "yes"), ("no", "yes"), ("not_asked", "no")]
    people = [
        {
            "role": role,
            "given_name": given,
            "family_name": family,
            "agreed_to_referral": referred,
            "agreed_to_contact": contacted,
        }
        for (role, given, family), (referred, contacted) in zip(
            [
                ("harmed", "Siân", "O'Brien"),
                ("responsible", "Łukasz", "Nowak"),
                ("parent_of_harmed", "Aoife", "O'Brien"),
            ],
            answers,
            strict=True,
        )
    ]
    people[0].update(date_of_birth=born, needs=["interpreter"], language="Welsh")
    referral = services.referral_create(
        organisation=org,
        by=alice,
        people=people,
        source_agency="West Yorkshire Police",
        referrer_name="PC Amy Holt",
        received_on=timezone.localdate(),
        incident_summary="The corner shop's windows were broken.",
        harm_type=HarmType.objects.for_organisation(org).get(name="Criminal damage"),
        sector="justice",
        justice_stage="out_of_court",
        incident_reference="41/12345/26",
        risks=["violence", "weapons"],
        risk_note="A knife was seen.",
    )
    sign_in(page, live_server, alice.email)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    expect(page.get_by_text("Aoife O'Brien has not agreed to be contacted.")).to_be_visible()
    expect(page.get_by_text("Siân O'Brien is under 18")).to_be_visible()
    expect(page.get_by_role("heading", name="Siân O'Brien Person harmed")).to_be_visible()
    assert_accessible(page)
