"""The public journey in Welsh, in a browser: a visitor switches to Cymraeg, reads a page, fills
half the request form, switches language and back without losing a word, and sends it in Welsh;
a participant answers the feedback form in Welsh; an employer checks a certificate in Welsh.
axe checks every page at desktop and phone widths, with lang="cy" on the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.cases.models import PartyRole
from amends.core.models import Sector
from amends.outcomes.models import FeedbackResponse
from amends.outcomes.services import feedback_link_create
from amends.people.models import MessageLanguage
from amends.referrals.models import Referral
from amends.website.models import RoutingRule
from tests.conftest import assert_accessible
from tests.factories import (
    CaseFactory,
    CertificateFactory,
    MeetingFactory,
    PartyFactory,
    PersonFactory,
)
from tests.test_website import make_consultancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
TO_WELSH = "Newid yr iaith i'r Gymraeg"
TO_ENGLISH = "Change the language to English"


@pytest.fixture
def consultancy(transactional_db):
    return make_consultancy()


@pytest.fixture
def quick_forms(settings):
    """A browser fills a form faster than a person: the time trap is tested in test_website.py."""
    settings.WEBSITE_FORM_MIN_SECONDS = 0


def check_page(page: Page, lang: str) -> None:
    """The page says which language it is in, passes axe, and fits a phone."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{page.url} scrolls sideways at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_visitor_asks_for_restorative_justice_in_welsh(
    page: Page, live_server, quick_forms, consultancy, org
):
    RoutingRule.objects.create(sector=Sector.JUSTICE, target=org)
    page.goto(f"{live_server.url}/")
    check_page(page, "en-GB")
    page.get_by_role("link", name=TO_WELSH).click()
    expect(page.get_by_role("heading", name="Gawsoch chi eich niweidio")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")
    check_page(page, "cy")

    # A page staff have not written in Welsh yet says so, and stays readable.
    page.get_by_role("link", name="Hysbysiad preifatrwydd").click()
    expect(page.get_by_text("Dydy'r dudalen hon ddim ar gael yn Gymraeg eto")).to_be_visible()
    check_page(page, "cy")

    page.get_by_role("navigation", name="Dewislen").get_by_role(
        "link", name="Gofyn am gyfiawnder adferol"
    ).click()
    expect(page.get_by_role("heading", name="Gofyn am gyfiawnder adferol")).to_be_visible()
    check_page(page, "cy")
    page.get_by_label("Ces i fy niweidio").check()
    page.get_by_label("Eich enw cyntaf").fill("Siân")
    page.get_by_label("Eich cyfenw").fill("O'Connor")
    page.get_by_label("Beth ddigwyddodd?").fill("Torrodd rhywun ffenest fy siop nos Wener.")

    # Half-way through, to English and back: nothing typed is lost.
    page.get_by_role("button", name=TO_ENGLISH).click()
    expect(page.get_by_role("heading", name="Ask for restorative justice")).to_be_visible()
    expect(page.get_by_label("Your first name")).to_have_value("Siân")
    expect(page.get_by_label("Your last name")).to_have_value("O'Connor")
    expect(page.get_by_label("I was harmed")).to_be_checked()
    expect(page.get_by_text("There is a problem")).to_have_count(0)
    check_page(page, "en-GB")
    page.get_by_role("button", name=TO_WELSH).click()
    expect(page.get_by_role("heading", name="Gofyn am gyfiawnder adferol")).to_be_visible()
    expect(page.get_by_label("Eich enw cyntaf")).to_have_value("Siân")
    expect(page.get_by_label("Beth ddigwyddodd?")).to_have_value(
        "Torrodd rhywun ffenest fy siop nos Wener."
    )

    # A mistake is explained in Welsh, at the field.
    page.get_by_role("button", name="Anfon cais").click()
    expect(page.get_by_role("heading", name="Mae problem wedi codi")).to_be_visible()
    expect(page.get_by_role("link", name="Dewiswch sut dylem ni gysylltu â chi")).to_be_visible()
    check_page(page, "cy")

    page.get_by_label("Trosedd, neu rywbeth mae'r heddlu").check()
    page.get_by_label("Eich cod post neu eich ardal").fill("NB1 4PL")
    page.get_by_label("Galwad ffôn").check()
    page.get_by_label("Rhif ffôn").fill("07700 900982")
    page.get_by_role("group", name="Gawn ni adael neges?").get_by_label("Na chewch").check()
    page.get_by_role("button", name="Anfon cais").click()
    expect(page.get_by_role("heading", name="Cais wedi'i anfon")).to_be_visible()
    expect(page.get_by_text("o fewn 5 diwrnod gwaith").first).to_be_visible()
    check_page(page, "cy")

    person = Referral.objects.get().people.get()
    assert (person.given_name, person.message_language) == ("Siân", MessageLanguage.WELSH)


def test_a_participant_answers_the_feedback_form_in_welsh(page: Page, live_server, org, bob):
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    party = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(organisation=org, given_name="Zoë", family_name="Ní Bhriain"),
    )
    MeetingFactory(
        organisation=org,
        case=case,
        facilitator=bob,
        status="held",
        held_at=timezone.now(),
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
    )
    _, token = feedback_link_create(party=party, delivery="on_screen", by=bob)
    page.goto(f"{live_server.url}/feedback/{token}/")
    expect(page.get_by_role("heading", name="Tell us about your experience")).to_be_visible()
    page.get_by_role("group", name=re.compile("How satisfied")).get_by_label(
        "Very satisfied"
    ).check()
    page.get_by_role("button", name=TO_WELSH).click()
    expect(page.get_by_role("heading", name="Dywedwch wrthym am eich profiad")).to_be_visible()
    expect(page.get_by_label("Bodlon iawn", exact=True)).to_be_checked()
    check_page(page, "cy")
    for question, answer in [
        ("Oeddech chi'n teimlo eich bod wedi paratoi'n dda", "Oeddwn"),
        ("Oeddech chi'n teimlo bod pobl yn gwrando arnoch chi?", "Yn rhannol"),
        ("Oeddech chi'n teimlo'n ddiogel yn cymryd rhan?", "Oeddwn"),
        ("Fyddech chi'n ei hargymell", "Byddwn"),
    ]:
        page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(
            answer, exact=True
        ).check()
    page.get_by_role("group", name=re.compile("I ba raddau")).get_by_label("10 – Yn llwyr").check()
    page.get_by_role("button", name="Anfon eich atebion").click()
    expect(page.get_by_role("heading", name="Diolch")).to_be_visible()
    check_page(page, "cy")
    saved = FeedbackResponse.objects.get()
    assert (saved.satisfied, saved.listened_to, saved.harm_put_right) == (
        "very_satisfied",
        "partly",
        10,
    )


def test_an_employer_checks_a_certificate_in_welsh(page: Page, live_server, consultancy):
    certificate = CertificateFactory(
        organisation=consultancy,
        holder_name="Siân O'Connor",
        completed_on=datetime.date(2026, 9, 4),
    )
    page.goto(f"{live_server.url}/certificates/check/")
    page.get_by_label("Verification code").fill(certificate.code)
    page.get_by_role("button", name=TO_WELSH).click()
    expect(page.get_by_role("heading", name="Gwirio tystysgrif hyfforddiant")).to_be_visible()
    expect(page.get_by_label("Cod dilysu")).to_have_value(certificate.code)
    check_page(page, "cy")
    page.get_by_role("button", name="Gwirio'r dystysgrif").click()
    expect(page.get_by_role("heading", name="Mae'r dystysgrif hon yn ddilys")).to_be_visible()
    expect(page.get_by_text("4 Medi 2026")).to_be_visible()
    check_page(page, "cy")
    page.get_by_label("Cod dilysu").fill("")
    page.get_by_role("button", name="Gwirio'r dystysgrif").click()
    expect(
        page.get_by_role("link", name="Rhowch y cod dilysu sydd ar y dystysgrif")
    ).to_be_visible()
    check_page(page, "cy")
