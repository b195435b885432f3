"""Each person's home page runs their day, and every count on it leads to the list behind it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amends.agreements.models import ActionStatus
from amends.cases import services as case_services
from amends.cases.models import CaseStatus, ClosureOutcome
from amends.core.models import Invitation, Role
from amends.home.queries import week_bounds
from amends.meetings.models import MeetingStatus
from amends.referrals.models import ReferralStatus
from tests.conftest import _member, signed_in
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    CaseEventFactory,
    CaseFactory,
    MeetingFactory,
    MembershipFactory,
    PartyFactory,
    PersonFactory,
    ReferralFactory,
    ReferralPersonFactory,
    UserFactory,
)

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def this_week_at(hour: int) -> datetime.datetime:
    """A time this week (today, so it is inside Monday to Sunday whatever today is)."""
    return timezone.make_aware(datetime.datetime.combine(TODAY(), datetime.time(hour, 0)))


def next_week() -> datetime.datetime:
    _start, end, _days = week_bounds(TODAY())
    return end + datetime.timedelta(days=1, hours=10)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def link_for(response, label: str) -> str:
    """The href of the link whose visible text starts with `label`."""
    html = response.content.decode()
    for href, body in re.findall(r'<a class="govuk-link" href="([^"]+)">(.*?)</a>', html, re.S):
        if re.sub(r"<[^>]+>", " ", body).strip().startswith(label):
            return href.replace("&amp;", "&")
    raise AssertionError(f"No link starting {label!r}")


# Coordinator ------------------------------------------------------------------------


@pytest.fixture
def busy_service(org, alice, bob, dee):
    """Northbridge's day: referrals waiting, cases unallocated and overdue, meetings this week."""
    ReferralFactory(organisation=org, received_on=days_ago(12))
    ReferralFactory(organisation=org, received_on=days_ago(2))
    ReferralFactory(organisation=org, status=ReferralStatus.DECLINED, received_on=days_ago(30))
    CaseFactory(organisation=org)  # two open cases nobody leads
    CaseFactory(organisation=org)
    CaseFactory(organisation=org, status=CaseStatus.CLOSED)  # closed: not counted
    overdue = CaseFactory(
        organisation=org,
        lead_facilitator=bob,
        next_step="Phone the shop owner",
        next_step_due=days_ago(3),
    )
    CaseFactory(organisation=org, lead_facilitator=bob, co_facilitator=dee)
    CaseFactory(organisation=org, lead_facilitator=dee, co_facilitator=bob)
    CaseFactory(
        organisation=org,
        lead_facilitator=dee,
        status=CaseStatus.CLOSED,
        next_step_due=days_ago(9),
    )
    agreement = AgreementFactory(organisation=org, case=overdue, agreed_on=days_ago(20))
    AgreementActionFactory(organisation=org, agreement=agreement, due_on=days_ago(1))
    AgreementActionFactory(
        organisation=org, agreement=agreement, due_on=days_ago(5), status=ActionStatus.DONE
    )
    MeetingFactory(organisation=org, case=overdue, facilitator=bob, scheduled_at=this_week_at(10))
    MeetingFactory(organisation=org, case=overdue, facilitator=bob, scheduled_at=next_week())
    return overdue


def test_coordinator_sees_the_days_work_in_counts(as_alice, busy_service):
    page = text(as_alice.get(reverse("core:dashboard")))
    assert "Hello, Alice" in page
    assert "2 referrals waiting for triage" in page
    assert "The oldest has waited 12 days" in page
    assert "2 cases without a facilitator" in page
    assert "1 case with the next step overdue" in page
    assert "1 action overdue" in page
    assert "1 meeting this week" in page


def test_every_count_leads_to_a_list_of_that_many(as_alice, busy_service):
    home = as_alice.get(reverse("core:dashboard"))

    triage = as_alice.get(link_for(home, "2 referrals"))
    assert triage.status_code == 200
    assert text(triage).count("Northbridge Police") >= 2

    for label, expected in (("2 cases", "2 cases"), ("1 case", "1 case")):
        listed = text(as_alice.get(link_for(home, label)))
        assert f" {expected} " in listed, label

    overdue_actions = as_alice.get(link_for(home, "1 action"))
    assert overdue_actions.status_code == 200
    assert "Apology (written)" in text(overdue_actions)

    week = text(as_alice.get(link_for(home, "1 meeting")))
    assert busy_service.reference in week
    assert "Meetings this week" in week


