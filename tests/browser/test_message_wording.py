"""A coordinator in Wales words the Welsh meeting invitation: previews it with made-up details,
is stopped at the field by a placeholder it cannot use, saves it, and sees on Deliveries the
messages withheld from people who said e-mail is not safe. axe on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from amends.notify.models import MessageTemplate
from amends.tasks.models import DeliveryStatus
from tests.conftest import assert_accessible, sign_in
from tests.factories import DeliveryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_coordinator_words_previews_and_saves_a_welsh_message(
    page: Page, live_server, org, alice, width
):
    DeliveryFactory(
        organisation=org,
        kind="email",
        event="message.invitation",
        destination="Siân O'Connor",
        status=DeliveryStatus.WITHHELD,
        note="E-mail: they said e-mail is not safe. Text: they said text messages are not safe.",
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, alice.email)

    page.goto(f"{live_server.url}/organisation/messages/")
    expect(page.get_by_role("heading", name="Messages to people")).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "link", name="Standard wording for the meeting invitation in Cymraeg (Welsh)"
    ).click()
    expect(page.get_by_role("heading", name="Meeting invitation")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview with made-up details")).to_be_visible()
    expect(page.get_by_text("Helo Siân,")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Message").fill("Helo {first_name}, achos {case_reference}")
    page.get_by_role("button", name="Save wording").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    assert not MessageTemplate.objects.exists()

    page.get_by_label("Message").fill("Helo {first_name}. Ffoniwch ni ar {service_phone}.")
    page.get_by_role("button", name="Save wording").click()
    expect(
        page.get_by_role("link", name="Your wording for the meeting invitation in Cymraeg (Welsh)")
    ).to_be_visible()
    assert MessageTemplate.objects.get().language == "cy"

    page.get_by_role("link", name="Messages withheld, waiting or failed").click()
    expect(page.get_by_text("they said e-mail is not safe")).to_be_visible()
    assert_accessible(page)
