"""Coordinators invite members, change roles and deactivate them."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from amends.core.concurrency import version_of
from amends.core.models import AuditEvent, Invitation, Membership, Role
from tests.conftest import signed_in
from tests.factories import MembershipFactory, UserFactory


def invite(client, email="dee@northbridge.example", role=Role.FACILITATOR):
    return client.post(reverse("core:member_invite"), {"email": email, "role": role})


def accept_link(message) -> str:
    return re.search(r"http://\S+/invitations/\S+/", message.body).group(0)


def test_coordinator_invites_a_member_who_joins(
    as_alice, org, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(as_alice)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dee@northbridge.example"]
    assert org.name in mail.outbox[0].subject

    link = accept_link(mail.outbox[0]).split("127.0.0.1:8000")[1]
    page = client.get(link)
    assert "Join Northbridge RJ Hub" in page.content.decode()
    response = client.post(
        link,
        {
            "full_name": "Dee Dawson",
            "password1": "a long new password 42",
            "password2": "a long new password 42",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="dee@northbridge.example")
    assert membership.organisation == org and membership.role == Role.FACILITATOR
    # Before anything else, the new member sets up their authenticator app.
    assert client.get(reverse("core:dashboard"))["Location"] == reverse("mfa_activate_totp")
    # The link works once.
    assert Client().get(link).status_code == 404


def test_invitation_stores_only_a_hash_of_the_token(as_alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_alice)
    token = accept_link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert invitation.token_hash == Invitation.hash_token(token)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "not-an-email", "role": "facilitator"},
            "email",
            "Enter an e-mail address in the correct format",
        ),
        ({"email": "", "role": "facilitator"}, "email", "Enter an e-mail address"),
        ({"email": "dee@example.org", "role": "overlord"}, "role", "Select a role from the list"),
        ({"email": "dee@example.org"}, "role", "Select a role"),
    ],
)
def test_bad_invitation_is_refused_at_the_field(as_alice, data, field, message):
    response = as_alice.post(reverse("core:member_invite"), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert "There is a problem" in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(as_alice, bob):
    response = invite(as_alice, email=bob.email)
    assert "is already a member" in response.context["form"].errors["email"][0]
    assert not Invitation.objects.exists()


def test_inviting_twice_is_refused(as_alice):
    invite(as_alice)
    response = invite(as_alice)
    assert "already been invited" in response.context["form"].errors["email"][0]
    assert Invitation.objects.count() == 1


def test_coordinator_changes_a_role(as_alice, bob, org):
    membership = bob.memberships.get()
    response = as_alice.post(
        reverse("core:member_detail", args=[membership.pk]), {"role": Role.COORDINATOR}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR
    event = AuditEvent.objects.filter(record_type="membership", record_id=str(membership.pk)).get()
    assert "Facilitator to Coordinator" in event.summary


def test_the_last_coordinator_cannot_step_down(as_alice, alice):
    membership = alice.memberships.get()
    response = as_alice.post(
        reverse("core:member_detail", args=[membership.pk]), {"role": Role.FACILITATOR}
    )
    assert response.status_code == 200
    assert "only coordinator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR


def test_the_last_coordinator_cannot_be_deactivated(as_alice, alice):
    membership = alice.memberships.get()
    response = as_alice.post(reverse("core:member_deactivate", args=[membership.pk]))
    assert "only coordinator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_a_second_coordinator_can_be_deactivated(as_alice, alice, org):
    second = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    response = as_alice.post(reverse("core:member_deactivate", args=[second.pk]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert not second.is_active


def test_deactivated_member_is_signed_out_at_once(as_alice, bob):
    as_bob = signed_in(bob)
    assert as_bob.get(reverse("people:list")).status_code == 200
    as_alice.post(reverse("core:member_deactivate", args=[bob.memberships.get().pk]))
    response = as_bob.get(reverse("people:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_only_coordinators_manage_members(as_bob, as_rita, as_vera):
    for client in (as_bob, as_rita, as_vera):
        assert client.get(reverse("core:members")).status_code == 403
        assert (
            client.post(
                reverse("core:member_invite"), {"email": "x@example.org", "role": "viewer"}
            ).status_code
            == 403
        )
    assert not Invitation.objects.exists()


def test_members_list_shows_only_own_organisation(as_alice, bob, charlie):
    page = as_alice.get(reverse("core:members")).content.decode()
    assert bob.email in page
    assert charlie.email not in page


def test_user_in_two_organisations_switches_between_them(org, other_org):
    user = UserFactory(email="sam@example.org")
    MembershipFactory(user=user, organisation=org, role=Role.COORDINATOR)
    second = MembershipFactory(user=user, organisation=other_org, role=Role.FACILITATOR)
    client = signed_in(user)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Switch" in page and other_org.name in page

    client.post(reverse("core:switch_organisation"), {"membership": second.pk})
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Your meetings this week" in page  # the facilitator's home
    # Someone else's membership cannot be chosen.
    stranger = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    client.post(reverse("core:switch_organisation"), {"membership": stranger.pk})
    assert client.session["amends_membership_id"] == second.pk


def test_coordinator_edits_organisation_details(as_alice, org):
    data = {
        "name": "Northbridge Restorative Justice Hub",
        "kind": "justice_service",
        "sectors": ["justice", "communities"],
        "postcode": "ls1 4ap",
        "case_reference_prefix": "nrj",
        "retention_years": 6,
        "version": version_of(org),
    }
    response = as_alice.post(reverse("core:organisation_settings"), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Northbridge Restorative Justice Hub"
    assert org.postcode == "LS1 4AP" and org.case_reference_prefix == "NRJ"
    assert org.sectors == ["justice", "communities"]


def test_bad_organisation_details_change_nothing(as_alice, org):
    data = {
        "name": "",
        "kind": "castle",
        "sectors": [],
        "postcode": "nowhere",
        "retention_years": 0,
        "case_reference_prefix": "R2",
    }
    response = as_alice.post(reverse("core:organisation_settings"), data)
    errors = response.context["form"].errors
    assert errors["name"] == ["Enter the organisation's name"]
    assert "Select a valid choice" in errors["kind"][0] or "Select" in errors["kind"][0]
    assert errors["sectors"] == ["Select at least one sector"]
    assert errors["postcode"] == ["Enter a real postcode, like SW1A 1AA"]
    assert "1 to 6 letters" in errors["case_reference_prefix"][0]
    org.refresh_from_db()
    assert org.name == "Northbridge RJ Hub"