def test_unallocated_list_holds_only_open_cases_nobody_leads(as_alice, org, bob, busy_service):
    listed = as_alice.get(reverse("cases:list") + "?unallocated=on").content.decode()
    assert busy_service.reference not in listed
    assert len(re.findall(r'href="/cases/\d+/"', listed)) == 2


def test_caseloads_count_lead_and_co_and_link_to_those_cases(as_alice, bob, dee, busy_service):
    home = as_alice.get(reverse("core:dashboard"))
    html = home.content.decode()
    bob_row = re.search(r"Bob Barraclough</th>(.*?)</tr>", html, re.S).group(1)
    dee_row = re.search(r"Dee Dawson</th>(.*?)</tr>", html, re.S).group(1)
    # Bob leads two open cases and co-facilitates one; Dee leads one open (one closed) and
    # co-facilitates one.
    assert re.findall(r">(\d+)<span", bob_row) == ["2", "1"]
    assert re.findall(r">(\d+)<span", dee_row) == ["1", "1"]

    bob_lead = re.search(r'href="([^"]+part=lead[^"]+)"', bob_row).group(1).replace("&amp;", "&")
    assert " 2 cases " in text(as_alice.get(bob_lead))
    dee_lead = re.search(r'href="([^"]+part=lead[^"]+)"', dee_row).group(1).replace("&amp;", "&")
    assert " 1 case " in text(as_alice.get(dee_lead))


def test_coordinator_home_shows_nothing_of_another_organisation(as_alice, other_org, busy_service):
    ReferralFactory(organisation=other_org, received_on=days_ago(40))
    CaseFactory(organisation=other_org)
    page = text(as_alice.get(reverse("core:dashboard")))
    assert "2 referrals waiting" in page and "The oldest has waited 12 days" in page
    assert "2 cases without a facilitator" in page


# Facilitator ------------------------------------------------------------------------


def test_facilitator_sees_their_cases_next_steps_and_overdue_ones_marked(as_bob, org, bob, dee):
    late = CaseFactory(
        organisation=org, lead_facilitator=bob, next_step="Visit Siân", next_step_due=days_ago(2)
    )
    soon = CaseFactory(
        organisation=org,
        co_facilitator=bob,
        lead_facilitator=dee,
        next_step="Risk assessment",
        next_step_due=TODAY() + datetime.timedelta(days=4),
    )
    not_mine = CaseFactory(organisation=org, lead_facilitator=dee, next_step="Not Bob's")
    html = as_bob.get(reverse("core:dashboard")).content.decode()
    assert late.reference in html and soon.reference in html
    assert not_mine.reference not in html and "Not Bob's" not in html
    late_row = re.search(rf"{late.reference}</a></td>(.*?)</tr>", html, re.S).group(1)
    soon_row = re.search(rf"{soon.reference}</a></td>(.*?)</tr>", html, re.S).group(1)
    assert "Overdue" in late_row
    assert "Overdue" not in soon_row
    # Soonest due first.
    assert html.index(late.reference) < html.index(soon.reference)


def test_facilitator_sees_their_meetings_this_week_as_list_and_calendar(as_bob, org, bob, dee):
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    mine = MeetingFactory(
        organisation=org, case=case, facilitator=bob, scheduled_at=this_week_at(14)
    )
    MeetingFactory(
        organisation=org,
        case=case,
        facilitator=bob,
        scheduled_at=this_week_at(9),
        status=MeetingStatus.CANCELLED,
    )
    theirs = CaseFactory(organisation=org, lead_facilitator=dee)
    MeetingFactory(organisation=org, case=theirs, facilitator=dee, scheduled_at=this_week_at(11))
    html = as_bob.get(reverse("core:dashboard")).content.decode()
    detail = reverse("meetings:detail", args=[mine.pk])
    # Once in the list and once in the week calendar, under today.
    assert html.count(f'href="{detail}"') == 2
    assert theirs.reference not in html
    today_section = re.search(r'amends-week__day--today"(.*?)</section>', html, re.S).group(1)
    assert "2:00pm" in today_section and case.reference in today_section
    assert html.count("No meetings") == 6  # the other six days


