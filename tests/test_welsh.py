"""Welsh and English for the public: every public page answers in both, nothing left in English
on a Welsh page, the language toggle keeps the visitor where they were and what they typed, a
request made in Welsh makes Welsh the language of the person's letters, and the website's
staff write each page's Welsh text."""

from __future__ import annotations

import datetime
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import PartyRole
from amends.outcomes.models import FeedbackResponse
from amends.outcomes.services import feedback_link_create
from amends.people.models import MessageLanguage
from amends.referrals.models import Referral
from amends.referrals.services import referral_accept
from amends.website.models import HelpRequest, Page
from amends.welsh.models import WelshPage
from tests.conftest import signed_in
from tests.factories import (
    CaseFactory,
    CertificateFactory,
    CohortFactory,
    CourseFactory,
    MeetingFactory,
    PartyFactory,
    PersonFactory,
    ProgrammeFactory,
)
from tests.test_website import REQUEST, make_consultancy, make_site_coordinator, posted

PO = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDERS = r"%\(\w+\)[sd]|\{\w+\}"
COOKIE = settings.LANGUAGE_COOKIE_NAME
PUBLIC_TEMPLATES = [
    *Path(settings.BASE_DIR, "templates", "website").glob("*.html"),
    *Path(settings.BASE_DIR, "templates", "welsh").glob("_*.html"),
    *Path(settings.BASE_DIR, "templates", "includes", "govuk").glob("*.html"),
    Path(settings.BASE_DIR, "templates", "welsh", "language_toggle.html"),
    *[
        Path(settings.BASE_DIR, "templates", "outcomes", name)
        for name in (
            "public_base.html",
            "feedback_form.html",
            "feedback_thanks.html",
            "feedback_unusable.html",
        )
    ],
    *[
        Path(settings.BASE_DIR, "templates", "training", name)
        for name in ("certificate_check.html", "public_programme.html", "public_programmes.html")
    ],
]


# The catalogue ---------------------------------------------------------------------------


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def is_public(entry: polib.POEntry) -> bool:
    """Whether a member of the public or a participant reads this string: it is used in a
    public template. (Strings from code on public pages are checked on the pages themselves,
    in both languages, below.)"""
    public = {str(p.relative_to(settings.BASE_DIR)) for p in PUBLIC_TEMPLATES}
    return any(place in public for place, _ in entry.occurrences)


