"""The public website: what visitors read and send, and how the consultancy's staff run it.

morag   coordinator of the consultancy that owns the site
alice   coordinator of Northbridge RJ Hub (a justice service requests are routed to)
pat     platform administrator
"""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from amends.core.models import OrganisationKind, Role, Sector
from amends.referrals.models import Referral, ReferralSource
from amends.website import services
from amends.website.forms import started_token
from amends.website.models import (
    EnquiryStatus,
    HelpRequest,
    MailState,
    Page,
    RequestStatus,
    RoutingRule,
    TrainingEnquiry,
)
from amends.website.templatetags.website import programme_text, programme_url
from tests.conftest import _member, signed_in
from tests.factories import OrganisationFactory, UserFactory


def make_consultancy():
    """The organisation that owns the site, and the site's starting pages."""
    services.starting_pages_seed()
    return OrganisationFactory(
        name="Meadowbank Restorative Consultancy",
        kind=OrganisationKind.CONSULTANCY,
        sectors=[s.value for s in Sector],
    )


def make_site_coordinator(consultancy):
    return _member(consultancy, Role.COORDINATOR, "morag@meadowbank.example", "Morag Fairbairn")


@pytest.fixture
def consultancy(db):
    return make_consultancy()


@pytest.fixture
def morag(consultancy):
    return make_site_coordinator(consultancy)


@pytest.fixture
def as_morag(morag):
    return signed_in(morag)


@pytest.fixture
def as_pat(db):
    return signed_in(UserFactory(email="pat@platform.example", is_platform_admin=True))


ENQUIRY = {
    "organisation_name": "Kingsmead Academy",
    "programme": "schools",
    "people_count": "14",
    "preferred_dates": "Any Tuesday after Easter",
    "delivery": "in_house",
    "contact_name": "Ruth Adebayo",
    "contact_email": "ruth@kingsmead.example",
    "contact_phone": "0113 496 0001",
    "message": "We would like the whole staff team trained.",
    "website": "",
}

REQUEST = {
    "who": "harmed",
    "given_name": "Siân",
    "family_name": "O'Brien",
    "what_happened": "Someone smashed my shop window and I want to understand why.",
    "place": "justice",
    "postcode": "nb1 4pl",
    "contact_by": "phone",
    "phone": "07700 900982",
    "safe_times": "Weekdays after 6pm",
    "leave_message": "no",
    "language": "Welsh",
    "website": "",
}


def posted(data: dict[str, str], seconds_ago: float = 60) -> dict[str, str]:
    """The form as a person sends it: shown a minute ago."""
    return {**data, "started": started_token(time.time() - seconds_ago)}


# What visitors read ----------------------------------------------------------------------


def test_a_visitor_reads_the_home_page(client, consultancy):
    page = client.get("/").content.decode()
    assert "What restorative justice is" in page
    assert "How it differs from punishment" in page
    for process in ("Mediation", "Conferencing", "Circles"):
        assert process in page
    for sector in Sector:
        assert programme_url(sector.value) in page
    assert "Staff sign in" in page
    assert reverse("website:request_new") in page
    assert "victim" not in page.lower() and "offender" not in page.lower()


def test_a_signed_in_person_still_reaches_their_own_home(as_alice, consultancy):
    response = as_alice.get("/")
    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")


