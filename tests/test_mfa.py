"""Multi-factor sign-in: nobody who can see personal data gets in on a password alone."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from amends.core.models import Role
from tests.conftest import mark_second_factor, signed_in
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PasskeyFactory,
    UserFactory,
    totp_code,
)

LOGIN = reverse("account_login")


def password_sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def code_for(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.django_db(transaction=True)  # enrolment finishes in on_commit, as in production
def test_a_new_member_sets_up_an_authenticator_app_before_anything_else(org):
    user = UserFactory(second_factor=False)
    MembershipFactory(user=user, organisation=org, role=Role.FACILITATOR)
    client = Client()
    password_sign_in(client, user.email)

    for page in (reverse("core:dashboard"), reverse("people:list"), reverse("people:add")):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Set up your authenticator app" in page.content.decode()
    secret = client.session["mfa.totp.secret"]

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert "Incorrect code" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert "Your recovery codes" in codes.content.decode()
    assert len(re.findall(r"<li><code>\w+</code></li>", codes.content.decode())) == 10
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_authenticator_secret_is_encrypted_at_rest(alice):
    stored = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP).data["secret"]
    assert stored.startswith("fernet:")


def test_sign_in_asks_for_the_code_after_the_password(alice):
    client = Client()
    response = password_sign_in(client, alice.email)
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: personal data is still out of reach.
    assert client.get(reverse("people:list"))["Location"].startswith(LOGIN)

    client.get(reverse("mfa_authenticate"))
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert "Incorrect code" in wrong.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(alice)})
    assert response.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200


def test_a_code_works_once(alice):
    first, second = Client(), Client()
    code = totp_code(alice)
    for client in (first, second):
        password_sign_in(client, alice.email)
    first.post(reverse("mfa_authenticate"), {"code": code})
    replay = second.post(reverse("mfa_authenticate"), {"code": code})
    assert "Incorrect code" in replay.content.decode()
    assert second.get(reverse("people:list")).status_code == 302


def test_a_recovery_code_stands_in_for_the_phone(alice):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    recovery = RecoveryCodes.activate(alice)
    client = Client()
    password_sign_in(client, alice.email)
    response = client.post(reverse("mfa_authenticate"), {"code": recovery.get_unused_codes()[0]})
    assert response.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200


def test_password_reset_does_not_skip_the_second_factor(alice, django_capture_on_commit_callbacks):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": alice.email})
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    set_password_url = client.get(link.split("testserver")[-1].split("127.0.0.1:8000")[-1])[
        "Location"
    ]
    new_password = "a brand new long password 77"
    response = client.post(set_password_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    # The reset signs nobody in...
    assert client.get(reverse("people:list"))["Location"].startswith(LOGIN)
    # ...and signing in with the new password still asks for the code.
    response = password_sign_in(client, alice.email, new_password)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("people:list"))["Location"].startswith(LOGIN)


def test_a_session_that_skipped_the_second_factor_is_signed_out(alice):
    client = signed_in(alice, second_factor=False)
    response = client.get(reverse("people:list"))
    assert response["Location"] == f"{LOGIN}?next=%2Fpeople%2F"
    assert client.get(reverse("core:dashboard"))["Location"].startswith(LOGIN)


def test_platform_admin_must_add_a_passkey(db):
    admin = UserFactory(is_platform_admin=True, second_factor=False)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = signed_in(admin)
    mark_second_factor(client, admin, "totp")
    response = client.get(reverse("core:platform_organisations"))
    assert response["Location"] == reverse("mfa_add_webauthn")


def test_platform_admin_with_a_passkey_gets_through(db):
    admin = UserFactory(is_platform_admin=True, second_factor=False)
    PasskeyFactory(user=admin)
    client = signed_in(admin)
    response = client.get(reverse("core:platform_organisations"))
    assert response.status_code == 200


def test_platform_admin_who_signed_in_with_a_code_must_use_the_passkey(db):
    admin = UserFactory(is_platform_admin=True)  # an app and a passkey
    client = signed_in(admin, second_factor=False)
    mark_second_factor(client, admin, "totp")
    response = client.get(reverse("core:platform_organisations"))
    assert response["Location"].startswith(LOGIN)
    assert "Sign in again with your passkey" in client.get(LOGIN).content.decode()


def test_an_account_with_no_access_to_personal_data_needs_no_second_factor(db):
    nobody = UserFactory(second_factor=False)
    client = signed_in(nobody, second_factor=False)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_sign_out_and_static_files_stay_open_before_enrolment(org):
    user = UserFactory(second_factor=False)
    MembershipFactory(user=user, organisation=org)
    client = signed_in(user, second_factor=False)
    assert client.get("/static/amends/favicon.svg").status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("core:dashboard"))["Location"].startswith(LOGIN)


def test_another_users_passkey_is_not_found(alice, bob):
    key = PasskeyFactory(user=bob)
    client = Client()
    password_sign_in(client, alice.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(alice)})
    assert client.get(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})).status_code == 404
    assert client.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})).status_code == 404
    assert Authenticator.objects.filter(pk=key.pk).exists()