def test_every_string_the_public_reads_is_translated_into_welsh():
    po = catalogue()
    assert po.metadata["Language"] == "cy"
    public = [e for e in po if is_public(e)]
    assert len(public) > 100, "the catalogue says where each string is used (make messages)"
    untranslated = [e.msgid for e in public if not e.translated()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"Not yet in Welsh: {untranslated}"
    assert not fuzzy, f"Welsh to check (fuzzy): {fuzzy}"


def test_every_welsh_string_keeps_the_placeholders_of_the_english():
    for entry in catalogue().translated_entries():
        # A placeholder lost in translation would break the page.
        wanted = set(re.findall(PLACEHOLDERS, entry.msgid))
        if entry.msgid_plural:
            # Each plural form may leave out the number ("un achos"), never add a name.
            wanted |= set(re.findall(PLACEHOLDERS, entry.msgid_plural))
            for welsh in entry.msgstr_plural.values():
                assert set(re.findall(PLACEHOLDERS, welsh)) <= wanted, entry.msgid
        else:
            assert set(re.findall(PLACEHOLDERS, entry.msgstr)) == wanted, entry.msgid


def test_the_compiled_catalogue_matches_the_po_file():
    po, mo = catalogue(), polib.mofile(str(MO))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        plural = {int(k): v for k, v in entry.msgstr_plural.items()}
        found = compiled.get((entry.msgctxt, entry.msgid))
        assert found is not None, f"Run make translations: {entry.msgid!r} is not compiled"
        assert (found[0], {int(k): v for k, v in found[1].items()}) == (entry.msgstr, plural)


def test_every_string_marked_in_a_public_template_is_in_the_catalogue():
    known = {e.msgid for e in catalogue()}
    marked = set()
    for template in PUBLIC_TEMPLATES:
        marked |= set(re.findall(r'{% translate "([^"]+)" %}', template.read_text()))
    assert marked, "no public template is marked for translation"
    assert not marked - known, f"Run make messages: {sorted(marked - known)}"


# Every public page, in both languages ------------------------------------------------------


class ReadableText(HTMLParser):
    """The text a reader meets on a page, leaving out what is marked as English on purpose
    (lang="en-GB": text staff or trainers have not written in Welsh yet), scripts and styles."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        hidden = tag in {"script", "style", "title"} or dict(attrs).get("lang") == "en-GB"
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def readable(content: str) -> str:
    body = content.split("<body", 1)[1]
    parser = ReadableText()
    parser.feed("<body" + body)
    return html.unescape(parser.text())


def phrases(texts: list[str]) -> set[str]:
    """Runs of three words or more from the catalogue, with placeholders and markup taken out:
    short words ("Yes", "Level") could stand in a name or an address by chance."""
    found = set()
    for text in texts:
        for piece in re.split(r"%\(\w+\)s|<[^>]+>", text):
            piece = " ".join(piece.split()).strip(" .,:")
            if len(piece.split()) >= 3:
                found.add(piece)
    return found


@pytest.fixture
def public_pages(db, org, bob):
    """Every public page, filled as a visitor would meet it: a course with dates, a valid,
    a revoked and an unknown certificate code, and a participant's feedback link."""
    consultancy = make_consultancy()
    course = CourseFactory(
        organisation=consultancy,
        programme=ProgrammeFactory(organisation=consultancy, sector="justice"),
    )
    CohortFactory(organisation=consultancy, course=course)
    valid = CertificateFactory(organisation=consultancy, holder_name="Siân O'Connor")
    revoked = CertificateFactory(
        organisation=consultancy, holder_name="Zoë Ní Bhriain", revoked_at=timezone.now()
    )
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    sian = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Connor"),
    )
    MeetingFactory(
        organisation=org,
        case=case,
        facilitator=bob,
        status="held",
        held_at=timezone.now(),
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
    )
    _, token = feedback_link_create(party=sian, delivery="on_screen", by=bob)
    check = reverse("training:certificate_check")
    return [
        reverse("website:home"),
        reverse("website:contact"),
        reverse("website:enquiry_new"),
        reverse("website:enquiry_sent"),
        reverse("website:request_new"),
        reverse("website:request_sent"),
        reverse("website:privacy"),
        reverse("website:accessibility"),
        reverse("website:programme", args=["schools"]),
        reverse("training:programmes_public"),
        reverse("training:programme_public", args=["justice"]),
        reverse("training:programme_public", args=["prisons"]),
        check,
        f"{check}?code={valid.code}",
        f"{check}?code={revoked.code}",
        f"{check}?code=ABCD-EFGH-JKLM-NPQR",
        f"{check}?code=",
        reverse("outcomes:feedback", args=[token]),
        reverse("outcomes:feedback", args=["not-a-real-link"]),
        reverse("outcomes:feedback_thanks"),
    ]


def test_every_public_page_answers_in_welsh_with_nothing_left_in_english(client, public_pages):
    english = phrases([e.msgid for e in catalogue() if e.msgstr or e.msgstr_plural])
    client.cookies[COOKIE] = "cy"
    for url in public_pages:
        response = client.get(url)
        assert response.status_code in {200, 410}, url
        content = response.content.decode()
        assert '<html lang="cy"' in content, url
        text = readable(content)
        left = sorted(phrase for phrase in english if phrase in text)
        assert not left, f"{url} still says in English: {left}"
        assert "Neidio i'r prif gynnwys" in text, url


def test_every_public_page_answers_in_english_with_no_welsh_in_it(client, public_pages):
    entries = [e for e in catalogue() if e.msgstr]
    welsh = phrases([e.msgstr for e in entries]) - phrases([e.msgid for e in entries])
    for url in public_pages:
        response = client.get(url)
        content = response.content.decode()
        assert response.status_code in {200, 410}, url
        assert '<html lang="en-GB"' in content, url
        text = readable(content).replace("Newid yr iaith i'r Gymraeg", "")
        left = sorted(phrase for phrase in welsh if phrase in text)
        assert not left, f"{url} says in Welsh: {left}"