def test_the_home_page_runs_a_fixed_number_of_queries(
    client, consultancy, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        client.get("/")
    for n in range(5):
        services.page_seed(slug=f"extra-{n}", kind="programme", sector="schools", position=50,
                           title=f"Extra {n}", summary="More", body="Text")  # fmt: skip
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200


def test_a_programme_page_and_the_other_public_pages(client, consultancy):
    page = client.get(reverse("website:programme", args=["schools"])).content.decode()
    assert '<h1 class="govuk-heading-xl">Schools</h1>' in page
    assert "?programme=schools" in page
    assert client.get(reverse("website:programme", args=["nowhere"])).status_code == 404
    assert "Your rights" in client.get(reverse("website:privacy")).content.decode()
    assert "WCAG" in client.get(reverse("website:accessibility")).content.decode()


def test_a_programme_page_elsewhere_can_show_the_text_staff_wrote(consultancy):
    assert "Who it is for" in programme_text("prisons")
    assert programme_text("nowhere") == ""


def test_contact_details_set_by_staff_show_on_the_contact_page(client, as_morag, consultancy):
    form = as_morag.get(reverse("website:contact_details")).context["form"]
    response = as_morag.post(
        reverse("website:contact_details"),
        {
            "address": "4 Station Parade\nHarrogate",
            "phone": "0113 496 0000",
            "email": "hello@meadowbank.example",
            "facebook_url": "facebook.com/meadowbank",
            "reply_days": "5",
            "version": form["version"].value(),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("website:contact")).content.decode()
    assert "4 Station Parade" in page and "0113 496 0000" in page
    assert "hello@meadowbank.example" in page
    assert "https://facebook.com/meadowbank" in page


# Training enquiries -----------------------------------------------------------------


def _enquiries_to(address: str) -> None:
    site = services.site_settings()
    site.enquiries_email = address
    site.save()


def test_an_enquiry_is_stored_and_staff_are_e_mailed(
    client, consultancy, django_capture_on_commit_callbacks
):
    _enquiries_to("training@meadowbank.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("website:enquiry_new"), posted(ENQUIRY))
    assert response.status_code == 302
    assert response.url == reverse("website:enquiry_sent")
    enquiry = TrainingEnquiry.objects.get()
    assert enquiry.organisation == consultancy
    assert enquiry.status == EnquiryStatus.NEW
    assert enquiry.mail_state == MailState.SENT
    assert [m.to for m in mail.outbox] == [["training@meadowbank.example"]]
    assert "Kingsmead Academy" in mail.outbox[0].subject
    # The contact's details stay behind sign-in.
    assert "ruth@kingsmead.example" not in mail.outbox[0].body


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_an_enquiry_is_kept_when_e_mail_fails_and_sent_by_the_retry(
    client, consultancy, settings, django_capture_on_commit_callbacks
):
    _enquiries_to("office@meadowbank.example")
    settings.EMAIL_BACKEND = "tests.test_website.BrokenMail"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("website:enquiry_new"), posted(ENQUIRY))
    assert response.status_code == 302  # the visitor is told it was sent: it is kept
    enquiry = TrainingEnquiry.objects.get()
    assert (enquiry.mail_state, enquiry.mail_attempts) == (MailState.FAILED, 1)
    call_command("send_website_mail", stdout=io.StringIO())
    enquiry.refresh_from_db()
    assert enquiry.mail_state == MailState.FAILED
    assert enquiry.mail_attempts == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = io.StringIO()
    call_command("send_website_mail", stdout=out)
    enquiry.refresh_from_db()
    assert enquiry.mail_state == MailState.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["office@meadowbank.example"]
    call_command("send_website_mail", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # sent once, never twice


def test_bad_input_is_answered_at_the_field_and_nothing_is_kept(client, consultancy):
    response = client.post(
        reverse("website:enquiry_new"),
        posted({**ENQUIRY, "people_count": "lots", "contact_email": "ruth at kingsmead"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the number of people as a number, like 12" in page
    assert "Enter an e-mail address in the right format" in page
    assert "Kingsmead Academy" in page  # what was typed is kept
    assert not TrainingEnquiry.objects.exists()


def test_the_honeypot_refuses(client, consultancy):
    response = client.post(reverse("website:enquiry_new"), posted({**ENQUIRY, "website": "spam"}))
    assert response.status_code == 200
    assert "The form could not be sent" in response.content.decode()
    assert not TrainingEnquiry.objects.exists()


def test_the_time_trap_refuses_kindly_and_keeps_what_was_typed(client, consultancy):
    response = client.post(reverse("website:enquiry_new"), posted(REQUEST | ENQUIRY, 1))
    page = response.content.decode()
    assert "Please take a moment to check your answers" in page
    assert "Any Tuesday after Easter" in page
    assert not TrainingEnquiry.objects.exists()
    forged = {**ENQUIRY, "started": "1700000000"}
    client.post(reverse("website:enquiry_new"), forged)
    assert not TrainingEnquiry.objects.exists()
    # The page given back carries a new start time: sent from it a little later, it is taken.
    fresh = response.context["form"].data["started"]
    assert fresh != posted(ENQUIRY, 1)["started"]
    client.post(reverse("website:enquiry_new"), posted(ENQUIRY))
    assert TrainingEnquiry.objects.count() == 1


def test_the_rate_limit_refuses_after_ten_forms(client, consultancy):
    for _ in range(10):
        assert client.post(reverse("website:request_new"), {"who": ""}).status_code == 200
    response = client.post(reverse("website:request_new"), posted(REQUEST))
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert not HelpRequest.objects.exists()
    assert client.get(reverse("website:request_new")).status_code == 200


def test_staff_work_through_the_enquiry_queue(client, as_morag, consultancy):
    client.post(reverse("website:enquiry_new"), posted(ENQUIRY))
    enquiry = TrainingEnquiry.objects.get()
    listing = as_morag.get(reverse("website:enquiries") + "?status=new").content.decode()
    assert "Kingsmead Academy" in listing
    detail = as_morag.get(reverse("website:enquiry", args=[enquiry.pk])).content.decode()
    assert "ruth@kingsmead.example" in detail
    as_morag.post(reverse("website:enquiry_status", args=[enquiry.pk]), {"status": "contacted"})
    as_morag.post(reverse("website:enquiry_note", args=[enquiry.pk]), {"text": "Called Ruth."})
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.CONTACTED
    assert (
        "Called Ruth."
        in as_morag.get(reverse("website:enquiry", args=[enquiry.pk])).content.decode()
    )
    refused = as_morag.post(
        reverse("website:enquiry_status", args=[enquiry.pk]), {"status": "lost"}
    )
    assert refused.status_code == 200 and "Choose a status" in refused.content.decode()


# Requests for restorative justice ---------------------------------------------------


@pytest.fixture
def justice_rule(consultancy, org):
    return RoutingRule.objects.create(sector=Sector.JUSTICE, target=org)


def test_a_request_is_routed_to_triage_as_a_self_referral(
    client, consultancy, org, justice_rule, as_alice
):
    response = client.post(reverse("website:request_new"), posted(REQUEST))
    assert response.status_code == 302
    assert response.url == reverse("website:request_sent")
    referral = Referral.objects.get()
    assert referral.organisation == org
    assert referral.source == ReferralSource.SELF
    assert referral.sector == Sector.JUSTICE
    person = referral.people.get()
    assert (person.role, person.given_name, person.phone) == ("harmed", "Siân", "07700 900982")
    assert "Safe times: Weekdays after 6pm" in person.safe_contact
    assert "Do not leave a message" in person.safe_contact
    assert person.language == "Welsh"
    kept = HelpRequest.objects.get()
    assert (kept.status, kept.routed_to, kept.details) == (RequestStatus.ROUTED, org, "")
    triage = as_alice.get(reverse("referrals:list")).content.decode()
    assert "Self-referral" in triage
    detail = as_alice.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert '<h1 class="govuk-heading-l">Self-referral</h1>' in detail


def test_the_page_after_sending_reveals_nothing(client, consultancy, justice_rule):
    sent = client.post(reverse("website:request_new"), posted(REQUEST), follow=True)
    nothing_routed = client.post(
        reverse("website:request_new"), posted({**REQUEST, "place": "not_sure", "postcode": ""}),
        follow=True,
    )  # fmt: skip
    page = sent.content.decode()
    assert re.sub(r'nonce="[^"]*"', "", page) == re.sub(
        r'nonce="[^"]*"', "", nothing_routed.content.decode()
    )
    assert "Siân" not in page and "shop window" not in page
    assert "within 5 working days" in page


def test_someone_asking_for_another_person_becomes_their_supporter(
    client, consultancy, org, justice_rule
):
    client.post(
        reverse("website:request_new"),
        posted({**REQUEST, "who": "behalf", "behalf_of": "responsible",
                "their_given_name": "Łukasz", "their_family_name": "Nowak"}),
    )  # fmt: skip
    people = list(Referral.objects.get().people.order_by("pk"))
    assert [(p.role, p.given_name) for p in people] == [
        ("responsible", "Łukasz"),
        ("supporter_of_responsible", "Siân"),
    ]
    assert people[0].phone == "" and people[1].phone == "07700 900982"


def test_request_questions_are_answered_at_the_field(client, consultancy):
    response = client.post(
        reverse("website:request_new"),
        posted({**REQUEST, "who": "behalf", "phone": "", "postcode": "XYZ 123"}),
    )
    page = response.content.decode()
    for message in ("Choose who you are asking for", "Enter their first name",
                    "Enter a phone number, so we can call or text you", "Enter a postcode like"):  # fmt: skip
        assert message in page
    assert not HelpRequest.objects.exists()


def test_the_most_specific_rule_wins(consultancy, org, other_org):
    school = OrganisationFactory(name="Kingsmead Academy", sectors=[Sector.SCHOOLS])
    RoutingRule.objects.create(sector=Sector.JUSTICE, target=org)
    RoutingRule.objects.create(postcode_area="EL", target=other_org)
    RoutingRule.objects.create(sector=Sector.SCHOOLS, target=school)
    assert services.route_for(Sector.JUSTICE, "NB1") == (org, Sector.JUSTICE)
    assert services.route_for(Sector.JUSTICE, "EL2") == (other_org, Sector.JUSTICE)
    district = OrganisationFactory(name="East District Hub", sectors=[Sector.JUSTICE])
    RoutingRule.objects.create(postcode_area="EL2", target=district)
    assert services.route_for(Sector.JUSTICE, "EL2") == (district, Sector.JUSTICE)
    assert services.route_for("", "EL9") == (other_org, Sector.JUSTICE)
    # A place-only rule never sends a school's request to a service that does not do schools.
    assert services.route_for(Sector.SCHOOLS, "EL2") == (school, Sector.SCHOOLS)
    assert services.route_for(Sector.PRISONS, "") is None


def test_an_unrouted_request_waits_for_staff_who_route_it_by_hand(
    client, as_morag, consultancy, org, as_alice
):
    client.post(reverse("website:request_new"), posted({**REQUEST, "place": "not_sure"}))
    waiting = HelpRequest.objects.get()
    assert waiting.status == RequestStatus.WAITING and not Referral.objects.exists()
    assert "NB1" in as_morag.get(reverse("website:requests")).content.decode()
    page = as_morag.get(reverse("website:request", args=[waiting.pk])).content.decode()
    assert "shop window" in page
    assert "07700 900982" not in page  # contact details go with it, not shown here
    refused = as_morag.post(
        reverse("website:request", args=[waiting.pk]),
        {"action": "route", "organisation": org.pk, "sector": "schools"},
    )
    assert "does not work in that kind of service" in refused.content.decode()
    as_morag.post(
        reverse("website:request", args=[waiting.pk]),
        {"action": "route", "organisation": org.pk, "sector": "justice"},
    )
    waiting.refresh_from_db()
    assert (waiting.status, waiting.routed_to, waiting.details) == (RequestStatus.ROUTED, org, "")
    referral = Referral.objects.get()
    assert referral.organisation == org and referral.is_self_referral
    assert "Self-referral" in as_alice.get(reverse("referrals:list")).content.decode()


def test_staff_add_and_remove_routing_rules(as_morag, consultancy, org):
    refused = as_morag.post(
        reverse("website:routing"), {"sector": "", "postcode_area": "", "target": org.pk}
    )
    assert "Choose a kind of service, or enter a postcode area" in refused.content.decode()
    bad = as_morag.post(reverse("website:routing"), {"postcode_area": "99", "target": org.pk})
    assert "Enter the first part of a postcode" in bad.content.decode()
    as_morag.post(
        reverse("website:routing"), {"sector": "justice", "postcode_area": "nb", "target": org.pk}
    )
    rule = RoutingRule.objects.get()
    assert (rule.sector, rule.postcode_area) == ("justice", "NB")
    as_morag.post(reverse("website:routing_remove"), {"rule": rule.pk})
    assert not RoutingRule.objects.exists()


# Pages, brand and access ----------------------------------------------------------------


def _edit(client, page, action, **fields):
    form = client.get(reverse("website:page_edit", args=[page.slug])).context["form"]
    data = {"title": page.draft_title, "summary": page.draft_summary, "body": page.draft_body,
            "version": form["version"].value(), "action": action, **fields}  # fmt: skip
    return client.post(reverse("website:page_edit", args=[page.slug]), data)


def test_staff_preview_publish_and_restore_a_page(client, as_morag, consultancy):
    page = Page.objects.get(slug="programme-prisons")
    preview = _edit(as_morag, page, "preview", body="## Circles on the wing\n\nNew words.")
    assert "Circles on the wing</h3>" in preview.content.decode()
    assert "New words" not in client.get("/about-our-training/prisons/").content.decode()
    _edit(as_morag, page, "save", body="Draft words.")
    assert "Draft words" not in client.get("/about-our-training/prisons/").content.decode()
    page.refresh_from_db()
    _edit(as_morag, page, "publish", body="Published words.")
    assert "Published words" in client.get("/about-our-training/prisons/").content.decode()
    history = as_morag.get(reverse("website:page_history", args=[page.slug])).content.decode()
    assert "Version 2" in history and "Version 1" in history
    as_morag.post(reverse("website:page_version", args=[page.slug, 1]))
    public = client.get("/about-our-training/prisons/").content.decode()
    assert "Published words" not in public and "circles" in public.lower()
    page.refresh_from_db()
    assert page.published.number == 3 and page.published.restored_from == 1


def test_a_stale_page_edit_is_refused(as_morag, consultancy):
    page = Page.objects.get(slug="home")
    form = as_morag.get(reverse("website:page_edit", args=[page.slug])).context["form"]
    services.page_save_draft(page=page, by=None, loaded_version=form["version"].value(),
                             title="Changed meanwhile", summary="", body="")  # fmt: skip
    response = as_morag.post(
        reverse("website:page_edit", args=[page.slug]),
        {"title": "Mine", "body": "x", "version": form["version"].value(), "action": "publish"},
    )
    assert "Someone else saved changes" in response.content.decode()
    page.refresh_from_db()
    assert page.draft_title == "Changed meanwhile"


def test_markdown_with_a_script_is_sanitised(client, as_morag, consultancy):
    page = Page.objects.get(slug="privacy-notice")
    _edit(as_morag, page, "publish",
          body='<script>alert("x")</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>')  # fmt: skip
    html = client.get(reverse("website:privacy")).content.decode()
    main = html[html.index('id="main-content"') :]
    assert "<script>alert" not in main
    assert 'href="javascript' not in main
    assert "onerror" not in main.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "<img" not in main


def test_brand_colours_with_poor_contrast_are_refused(client, as_morag, consultancy):
    form = as_morag.get(reverse("website:brand")).context["form"]
    data = {"site_name": "Meadowbank", "header_colour": "#ffdd00", "link_colour": "#1d5f8a",
            "version": form["version"].value()}  # fmt: skip
    refused = as_morag.post(reverse("website:brand"), data).content.decode()
    assert "The header colour is too light" in refused and "needs at least 4.5 to 1" in refused
    assert services.site_settings().header_colour != "#ffdd00"
    as_morag.post(reverse("website:brand"), {**data, "header_colour": "5a2d82"})
    assert services.site_settings().header_colour == "#5a2d82"
    assert "#5a2d82" in client.get(reverse("website:brand_css")).content.decode()
    assert "Meadowbank" in client.get("/").content.decode()


def test_a_logo_is_checked_by_its_content(client, as_morag, consultancy):
    fake = io.BytesIO(b"<svg onload=alert(1)></svg>")
    fake.name = "logo.png"
    refused = as_morag.post(reverse("website:logo_upload"), {"logo": fake})
    assert "The logo must be a PNG or JPEG image" in refused.content.decode()
    image = io.BytesIO()
    Image.new("RGB", (1200, 300), "#5a2d82").save(image, format="JPEG")
    image.seek(0)
    image.name = "logo.jpg"
    as_morag.post(reverse("website:logo_upload"), {"logo": image})
    logo = client.get(reverse("website:logo"))
    assert logo["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(logo.content)).size == (600, 150)
    assert reverse("website:logo") in client.get("/").content.decode()


def test_only_the_site_staff_reach_the_staff_pages(as_morag, as_alice, as_pat, consultancy):
    assert as_morag.get(reverse("website:dashboard")).status_code == 200
    assert as_pat.get(reverse("website:dashboard")).status_code == 200
    assert as_alice.get(reverse("website:dashboard")).status_code == 404
    assert as_alice.get(reverse("website:page_edit", args=["home"])).status_code == 404
    assert 'href="/site-admin/"' in as_morag.get(reverse("core:dashboard")).content.decode()
    assert 'href="/site-admin/"' not in as_alice.get(reverse("core:dashboard")).content.decode()
    # Administrators run the content, but do not read what the public sent.
    assert as_pat.get(reverse("website:enquiries")).status_code == 404


def test_a_page_writes_no_settings_row_where_the_database_has_none(morag):
    """A transactional test's flush deletes the row the data migration seeded: a page still
    shows the defaults without writing, so its queries do not depend on the tests before it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amends.website.models import SiteSettings

    SiteSettings.objects.all().delete()
    as_morag = signed_in(morag)
    with CaptureQueriesContext(connection) as first:
        assert as_morag.get(reverse("accounts:account")).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert as_morag.get(reverse("accounts:account")).status_code == 200
    assert len(first) == len(second)
    assert not SiteSettings.objects.exists()
    assert services.site_settings().site_name == services.DEFAULT_SITE_NAME
    saved = services.settings_update(by=morag, loaded_version="", strapline="Hello")
    assert SiteSettings.objects.get().strapline == saved.strapline == "Hello"
