"""Your account, and every allauth page a signed-in person reaches, in Amends' own design."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    PasskeyFactory,
    UserFactory,
)

# The pages under /accounts/ a signed-in person can open from "Your account".
ACCOUNT_PAGES = [
    ("accounts:account", "Your account"),
    ("account_email", "Your e-mail addresses"),
    ("account_change_password", "Change your password"),
    ("mfa_index", "How you sign in"),
    ("mfa_deactivate_totp", "Turn off your authenticator app"),
    ("mfa_generate_recovery_codes", "Make new recovery codes"),
    ("mfa_view_recovery_codes", "Your recovery codes"),
    ("mfa_add_webauthn", "Add a passkey"),
    ("mfa_list_webauthn", "Your passkeys"),
    ("account_reauthenticate", "Confirm it is you"),
    ("mfa_reauthenticate", "Confirm it is you"),
]


def assert_in_our_design(html: str, heading: str) -> None:
    assert 'class="amends-header"' in html, "not in Amends' layout"
    assert re.search(rf'<h1 class="govuk-heading-l">{re.escape(heading)}', html), heading
    assert "placeholder=" not in html
    # allauth's unstyled defaults: bare <p><label>, its "element" buttons, English "Email".
    assert "<p><label" not in html
    assert "Security Keys" not in html
    assert "Make Primary" not in html


@pytest.fixture
def siân(org):
    user = MembershipFactory(
        organisation=org,
        role="facilitator",
        user__email="sian.obrien@northbridge.example",
        user__full_name="Siân O'Brien",
    ).user
    MembershipFactory(
        organisation=OrganisationFactory(name="HMP Eastwood"), role="facilitator", user=user
    )
    return user


@pytest.fixture
def zoe(db):
    """Someone with no membership, so no second factor: she may add an address herself."""
    user = UserFactory(email="zoe.kowalczyk@northbridge.example", full_name="Zoë Kowalczyk")
    Authenticator.objects.filter(user=user).delete()
    return user


def test_the_header_links_to_your_account(as_alice):
    html = as_alice.get(reverse("core:dashboard")).content.decode()
    assert f'href="{reverse("accounts:account")}"' in html
    assert ">Your account</a>" in html


def test_your_account_lists_who_you_are_and_how_you_sign_in(siân):
    client = signed_in(siân)
    response = client.get(reverse("accounts:account"))
    html = response.content.decode()
    assert_in_our_design(html, "Your account")
    assert "Siân O&#x27;Brien" in html
    assert "sian.obrien@northbridge.example" in html
    # Both services she works for.
    assert "Northbridge RJ Hub (facilitator)" in html
    assert "HMP Eastwood (facilitator)" in html
    for url_name in ["account_change_password", "account_email", "mfa_deactivate_totp"]:
        assert f'href="{reverse(url_name)}"' in html, url_name
    assert "Authenticator app" in html and ">On<" in html


def test_your_account_counts_passkeys_and_links_to_them(alice, as_alice):
    PasskeyFactory(user=alice)
    PasskeyFactory(user=alice)
    html = as_alice.get(reverse("accounts:account")).content.decode()
    assert "2 passkeys" in html
    assert f'href="{reverse("mfa_list_webauthn")}"' in html


def test_your_account_needs_you_signed_in():
    response = Client().get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("url_name", "heading"), ACCOUNT_PAGES)
def test_every_account_page_is_in_our_design(alice, url_name, heading):
    if url_name == "mfa_list_webauthn":
        PasskeyFactory(user=alice)
    client = signed_in(alice)
    # Changing how you sign in asks for the password again first.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    # Recovery codes exist once someone has made them.
    client.post(reverse("mfa_generate_recovery_codes"))
    response = client.get(reverse(url_name))
    assert response.status_code == 200, response.get("Location")
    assert_in_our_design(response.content.decode(), heading)


def test_passkey_rename_and_remove_pages_are_in_our_design(alice, as_alice):
    passkey = PasskeyFactory(user=alice)
    as_alice.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    for url_name, heading in [
        ("mfa_edit_webauthn", "Rename your passkey"),
        ("mfa_remove_webauthn", "Remove the passkey"),
    ]:
        response = as_alice.get(reverse(url_name, kwargs={"pk": passkey.pk}))
        assert response.status_code == 200
        assert_in_our_design(response.content.decode(), heading)


def test_a_wrong_current_password_is_explained_and_changes_nothing(alice, as_alice):
    response = as_alice.post(
        reverse("account_change_password"),
        {
            "oldpassword": "not-my-password",
            "password1": "a-new-long-passphrase-2026",
            "password2": "a-new-long-passphrase-2026",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'id="id_oldpassword-error"' in html
    assert "<title>Error: Change your password – Amends</title>" in html
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_bad_address_is_explained_at_the_field(zoe):
    client = signed_in(zoe, second_factor=False)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "siân@"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'id="id_email-error"' in html
    assert "Enter an e-mail address in the correct format, like name@example.org" in html
    assert_in_our_design(html, "Your e-mail addresses")
    assert list(EmailAddress.objects.filter(user=zoe).values_list("email", flat=True)) in (
        [],
        [zoe.email],
    )


def test_the_account_page_reads_a_fixed_number_of_queries(alice, as_alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_alice.get(reverse("accounts:account")).status_code == 200
        return len(captured)

    PasskeyFactory(user=alice)
    with_one = queries()
    for _ in range(5):
        PasskeyFactory(user=alice)
    MembershipFactory(user=alice, organisation=OrganisationFactory(name="HMP Eastwood"))
    assert queries() == with_one
    assert with_one <= 12


def test_the_sign_in_page_has_one_forgotten_password_link_and_no_placeholders(db):
    html = Client().get(reverse("account_login")).content.decode()
    assert html.count(f'href="{reverse("account_reset_password")}"') == 1
    assert ">Forgotten your password?</a>" in html
    assert "placeholder=" not in html
    assert '<label class="govuk-label" for="id_login">E-mail address</label>' in html
    assert '<label class="govuk-label" for="id_password">Password</label>' in html


def test_a_failed_sign_in_is_explained_in_an_error_summary(alice):
    response = Client().post(
        reverse("account_login"), {"login": alice.email, "password": "wrong-password"}
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert "placeholder=" not in html


@pytest.mark.parametrize("url_name", ["account_reset_password", "account_login"])
def test_signed_out_pages_have_no_placeholders(db, url_name):
    assert "placeholder=" not in Client().get(reverse(url_name)).content.decode()


def test_an_empty_sign_in_says_what_to_enter(db):
    html = Client().post(reverse("account_login"), {"login": "", "password": ""}).content.decode()
    assert 'href="#id_login">Enter your e-mail address</a>' in html
    assert 'href="#id_password">Enter your password</a>' in html
    assert "This field is required" not in html


def test_a_wrong_password_is_explained_in_plain_english(alice):
    response = Client().post(
        reverse("account_login"), {"login": alice.email, "password": "not-the-password"}
    )
    assert "The e-mail address or password is not right" in response.content.decode()


def test_with_a_second_factor_you_are_told_how_to_change_your_address(as_alice):
    html = as_alice.get(reverse("account_email")).content.decode()
    assert "ask your coordinator" in html
    assert 'name="action_add"' not in html


def test_without_a_second_factor_you_can_add_an_address(zoe):
    client = signed_in(zoe, second_factor=False)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "zoe@kowalczyk.example"}
    )
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=zoe, email="zoe@kowalczyk.example").exists()
    html = client.get(reverse("account_email")).content.decode()
    assert "Other addresses" in html
    assert "zoe@kowalczyk.example" in html
    assert "Not confirmed" in html
    # The address she signs in with is stated, and offers no "Remove".
    assert html.count('name="action_remove"') == 1