def test_facilitator_sees_overdue_actions_on_their_cases_only(as_bob, org, bob, dee):
    mine = CaseFactory(organisation=org, lead_facilitator=bob)
    AgreementActionFactory(organisation=org, agreement__case=mine, due_on=days_ago(6))
    other = CaseFactory(organisation=org, lead_facilitator=dee)
    AgreementActionFactory(organisation=org, agreement__case=other, due_on=days_ago(6))
    page = text(as_bob.get(reverse("core:dashboard")))
    assert f"{mine.reference}: apology (written)" in page
    assert other.reference not in page
    assert "All 1 overdue action" in page


def test_newly_allocated_cases_say_who_allocated_them(org, alice, bob, dee):
    case = CaseFactory(organisation=org)
    case_services.case_allocate(case=case, lead=bob, co=dee, by=alice)
    page = text(signed_in(bob).get(reverse("core:dashboard")))
    assert "Newly allocated to you" in page
    assert f"{case.reference} New Allocated {TODAY():%-d %B %Y} by Alice Ashworth" in page
    assert "You are the lead facilitator" in page
    assert "You are the co-facilitator" in text(signed_in(dee).get(reverse("core:dashboard")))


def test_a_case_facilitators_allocated_to_themselves_is_not_news(org, alice, bob):
    case = CaseFactory(organisation=org)
    case_services.case_allocate(case=case, lead=bob, co=None, by=bob)
    assert "Newly allocated" not in text(signed_in(bob).get(reverse("core:dashboard")))


def test_allocations_older_than_14_days_show_only_if_not_seen_since(org, alice, bob):
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    CaseEventFactory(
        organisation=org,
        case=case,
        code="allocated",
        summary="Allocated to Bob Barraclough",
        created_by=alice,
        at=timezone.now() - datetime.timedelta(days=20),
    )
    client = signed_in(bob)
    from amends.home.models import HomeVisit

    HomeVisit.objects.create(
        user=bob, organisation=org, seen_at=timezone.now() - datetime.timedelta(days=30)
    )
    first = text(client.get(reverse("core:dashboard")))
    assert "Newly allocated" in first and case.reference in first and "New " in first
    # Having visited, the allocation is no longer news: it is older than 14 days.
    assert "Newly allocated" not in text(client.get(reverse("core:dashboard")))


# E-mail on allocation ---------------------------------------------------------------