def test_dates_on_welsh_pages_have_welsh_month_names(client, db):
    make_consultancy()
    certificate = CertificateFactory(completed_on=datetime.date(2026, 3, 9))
    client.cookies[COOKIE] = "cy"
    checked = client.get(reverse("training:certificate_check"), {"code": certificate.code})
    text = readable(checked.content.decode())
    assert "Mae'r dystysgrif hon yn ddilys" in text
    assert "9 Mawrth 2026" in text
    Page.objects.filter(slug="privacy-notice").first().versions.update(
        published_at=datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)
    )
    privacy = readable(client.get(reverse("website:privacy")).content.decode())
    assert "Diweddarwyd ddiwethaf 28 Tachwedd 2026." in privacy


# The language toggle -------------------------------------------------------------------------


def test_the_toggle_brings_the_visitor_back_to_the_same_page_in_welsh(client, db):
    make_consultancy()
    page = client.get(reverse("website:contact")).content.decode()
    assert 'href="/language/cy/?next=%2Fcontact%2F"' in page
    assert '<span aria-current="true">English</span>' in page
    switched = client.get("/language/cy/", {"next": "/contact/"})
    assert switched.status_code == 302 and switched.url == "/contact/"
    assert switched.cookies[COOKIE].value == "cy"
    welsh = client.get(reverse("website:contact")).content.decode()
    assert '<span aria-current="true">Cymraeg</span>' in welsh
    assert '<h1 class="govuk-heading-xl">Cysylltu â ni</h1>' in welsh
    back = client.get("/language/en-gb/", {"next": "/contact/"})
    assert back.url == "/contact/" and back.cookies[COOKIE].value == "en-gb"


@pytest.mark.parametrize(
    "next_page", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)", ""]
)
def test_the_toggle_never_sends_anyone_to_another_site(client, db, next_page):
    switched = client.get("/language/cy/", {"next": next_page})
    assert switched.url == "/"


def test_an_unknown_language_is_not_found(client, db):
    assert client.get("/language/fr/", {"next": "/"}).status_code == 404


def test_switching_on_the_request_form_keeps_what_was_typed(client, db):
    make_consultancy()
    form = client.get(reverse("website:request_new")).content.decode()
    # Each choice of the toggle is a button of the form, so switching sends what was typed.
    assert 'form="request-form" formaction="/language/cy/"' in form
    half_filled = {
        "who": "harmed",
        "given_name": "Siân",
        "family_name": "O'Connor",
        "what_happened": "Torrodd rhywun ffenest fy siop.",
        "contact_by": "phone",
        "csrfmiddlewaretoken": "x",
        "next": reverse("website:request_new"),
    }
    switched = client.post("/language/cy/", half_filled)
    assert switched.url == reverse("website:request_new")
    again = client.get(reverse("website:request_new")).content.decode()
    assert 'value="Siân"' in again and 'value="O&#x27;Connor"' in again
    assert "Torrodd rhywun ffenest fy siop.</textarea>" in again
    assert 'value="harmed" checked' in again and 'value="phone" checked' in again
    assert "Gofyn am gyfiawnder adferol" in again
    assert "Mae problem wedi codi" not in again  # nothing was sent, so nothing is wrong yet
    # The values fill the form once: a later visit starts empty.
    assert 'value="Siân"' not in client.get(reverse("website:request_new")).content.decode()


def test_what_was_typed_comes_back_only_on_the_page_it_was_typed_on(client, db):
    make_consultancy()
    client.post(
        "/language/cy/",
        {"given_name": "Siân", "next": reverse("website:request_new")},
    )
    enquiry = client.get(reverse("website:enquiry_new")).content.decode()
    assert "Siân" not in enquiry
    assert 'value="Siân"' in client.get(reverse("website:request_new")).content.decode()


def test_the_draft_is_kept_encrypted(client, db):
    make_consultancy()
    client.post(
        "/language/cy/",
        {
            "what_happened": "Torrodd rhywun ffenest fy siop.",
            "next": "/ask-for-restorative-justice/",
        },
    )
    stored = str(dict(client.session.items()))
    assert "ffenest" not in stored


