"""`make run` loads demo data the first time and keeps it afterwards; the data reads as real.

The demo is loaded once for this module (it takes a while) inside a transaction
that is rolled back at the end.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from amends.cases.models import Case, CaseStatus
from amends.core.models import Organisation
from amends.meetings.models import Meeting, MeetingStatus
from amends.people.models import Person
from amends.referrals.models import Referral


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo_data", "--if-empty", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_demo_data_has_cases_at_every_stage_and_loads_once(demo, db):
    assert "coordinator@justice.amends-demo.example" in demo
    sector_orgs = Organisation.objects.exclude(kind="consultancy")
    assert sector_orgs.count() == 4
    for org in sector_orgs:
        statuses = set(Case.objects.filter(organisation=org).values_list("status", flat=True))
        assert statuses == set(CaseStatus.values), org.name
        assert Referral.objects.filter(organisation=org, status="new").exists()
    people = Person.objects.count()
    assert people >= 240

    again = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=again)
    assert "keeping it" in again.getvalue()
    assert Person.objects.count() == people


# Where each sector meets: (a place every venue names, any of these kinds of place)
PLACES = {
    "justice": ("", ["Police Station", "Community Centre", "Church Hall", "Library"]),
    "schools": ("Kingsmead Academy", [""]),
    "communities": ("", ["Community Centre", "Community Hall", "Riverside Homes"]),
    "prisons": ("HMP Eastwood", [""]),
}


def meetings_by_sector() -> dict[str, list[Meeting]]:
    found: dict[str, list[Meeting]] = {}
    for meeting in Meeting.objects.select_related("organisation"):
        found.setdefault(meeting.organisation.sectors[0], []).append(meeting)
    return found


def test_each_sector_meets_at_its_own_kind_of_place(demo, db):
    by_sector = meetings_by_sector()
    assert set(by_sector) == set(PLACES)
    for sector, meetings in by_sector.items():
        every, kinds = PLACES[sector]
        for meeting in meetings:
            assert every in meeting.venue, (sector, meeting.venue)
            assert any(kind in meeting.venue for kind in kinds), (sector, meeting.venue)
    # Not one venue for everything.
    assert len({m.venue for ms in by_sector.values() for m in ms}) >= 8


def test_meetings_are_on_weekdays_in_working_hours(demo, db):
    for sector, meetings in meetings_by_sector().items():
        for meeting in meetings:
            local = timezone.localtime(meeting.scheduled_at)
            assert local.weekday() < 5, (sector, local)
            earliest, latest = {
                # school hours, and the prison regime's sessions
                "schools": (datetime.time(9), datetime.time(14, 30)),
                "prisons": (datetime.time(9), datetime.time(15)),
            }.get(sector, (datetime.time(9), datetime.time(16)))
            assert earliest <= local.time() <= latest, (sector, local)


def test_held_meetings_are_past_and_arranged_ones_future(demo, db):
    now = timezone.now()
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    arranged = Meeting.objects.filter(status=MeetingStatus.ARRANGED)
    assert held.exists() and arranged.exists()
    for meeting in held:
        assert meeting.created_at < meeting.scheduled_at < now, meeting
        assert meeting.scheduled_at <= meeting.held_at < now, meeting
        # The case was opened, prepared and agreed around it in the right order.
        assert meeting.case.opened_on < timezone.localdate(meeting.scheduled_at)
        # Some meetings end without an agreement; one made is dated the meeting's day.
        agreement = getattr(meeting.case, "agreement", None)
        if agreement is not None:
            assert agreement.agreed_on == timezone.localdate(meeting.scheduled_at)
    for meeting in arranged:
        assert meeting.created_at <= now < meeting.scheduled_at, meeting
    # Consent and risk were recorded before each meeting, not on the day it was loaded.
    for meeting in Meeting.objects.select_related("case"):
        assessed = meeting.case.risk_assessments.order_by("assessed_on").first()
        assert assessed.assessed_on <= timezone.localdate(meeting.scheduled_at)


def test_names_are_as_varied_as_a_british_population(demo, db):
    people = list(Person.objects.all())
    given = {p.given_name for p in people}
    family = {p.family_name for p in people}
    everyone = {f"{p.given_name} {p.family_name}" for p in people}
    assert len(given) >= 80 and len(family) >= 60
    # Accents and apostrophes survive: Siân, Łukasz, Zoë, O'Brien, Ní Bhriain.
    assert any(not n.isascii() for n in everyone)
    assert any("'" in n for n in family)
    assert any(n.startswith(("Ní ", "Ó ")) for n in family)
    # Welsh, Irish, Polish, South Asian and Caribbean names all appear.
    for group in [
        {"Jones", "Llewellyn", "Pritchard", "ap Gwilym", "Prys", "Vaughan", "Rees"},
        {"O'Brien", "O'Neill", "Murphy", "McCarthy", "D'Arcy", "O'Sullivan", "Doyle"},
        {"Kowalska", "Kowalski", "Nowak", "Wójcik", "Wiśniewski", "Wiśniewska"},
        {"Patel", "Begum", "Hussain", "Iqbal", "Singh", "Kaur", "Chaudhry", "Ahmed"},
        {"Campbell", "Thompson", "Clarke", "Bailey", "Grant", "Francis", "Samuels"},
    ]:
        assert family & group, group


def test_demo_e_mail_addresses_are_valid_whatever_the_name(demo, db):
    people = [p for p in Person.objects.all() if p.email]
    assert len(people) >= 240
    for person in people:
        try:
            validate_email(person.email)
        except ValidationError:
            pytest.fail(f"{person.given_name} {person.family_name}: {person.email}")
        assert re.fullmatch(r"[a-z0-9.]+@example\.org", person.email), person.email


def test_the_facilitator_of_two_services_signs_in_to_the_one_their_address_names(demo, db):
    from amends.accounts.models import User
    from tests.conftest import signed_in

    facilitator = User.objects.get(email="facilitator@justice.amends-demo.example")
    assert facilitator.memberships.count() == 2
    response = signed_in(facilitator).get("/", follow=True)
    assert response.wsgi_request.membership.organisation.name == (
        "Northbridge Police Restorative Justice Hub"
    )
    assert "Hello, Gareth" in response.content.decode()


def test_a_demo_referrer_finds_their_referrals_at_every_stage(demo, db):
    from amends.accounts.models import User
    from tests.conftest import signed_in

    referrer = User.objects.get(email="referrer@justice.amends-demo.example")
    theirs = Referral.objects.filter(referred_by=referrer)
    assert theirs.count() >= 4
    page = signed_in(referrer).get("/", follow=True).content.decode()
    assert "You have not made any referrals yet" not in page
    assert "agreement reached" in page.lower()


def test_demo_training_has_every_stage_of_a_course(demo, db):
    from amends.training.models import Certificate, Enrolment, Programme
    from amends.training.services import completed_training_for

    consultancy = Organisation.objects.get(kind="consultancy")
    assert Programme.objects.filter(organisation=consultancy).count() == 4
    statuses = set(Enrolment.objects.values_list("status", flat=True))
    assert {"enrolled", "waiting", "offered", "withdrawn", "completed", "not_completed"} <= statuses
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1
    # Each demo facilitator completed the practitioner course of each sector they work in
    # (this one works for the justice hub and the prison).
    trained = completed_training_for("facilitator@justice.amends-demo.example")
    assert {(t.sector, t.level) for t in trained} == {
        ("justice", "practitioner"),
        ("prisons", "practitioner"),
    }


def test_the_demo_prison_holds_its_prisoners_and_waits_for_a_visitors_clearance(demo, db):
    from amends.custody.models import CaseTransfer, ConductRecord, PersonCustody, VisitorClearance
    from amends.custody.services import with_release_warning
    from amends.meetings.services import meeting_problems
    from amends.people.models import IdentifierKind, PersonIdentifier

    prison = Organisation.objects.get(name="HMP Eastwood")
    held = PersonCustody.objects.filter(organisation=prison)
    assert held.count() >= 10 and not held.exclude(wing="").filter(wing="").exists()
    numbers = PersonIdentifier.objects.filter(
        person__in=held.values("person"), kind=IdentifierKind.PRISONER_NUMBER
    ).values_list("value", flat=True)
    assert numbers and all(re.fullmatch(r"[A-Z]\d{4}[A-Z]{2}", n) for n in numbers)
    waiting = VisitorClearance.objects.get(organisation=prison, stage="vetting_submitted")
    meeting = waiting.case.meetings.get(status=MeetingStatus.ARRANGED)
    assert meeting.attendees.count() == 6
    assert meeting_problems(meeting) == [
        f"{waiting.party.person.full_name} is coming in from outside and security has not "
        f"cleared their visit yet (the last step was “security vetting submitted” on "
        f"{waiting.stage_on:%-d %B %Y})"
    ]
    assert CaseTransfer.objects.filter(organisation=prison, direction="out").exists()
    assert with_release_warning(Case.objects.filter(organisation=prison)).exists()
    assert ConductRecord.objects.filter(organisation=prison, period="after").exists()
