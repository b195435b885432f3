"""People in two organisations: they sign in where they last worked, and a link into their
other organisation offers to switch instead of ending at a dead end. Nobody else learns
anything from the 404."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from amends.core.models import Role
from tests.conftest import signed_in
from tests.factories import (
    CaseFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
)


@pytest.fixture
def eastwood(db):
    return OrganisationFactory(name="HMP Eastwood")


@pytest.fixture
def priya(org, eastwood):
    """A facilitator at Northbridge and at HMP Eastwood."""
    user = UserFactory(email="priya@northbridge.example", full_name="Priya Shah")
    MembershipFactory(user=user, organisation=org, role=Role.FACILITATOR)
    MembershipFactory(user=user, organisation=eastwood, role=Role.FACILITATOR)
    return user


def membership(user, organisation):
    return user.memberships.get(organisation=organisation)


def main_content(response) -> str:
    html = response.content.decode()
    return re.search(r"<main[^>]*>(.*)</main>", html, re.S).group(1)


def working_in(client) -> str:
    html = client.get(reverse("core:dashboard")).content.decode()
    return re.search(r'<span class="govuk-caption-l">(.*?)</span>', html).group(1)


# Signing in where they last worked ---------------------------------------------------


def test_a_first_sign_in_starts_in_the_first_organisation_by_name(priya, org, eastwood):
    assert working_in(signed_in(priya)) == "HMP Eastwood"


def test_they_sign_in_to_the_organisation_they_last_switched_to(priya, org):
    client = signed_in(priya)
    client.post(reverse("core:switch_organisation"), {"membership": membership(priya, org).pk})
    assert working_in(client) == "Northbridge RJ Hub"
    # A new session, days later: still Northbridge.
    assert working_in(signed_in(priya)) == "Northbridge RJ Hub"


def test_a_membership_that_ended_is_not_where_they_sign_in(priya, org, eastwood):
    client = signed_in(priya)
    client.post(reverse("core:switch_organisation"), {"membership": membership(priya, org).pk})
    membership(priya, org).__class__.objects.filter(user=priya, organisation=org).update(
        is_active=False
    )
    assert working_in(signed_in(priya)) == "HMP Eastwood"


# A link into the other organisation -------------------------------------------------


def test_a_link_to_their_case_in_the_other_organisation_offers_to_switch(priya, org, eastwood):
    case = CaseFactory(organisation=org, lead_facilitator=priya)
    client = signed_in(priya)  # working in HMP Eastwood
    url = reverse("cases:detail", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 404
    page = main_content(response)
    assert "This page is in Northbridge RJ Hub" in page
    assert "You are working in HMP Eastwood" in page
    assert "Switch to Northbridge RJ Hub" in page

    # Switching keeps them on the case.
    switched = client.post(
        reverse("core:switch_organisation"),
        {"membership": membership(priya, org).pk, "next": url},
    )
    assert switched["Location"] == url
    assert client.get(url).status_code == 200
    assert case.reference in client.get(url).content.decode()


def test_the_offer_covers_meetings_in_the_other_organisation_too(priya, org):
    case = CaseFactory(organisation=org, co_facilitator=priya)
    meeting = MeetingFactory(organisation=org, case=case, facilitator=priya)
    response = signed_in(priya).get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 404
    assert "Switch to Northbridge RJ Hub" in main_content(response)


def _plain_404(client):
    """The 404 for a case that does not exist anywhere: what every refusal must look like."""
    return main_content(client.get(reverse("cases:detail", args=[987654])))


def test_a_member_there_who_may_not_open_the_record_gets_the_plain_404(priya, org, dee):
    case = CaseFactory(organisation=org, lead_facilitator=dee)  # Priya is not on it
    client = signed_in(priya)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    assert "Switch" not in main_content(response)
    assert main_content(response) == _plain_404(client)


def test_someone_who_is_not_a_member_there_gets_the_plain_404(org, eastwood):
    outsider = UserFactory(full_name="Charlotte Ng")
    MembershipFactory(user=outsider, organisation=eastwood, role=Role.COORDINATOR)
    MembershipFactory(
        user=outsider,
        organisation=OrganisationFactory(name="Kingsmead Academy"),
        role=Role.COORDINATOR,
    )
    case = CaseFactory(organisation=org)
    client = signed_in(outsider)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    assert main_content(response) == _plain_404(client)


def test_a_role_there_that_cannot_open_the_page_gets_the_plain_404(org, eastwood):
    """A referrer at Northbridge (coordinator at Eastwood) cannot open Northbridge's cases."""
    user = UserFactory(full_name="Łukasz Nowak")
    MembershipFactory(user=user, organisation=org, role=Role.REFERRER)
    MembershipFactory(user=user, organisation=eastwood, role=Role.COORDINATOR)
    case = CaseFactory(organisation=org)
    referral = ReferralFactory(organisation=org, referred_by=user)
    client = signed_in(user)
    assert working_in(client) == "HMP Eastwood"
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    assert main_content(response) == _plain_404(client)
    # Their own referral there is a page they may open: offered.
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 404
    assert "Switch to Northbridge RJ Hub" in main_content(response)


def test_an_ended_membership_there_gets_the_plain_404(priya, org):
    case = CaseFactory(organisation=org, lead_facilitator=priya)
    client = signed_in(priya)
    membership(priya, org).__class__.objects.filter(user=priya, organisation=org).update(
        is_active=False
    )
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    assert main_content(response) == _plain_404(client)


def test_someone_in_one_organisation_gets_the_plain_404(as_charlie, org):
    case = CaseFactory(organisation=org)
    response = as_charlie.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    assert main_content(response) == _plain_404(as_charlie)


def test_switching_refuses_a_next_address_on_another_site(priya, org):
    client = signed_in(priya)
    response = client.post(
        reverse("core:switch_organisation"),
        {"membership": membership(priya, org).pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:dashboard")