def test_another_site_cannot_fill_in_someones_form(db):
    make_consultancy()
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(
        "/language/cy/",
        {"email": "someone@elsewhere.example", "next": "/ask-for-restorative-justice/"},
    )
    assert refused.status_code == 403
    form = browser.get(reverse("website:request_new")).content.decode()
    assert "elsewhere.example" not in form


def test_a_certificate_code_typed_before_switching_comes_back(client, db):
    make_consultancy()
    page = client.get(reverse("training:certificate_check")).content.decode()
    assert 'form="certificate-form" formaction="/language/cy/"' in page
    switched = client.get(
        "/language/cy/", {"code": "KHMT-PQRA", "next": reverse("training:certificate_check")}
    )
    assert switched.url == reverse("training:certificate_check")
    again = client.get(reverse("training:certificate_check")).content.decode()
    assert 'value="KHMT-PQRA"' in again and "Gwirio tystysgrif hyfforddiant" in again


def test_a_link_cannot_fill_in_a_form_that_is_sent_by_post(client, db):
    make_consultancy()
    client.get(
        "/language/cy/",
        {"email": "someone@elsewhere.example", "next": reverse("website:request_new")},
    )
    assert "elsewhere.example" not in client.get(reverse("website:request_new")).content.decode()


# Errors and the person's language ----------------------------------------------------------


def test_a_welsh_request_with_mistakes_is_answered_in_welsh(client, db, settings):
    settings.WEBSITE_FORM_MIN_SECONDS = 0
    make_consultancy()
    client.cookies[COOKIE] = "cy"
    response = client.post(
        reverse("website:request_new"),
        posted({**REQUEST, "given_name": "", "contact_by": "email", "postcode": "99 ZZ"}),
    )
    text = readable(response.content.decode())
    assert "Gwall: Gofyn am gyfiawnder adferol" in response.content.decode()
    assert "Mae problem wedi codi" in text
    assert "Rhowch eich enw cyntaf" in text
    assert "Rhowch gyfeiriad e-bost, er mwyn i ni allu anfon e-bost atoch chi" in text
    assert "Rhowch god post fel NB1 4PL" in text
    assert not HelpRequest.objects.exists()


def test_a_request_made_in_welsh_makes_welsh_the_language_of_their_letters(
    client, db, org, alice, settings
):
    from amends.website.models import RoutingRule

    settings.WEBSITE_FORM_MIN_SECONDS = 0
    make_consultancy()
    RoutingRule.objects.create(sector="justice", target=org)
    client.cookies[COOKIE] = "cy"
    sent = client.post(reverse("website:request_new"), posted(REQUEST), follow=True)
    assert "Cais wedi'i anfon" in sent.content.decode()
    referral = Referral.objects.get()
    assert referral.people.get().message_language == MessageLanguage.WELSH
    case = referral_accept(referral=referral, by=alice, planned_process="mediation_direct")
    person = case.parties.get().person
    assert (person.given_name, person.message_language) == ("Siân", MessageLanguage.WELSH)


def test_a_request_made_in_english_keeps_english(client, db, org, settings):
    from amends.website.models import RoutingRule

    settings.WEBSITE_FORM_MIN_SECONDS = 0
    make_consultancy()
    RoutingRule.objects.create(sector="justice", target=org)
    client.post(reverse("website:request_new"), posted(REQUEST))
    assert Referral.objects.get().people.get().message_language == MessageLanguage.ENGLISH


def test_a_welsh_request_waiting_to_be_routed_keeps_its_language(client, db, org, settings):
    settings.WEBSITE_FORM_MIN_SECONDS = 0
    consultancy = make_consultancy()
    client.cookies[COOKIE] = "cy"
    client.post(
        reverse("website:request_new"),
        posted({**REQUEST, "who": "behalf", "behalf_of": "harmed", "their_given_name": "Gethin",
                "their_family_name": "ap Rhys", "place": "not_sure"}),
    )  # fmt: skip
    waiting = HelpRequest.objects.get()
    staff = signed_in(make_site_coordinator(consultancy))
    detail = staff.get(reverse("website:request", args=[waiting.pk])).content.decode()
    assert "Asked on the Welsh website" in detail
    staff.post(
        reverse("website:request", args=[waiting.pk]),
        {"action": "route", "organisation": org.pk, "sector": "justice"},
    )
    people = Referral.objects.get().people.order_by("pk")
    assert [(p.given_name, p.message_language) for p in people] == [
        ("Gethin", MessageLanguage.WELSH),
        ("Siân", MessageLanguage.WELSH),
    ]