def test_allocation_emails_the_lead_and_co_facilitator_after_it_is_saved(
    as_alice, org, bob, dee, django_capture_on_commit_callbacks
):
    case = CaseFactory(organisation=org, harm_summary="Siân's shop window was smashed")
    harmed = PartyFactory(
        organisation=org, case=case, person=PersonFactory(organisation=org, given_name="Siân")
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        as_alice.post(
            reverse("cases:allocate", args=[case.pk]),
            {"lead_facilitator": bob.pk, "co_facilitator": dee.pk},
        )
        assert mail.outbox == []  # nothing is sent before the allocation is saved
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == [bob.email, dee.email]
    for message in mail.outbox:
        assert case.reference in message.subject
        assert case.reference in message.body
        assert "Siân" not in message.body and "smashed" not in message.body
        assert harmed.person.family_name not in message.body
    to_bob = next(m for m in mail.outbox if m.to == [bob.email])
    assert "Hello Bob," in to_bob.body and "as lead facilitator" in to_bob.body


def test_no_email_to_someone_who_allocated_themself_or_who_was_already_on_the_case(
    org, alice, bob, dee, django_capture_on_commit_callbacks
):
    case = CaseFactory(organisation=org)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_allocate(case=case, lead=alice, co=bob, by=alice)
    assert [m.to for m in mail.outbox] == [[bob.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_allocate(case=case, lead=bob, co=alice, by=alice)
    assert mail.outbox == []  # the same two people, parts swapped
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_allocate(case=case, lead=bob, co=dee, by=alice)
    assert [m.to for m in mail.outbox] == [[dee.email]]


# Referrer ---------------------------------------------------------------------------


def _referral(
    org, rita, *, status=ReferralStatus.ACCEPTED, case_status=None, outcome="", agreed=False
):
    referral = ReferralFactory(
        organisation=org, referred_by=rita, status=status, received_on=days_ago(10)
    )
    if case_status is not None:
        case = CaseFactory(
            organisation=org, referral=referral, status=case_status, closure_outcome=outcome
        )
        if agreed:
            AgreementFactory(organisation=org, case=case, agreed_on=days_ago(1))
    return referral


def test_referrer_sees_a_reference_date_initials_and_the_outcome_to_record(as_rita, org, rita):
    waiting = _referral(org, rita, status=ReferralStatus.NEW)
    ReferralPersonFactory(
        organisation=org, referral=waiting, given_name="Siân", family_name="O'Brien"
    )
    ReferralPersonFactory(
        organisation=org,
        referral=waiting,
        given_name="Łukasz",
        family_name="Nowak",
        role="responsible",
    )
    rows = {
        "waiting": waiting,
        "declined": _referral(org, rita, status=ReferralStatus.DECLINED),
        "in progress": _referral(org, rita, case_status=CaseStatus.PREPARING),
        "agreement reached": _referral(
            org, rita, case_status=CaseStatus.CLOSED, outcome=ClosureOutcome.AGREEMENT_COMPLETED
        ),
        "completed without agreement": _referral(
            org,
            rita,
            case_status=CaseStatus.CLOSED,
            outcome=ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT,
        ),
        "did not proceed": _referral(
            org, rita, case_status=CaseStatus.CLOSED, outcome=ClosureOutcome.HARMED_DECLINED
        ),
    }
    monitoring = _referral(org, rita, case_status=CaseStatus.MONITORING, agreed=True)
    html = as_rita.get(reverse("core:dashboard")).content.decode()
    for word, referral in rows.items():
        row = re.search(rf"REF-{referral.pk:05d}</a>(.*?)</tr>", html, re.S).group(1)
        assert f">{word.capitalize()}</strong>" in row, word
        assert days_ago(10).strftime("%-d %b %Y") in row
    waiting_row = re.search(rf"REF-{waiting.pk:05d}</a>(.*?)</tr>", html, re.S).group(1)
    assert "SO, ŁN" in waiting_row.replace("&#x27;", "'")
    monitoring_row = re.search(rf"REF-{monitoring.pk:05d}</a>(.*?)</tr>", html, re.S).group(1)
    assert ">Agreement reached</strong>" in monitoring_row
    # Never the names, nor what happened.
    assert "Siân" not in html and "Nowak" not in html
    assert "Windows of a corner shop" not in html


def test_referrer_sees_only_their_own_referrals(as_rita, org, rita, alice):
    own = _referral(org, rita, status=ReferralStatus.NEW)
    someone_elses = ReferralFactory(organisation=org, referred_by=alice)
    html = as_rita.get(reverse("core:dashboard")).content.decode()
    assert f"REF-{own.pk:05d}" in html
    assert f"REF-{someone_elses.pk:05d}" not in html


# Viewer and trainer -----------------------------------------------------------------


def test_viewer_home_leads_to_the_reports(as_vera):
    response = as_vera.get(reverse("core:dashboard"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:index")
    page = text(response)
    assert "Reports" in page and "Returns for funders" in page


def test_trainer_home_is_their_training(org):
    trainer = _member(org, Role.TRAINER, "tomasz@northbridge.example", "Tomasz Wiśniewski")
    page = text(signed_in(trainer).get(reverse("core:dashboard")))
    assert "Hello, Tomasz" in page and "Set up training" in page


def test_invitations_offer_every_role_whose_work_is_built(as_alice):
    page = text(as_alice.get(reverse("core:member_invite")))
    for role in ("Coordinator", "Facilitator", "Referrer", "Viewer", "Trainer"):
        assert role in page
    response = as_alice.post(
        reverse("core:member_invite"), {"email": "val@northbridge.example", "role": "viewer"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == Role.VIEWER
    assert invitation.email == "val@northbridge.example"


# Greeting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "greeting"),
    [
        ("PC Priya Shah", "Hello, Priya"),
        ("Dr. Siân O'Brien", "Hello, Siân"),
        ("Łukasz Nowak", "Hello, Łukasz"),
        ("DS Amara Okafor-Jones", "Hello, Amara"),
    ],
)
def test_people_are_greeted_by_their_first_name_never_a_title(org, full_name, greeting):
    user = UserFactory(full_name=full_name)
    MembershipFactory(user=user, organisation=org, role=Role.REFERRER)
    page = text(signed_in(user).get(reverse("core:dashboard"))).replace("&#x27;", "'")
    assert greeting in page


# A fixed number of queries ----------------------------------------------------------


def _grow(org, alice, bob, dee, n: int) -> None:
    for i in range(n):
        case = CaseFactory(
            organisation=org,
            lead_facilitator=bob if i % 2 else dee,
            co_facilitator=dee if i % 2 else bob,
            next_step="Make contact",
            next_step_due=days_ago(i % 5),
        )
        MeetingFactory(
            organisation=org,
            case=case,
            facilitator=case.lead_facilitator,
            co_facilitator=case.co_facilitator,
            scheduled_at=this_week_at(8 + i % 10),
        )
        AgreementActionFactory(organisation=org, agreement__case=case, due_on=days_ago(1))
        CaseEventFactory(organisation=org, case=case, code="allocated", created_by=alice)
        referral = ReferralFactory(organisation=org)
        ReferralPersonFactory(organisation=org, referral=referral)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:dashboard")).status_code == 200
    return len(captured)


def test_each_home_page_runs_the_same_queries_with_5_or_50_cases(org, alice, bob, dee, rita):
    clients = {"coordinator": signed_in(alice), "facilitator": signed_in(bob)}
    clients["referrer"] = signed_in(rita)
    _grow(org, alice, bob, dee, 5)
    for _i in range(5):
        _referral(org, rita, case_status=CaseStatus.PREPARING)
    for client in clients.values():
        _queries(client)  # first visits record themselves
    small = {role: _queries(client) for role, client in clients.items()}
    _grow(org, alice, bob, dee, 45)
    for _i in range(45):
        ReferralPersonFactory(
            organisation=org, referral=_referral(org, rita, case_status=CaseStatus.PREPARING)
        )
    large = {role: _queries(client) for role, client in clients.items()}
    assert small == large


# The menu --------------------------------------------------------------------------


def test_a_coordinators_menu_groups_the_organisations_pages(as_alice, as_bob):
    home = as_alice.get(reverse("core:dashboard"))
    labels = [item["label"] for item in home.context["navigation"]]
    assert labels == [
        "Home",
        "Cases",
        "Overdue actions",
        "Referrals",
        "People",
        "Reports",
        "Organisation",
        "Groups",
    ]
    assert home.context["sub_navigation"] is None  # not on an organisation page
    # Each page of the group lists the others beneath the menu, marking where you are.
    for url_name in (
        "core:organisation_settings",
        "core:members",
        "practitioners:list",
        "core:audit_log",
    ):
        page = as_alice.get(reverse(url_name))
        assert page.status_code == 200
        sub = page.context["sub_navigation"]
        assert [i["label"] for i in sub["children"]] == [
            "Settings",
            "Members",
            "Practitioners",
            "Audit log",
            "Imports",
            "Messages",
            "Deliveries",
        ]
        assert [i["href"] for i in sub["children"] if i["current"]] == [reverse(url_name)]
        html = text(page)
        assert "Organisation" in html and "Audit log" in html
    # The Organisation item leads to the settings, the first of its pages.
    organisation = labels.index("Organisation")
    assert home.context["navigation"][organisation]["href"] == reverse("core:organisation_settings")
    # A facilitator has no organisation pages to group.
    bobs = [item["label"] for item in as_bob.get(reverse("core:dashboard")).context["navigation"]]
    assert "Organisation" not in bobs and "Members" not in bobs
    assert "My cases" in bobs and "My practice" in bobs
