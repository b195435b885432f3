"""Staff pages in Welsh: every string is marked (tests/test_translation_marking.py) and has
its Welsh. A member of staff chooses Cymraeg from the footer of any page and
comes back to the same page in Welsh. E-mails to
staff stay in the service's language whatever page they were sent from."""

from __future__ import annotations

import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import MembershipFactory
from tests.test_welsh import PO, readable

COOKIE = settings.LANGUAGE_COOKIE_NAME
MENU = ["Home", "Cases", "Referrals", "People", "Reports"]


def welsh(english: str) -> str:
    with translation.override("cy"):
        return gettext(english)


def test_the_menu_and_frame_of_a_staff_page_are_in_welsh(as_alice):
    as_alice.cookies[COOKIE] = "cy"
    page = as_alice.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="cy"' in page
    for item in [*MENU, "Sign out"]:
        assert welsh(item) != item, f"{item!r} is not in Welsh yet"
        assert welsh(item) in page
    assert re.search(r">\s*Cases\s*<", page) is None


def test_the_same_page_in_english_has_no_welsh(as_alice):
    page = as_alice.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="en-GB"' in page
    text = readable(page)
    for item in MENU:
        assert item in text
    assert welsh("Cases") not in text


def test_the_footer_switches_a_staff_page_to_welsh_and_back(as_alice):
    cases = reverse("cases:list")
    page = as_alice.get(cases).content.decode()
    switch = re.search(r'href="([^"]+)" hreflang="cy"', page)
    assert switch, "no link to the Welsh page in the footer"
    back = as_alice.get(switch.group(1).replace("&amp;", "&"))
    assert back.status_code == 302 and back["Location"] == cases
    in_welsh = as_alice.get(cases).content.decode()
    assert welsh("Cases") in in_welsh
    assert 'hreflang="en-GB"' in in_welsh  # and the way back to English
    assert 'hreflang="cy"' not in in_welsh


def test_every_string_of_the_staff_pages_has_its_welsh():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert not untranslated, f"Not yet in Welsh: {untranslated[:20]}"


def test_an_allocation_made_on_a_welsh_page_is_e_mailed_in_english(
    as_alice, case, org, bob, mailoutbox, django_capture_on_commit_callbacks
):
    new = MembershipFactory(organisation=org, role="facilitator").user
    as_alice.cookies[COOKIE] = "cy"
    with django_capture_on_commit_callbacks(execute=True):
        as_alice.post(
            reverse("cases:allocate", args=[case.pk]),
            {"lead_facilitator": new.pk, "co_facilitator": bob.pk},
        )
    sent = [m for m in mailoutbox if new.email in m.to]
    assert len(sent) == 1
    assert sent[0].subject == f"Amends: case {case.reference} is allocated to you"


@pytest.mark.parametrize(
    ("outcome", "recorded"),
    [
        ("no_contact", "Not proceeded: could not be contacted"),
        ("harmed_declined", "Not proceeded: person harmed declined"),
    ],
)
def test_a_case_closed_on_a_welsh_page_is_recorded_in_english(as_bob, case, outcome, recorded):
    from amends.core.models import AuditEvent

    as_bob.cookies[COOKIE] = "cy"
    page = as_bob.post(reverse("cases:close", args=[case.pk]), {"outcome": outcome})
    assert page.status_code == 302
    summaries = list(AuditEvent.objects.values_list("summary", flat=True))
    assert f"Case closed: {recorded}" in summaries