def test_the_feedback_form_in_welsh_keeps_the_same_answers(client, db, org, bob):
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    party = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Connor"),
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
    url = reverse("outcomes:feedback", args=[token])
    client.cookies[COOKIE] = "cy"
    form = readable(client.get(url).content.decode())
    assert "Dywedwch wrthym am eich profiad" in form
    assert "Oeddech chi'n teimlo'n ddiogel yn cymryd rhan?" in form
    assert "Nac oeddwn" in form and "Byddwn" in form and "10 – Yn llwyr" in form
    missing = readable(client.post(url, {"satisfied": "satisfied"}).content.decode())
    assert "Dewiswch a oeddech chi'n teimlo'n ddiogel" in missing
    answers = {
        "satisfied": "very_satisfied",
        "well_prepared": "yes",
        "listened_to": "partly",
        "felt_safe": "yes",
        "would_recommend": "not_sure",
        "harm_put_right": "7",
        "comments": "Diolch i chi am wrando.",
    }
    thanks = client.post(url, answers, follow=True)
    assert "Mae eich atebion wedi cael eu hanfon" in thanks.content.decode()
    saved = FeedbackResponse.objects.get()
    assert (saved.satisfied, saved.listened_to, saved.would_recommend, saved.harm_put_right) == (
        "very_satisfied",
        "partly",
        "not_sure",
        7,
    )


# The Welsh text of the website's pages -------------------------------------------------------


def test_staff_write_a_pages_welsh_text_and_welsh_readers_see_it(client, db):
    consultancy = make_consultancy()
    staff = signed_in(make_site_coordinator(consultancy))
    client.cookies[COOKIE] = "cy"
    before = readable(client.get(reverse("website:privacy")).content.decode())
    assert "Dydy'r dudalen hon ddim ar gael yn Gymraeg eto" in before

    edit = reverse("welsh:page_welsh", args=["privacy-notice"])
    assert "Not written yet" in staff.get(edit).content.decode()
    refused = staff.post(edit, {"title": "", "summary": "", "body": "Testun heb deitl"})
    assert "Enter the title in Welsh" in refused.content.decode()
    assert not WelshPage.objects.filter(page__slug="privacy-notice", title__gt="").exists()
    staff.post(
        edit,
        {
            "title": "Hysbysiad preifatrwydd",
            "summary": "Sut rydyn ni'n defnyddio eich gwybodaeth.",
            "body": "## Pwy ydyn ni\n\nYmgynghoriaeth adferol.\n\n<script>alert(1)</script>",
        },
    )
    after = client.get(reverse("website:privacy")).content.decode()
    assert '<h1 class="govuk-heading-xl">Hysbysiad preifatrwydd</h1>' in after
    assert "Pwy ydyn ni</h3>" in after and "<script>alert" not in after
    assert "ddim ar gael yn Gymraeg eto" not in after
    english = Client().get(reverse("website:privacy")).content.decode()
    assert "Pwy ydyn ni" not in english

    # Taking the Welsh down shows the English, with the note, again.
    staff.post(edit, {"title": "", "summary": "", "body": ""})
    assert "ddim ar gael yn Gymraeg eto" in client.get(reverse("website:privacy")).content.decode()


def test_only_the_websites_staff_write_welsh_text(db, org, alice):
    make_consultancy()
    outsider = signed_in(alice)
    edit = reverse("welsh:page_welsh", args=["privacy-notice"])
    assert outsider.get(edit).status_code == 404
    outsider.post(edit, {"title": "Wedi'i newid", "summary": "", "body": ""})
    assert not WelshPage.objects.filter(page__slug="privacy-notice").exists()
    anonymous = Client().get(edit)
    assert anonymous.status_code == 302 and "login" in anonymous.url
