"""Sessions end after 30 minutes idle or 12 hours in all, and nothing typed is lost."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from amends.people.models import Person
from tests.conftest import signed_in
from tests.factories import PASSWORD, totp_code

LOGIN = reverse("account_login")


def age_session(client: Client, *, idle: int = 0, started: int = 0) -> None:
    session = client.session
    now = int(time.time())
    session["amends_last_seen"] = now - idle
    session["amends_started"] = now - started
    session.save()


def test_thirty_minutes_idle_signs_you_out(alice):
    client = signed_in(alice)
    age_session(client, idle=29 * 60)
    assert client.get(reverse("people:list")).status_code == 200
    age_session(client, idle=31 * 60)
    response = client.get(reverse("people:list"))
    assert response["Location"] == f"{LOGIN}?next=%2Fpeople%2F"
    page = client.get(LOGIN).content.decode()
    assert "You were signed out because you had not used Amends for 30 minutes." in page
    assert client.get(reverse("people:list"))["Location"].startswith(LOGIN)


def test_twelve_hours_signs_you_out_however_busy(alice):
    client = signed_in(alice)
    age_session(client, started=11 * 3600)
    assert client.get(reverse("people:list")).status_code == 200
    age_session(client, started=12 * 3600 + 60)
    assert client.get(reverse("people:list"))["Location"].startswith(LOGIN)
    assert "signed in for 12 hours" in client.get(LOGIN).content.decode()


def test_signing_in_gives_a_new_session_key(alice):
    client = Client()
    client.get(LOGIN)
    client.post(LOGIN, {"login": alice.email, "password": PASSWORD})
    before = client.session.session_key
    client.post(reverse("mfa_authenticate"), {"code": totp_code(alice)})
    after = client.session.session_key
    assert before and after and before != after
    assert client.get(reverse("people:list")).status_code == 200


def person_form(**overrides):
    data = {
        "given_name": "Maisie",
        "family_name": "Thornbury",
        "known_as": "",
        "pronouns": "",
        "date_of_birth_0": "3",
        "date_of_birth_1": "11",
        "date_of_birth_2": "2011",
        "phone": "07700 900 982",
        "address": "12 Mill Lane\nNorthbridge",
        "preferred_contact": "phone",
        "voicemail_safe": "no",
        "text_safe": "yes",
        "letter_safe": "unknown",
        "language": "English",
    }
    data.update(overrides)
    return data


def csrf_post(client: Client, url: str, data: dict, **extra):
    """POST as a browser does: with the token from the CSRF cookie."""
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token}, **extra)


def test_what_you_typed_survives_a_timeout_and_signing_in_again(alice):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    csrf_post(client, LOGIN, {"login": alice.email, "password": PASSWORD})
    csrf_post(client, reverse("mfa_authenticate"), {"code": totp_code(alice)})
    assert client.get(reverse("people:add")).status_code == 200

    age_session(client, idle=45 * 60)  # they went to make a cup of tea
    response = csrf_post(client, reverse("people:add"), person_form())
    assert response["Location"] == f"{LOGIN}?next=%2Fpeople%2Fadd%2F"
    assert not Person.objects.exists()  # nothing saved behind their back
    kept = str(client.session.get("amends_unsaved_form"))
    assert "Thornbury" in kept and "csrfmiddlewaretoken" not in kept

    login_url = response["Location"]
    assert client.get(login_url).status_code == 200
    response = csrf_post(client, login_url, {"login": alice.email, "password": PASSWORD})
    response = csrf_post(client, response["Location"], {"code": totp_code(alice, offset=1)})
    assert response["Location"] == reverse("people:add")

    page = client.get(reverse("people:add"))
    html = page.content.decode()
    assert "You were signed out before this was saved" in html
    assert 'value="Thornbury"' in html and "12 Mill Lane" in html
    assert not Person.objects.exists()
    # Shown once: the next visit is a blank form.
    assert 'value="Thornbury"' not in client.get(reverse("people:add")).content.decode()


def test_a_cross_site_post_on_a_timed_out_session_is_not_kept(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    age_session(client, idle=45 * 60)
    client.post(reverse("people:add"), person_form(family_name="Forged"))
    assert "amends_unsaved_form" not in client.session


def test_kept_input_is_shown_only_to_the_person_who_typed_it(alice, bob):
    client = signed_in(alice)
    age_session(client, idle=45 * 60)
    client.post(reverse("people:add"), person_form())
    assert "amends_unsaved_form" in client.session
    # Someone else signs in on the same browser.
    client.force_login(bob)
    from tests.conftest import mark_second_factor

    mark_second_factor(client, bob)
    assert 'value="Thornbury"' not in client.get(reverse("people:add")).content.decode()


def test_passwords_are_never_kept(alice):
    client = signed_in(alice)
    age_session(client, idle=45 * 60)
    client.post(reverse("people:add"), person_form(new_password="s3cret-value"))
    assert "s3cret-value" not in str(dict(client.session))
