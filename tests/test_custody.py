"""Prisons: where a prisoner is held, release dates, transfers, visitors' security
clearance and conduct before and after — with the case engine's own rules around them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import PartyRole
from amends.core.concurrency import version_of
from amends.core.models import AuditEvent, OrganisationKind, Sector
from amends.custody import services
from amends.custody.figures import conduct_before_after, victim_contact
from amends.custody.models import (
    CaseTransfer,
    ClearanceStep,
    ConductPeriod,
    PersonCustody,
    TransferDirection,
    VisitorClearance,
)
from amends.meetings import services as meetings
from amends.people.models import IdentifierKind, PersonIdentifier
from amends.referrals.models import Referral
from amends.reports.filters import ReportFilter
from tests.conftest import _member, signed_in
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    CaseFactory,
    ConsentRecordFactory,
    HarmTypeFactory,
    OrganisationFactory,
    PartyFactory,
    PersonFactory,
    RiskAssessmentFactory,
)

TODAY = timezone.localdate()


@pytest.fixture
def prison(org):
    """Northbridge, for these tests, is a prison's restorative justice service."""
    org.kind = OrganisationKind.PRISON
    org.sectors = [Sector.PRISONS]
    org.save()
    return org


@pytest.fixture
def prison_case(prison, bob):
    return CaseFactory(organisation=prison, lead_facilitator=bob, sector=Sector.PRISONS)


@pytest.fixture
def prisoner(prison_case):
    person = PersonFactory(
        organisation=prison_case.organisation, given_name="Rhys", family_name="Ap Dafydd"
    )
    return PartyFactory(
        organisation=prison_case.organisation,
        case=prison_case,
        person=person,
        role=PartyRole.RESPONSIBLE,
    )


@pytest.fixture
def visitor(prison_case):
    person = PersonFactory(
        organisation=prison_case.organisation, given_name="Siân", family_name="O'Connor"
    )
    return PartyFactory(
        organisation=prison_case.organisation,
        case=prison_case,
        person=person,
        role=PartyRole.HARMED,
    )


def _ready(case, *parties):
    """Consent for a face-to-face meeting from each party, and a risk assessment allowing it."""
    for party in parties:
        ConsentRecordFactory(organisation=case.organisation, party=party)
        ConsentRecordFactory(organisation=case.organisation, party=party, scope="direct_meeting")
    RiskAssessmentFactory(organisation=case.organisation, case=case)


def _conference(case, bob, *parties, when=None):
    return meetings.meeting_arrange(
        case=case,
        by=bob,
        process="conference",
        scheduled_at=when or timezone.now() - datetime.timedelta(hours=1),
        venue="Chapel, HMP Northbridge",
        facilitator=bob,
        co_facilitator=None,
        attendees=list(parties),
    )


# Where a prisoner is held: prison number and CRN ---------------------------------------


def _custody_form(**overrides):
    data = {
        "establishment": "HMP Northbridge",
        "wing": "C wing",
        "cell": "3-14",
        "prison_number": "a1234bc",
        "crn": "x123456",
    }
    return data | overrides


def test_where_held_is_saved_with_the_numbers_in_capitals(prison, prisoner, as_alice):
    url = reverse("custody:person", args=[prisoner.person_id])
    response = as_alice.post(url, _custody_form(prison_number=" a 1234 bc "))
    assert response.status_code == 302
    custody = PersonCustody.objects.get(person=prisoner.person)
    assert (custody.wing, custody.cell, custody.crn) == ("C wing", "3-14", "X123456")
    number = PersonIdentifier.objects.get(
        person=prisoner.person, kind=IdentifierKind.PRISONER_NUMBER
    )
    assert number.value == "A1234BC"
    page = as_alice.get(reverse("people:detail", args=[prisoner.person_id])).content.decode()
    assert "A1234BC" in page and "X123456" in page and "C wing, cell 3-14" in page
    assert AuditEvent.objects.filter(record_type="personcustody", action="create").exists()
    # Changing the number replaces it: a prisoner has one prison number.
    as_alice.post(url, _custody_form(prison_number="B9876CD"))
    values = PersonIdentifier.objects.filter(person=prisoner.person).values_list("value", flat=True)
    assert list(values) == ["B9876CD"]


@pytest.mark.parametrize(
    "bad", ["A123BC", "12345BC", "A1234B", "A1234BCD", "AB234CD", "A12C4BC", "A1234-BC", "Ä1234BC"]
)
def test_a_prison_number_in_the_wrong_form_is_refused_at_its_field(prison, prisoner, as_alice, bad):
    response = as_alice.post(
        reverse("custody:person", args=[prisoner.person_id]), _custody_form(prison_number=bad)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Enter a prison number in the correct format: one letter, four digits and two letters, like A1234BC"
        in page
    )
    assert 'href="#id_prison_number"' in page  # the error summary links to the field
    assert not PersonCustody.objects.exists()
    assert not PersonIdentifier.objects.filter(person=prisoner.person).exists()


@pytest.mark.parametrize("bad", ["X12345", "X1234567", "123456X", "XX23456", "X12345A", "X-123456"])
def test_a_crn_in_the_wrong_form_is_refused_and_nothing_is_saved(prison, prisoner, as_alice, bad):
    response = as_alice.post(
        reverse("custody:person", args=[prisoner.person_id]), _custody_form(crn=bad)
    )
    assert response.status_code == 200
    assert "one letter and six digits, like X123456" in response.content.decode()
    assert not PersonCustody.objects.exists()
    assert not PersonIdentifier.objects.filter(person=prisoner.person).exists()


def test_a_prison_number_held_by_someone_else_is_refused(prison, prisoner, visitor, alice):
    PersonIdentifier.objects.create(
        organisation=prison,
        person=visitor.person,
        kind=IdentifierKind.PRISONER_NUMBER,
        value="A1234BC",
    )
    with pytest.raises(ValidationError, match="already recorded for someone else"):
        services.person_custody_save(
            person=prisoner.person,
            by=alice,
            establishment="HMP Northbridge",
            wing="",
            cell="",
            prison_number="a1234bc",
            crn="",
        )
    assert not PersonCustody.objects.exists()


def test_another_organisations_prisoner_is_a_404(prison, prisoner, charlie, as_charlie):
    other = charlie.memberships.get().organisation
    other.sectors = [Sector.PRISONS]
    other.save()
    url = reverse("custody:person", args=[prisoner.person_id])
    assert as_charlie.get(url).status_code == 404
    assert as_charlie.post(url, _custody_form()).status_code == 404
    assert not PersonCustody.objects.exists()


def test_custody_pages_do_not_exist_outside_a_prison(org, case, harmed, as_alice):
    """A justice service (or a school) has no 'where held': the page is not there."""
    assert as_alice.get(reverse("custody:person", args=[harmed.person_id])).status_code == 404
    assert as_alice.get(reverse("custody:release", args=[case.pk])).status_code == 404
    page = as_alice.get(reverse("people:detail", args=[harmed.person_id])).content.decode()
    assert "Where held" not in page and "prison" not in page.lower()


# Release date -------------------------------------------------------------------------


def test_a_release_date_before_a_planned_meeting_is_warned_about(
    prison, prison_case, prisoner, visitor, bob, as_alice
):
    meeting = _conference(
        prison_case, bob, prisoner, visitor, when=timezone.now() + datetime.timedelta(days=30)
    )
    release_on = TODAY + datetime.timedelta(days=10)
    response = as_alice.post(
        reverse("custody:release", args=[prison_case.pk]),
        {
            "release_on_0": release_on.day,
            "release_on_1": release_on.month,
            "release_on_2": release_on.year,
        },
    )
    assert response.status_code == 302
    page = as_alice.get(reverse("cases:detail", args=[prison_case.pk])).content.decode()
    assert "Work is planned after the release date." in page
    assert f"is after the release date ({release_on:%-d %B %Y})" in page
    # The coordinator's list of cases flags it, and so does the custody page.
    listing = as_alice.get(reverse("cases:list")).content.decode()
    assert "Planned after release" in listing
    overview = as_alice.get(reverse("custody:overview")).content.decode()
    assert prison_case.reference in overview
    # Bringing the meeting forward clears the warning.
    meetings.meeting_change(
        meeting=meeting,
        by=bob,
        loaded_version=version_of(meeting),
        scheduled_at=timezone.now() + datetime.timedelta(days=5),
        venue=meeting.venue,
        facilitator=bob,
        co_facilitator=None,
        attendees=[prisoner, visitor],
    )
    assert services.release_warnings(prison_case) == []
    assert "Planned after release" not in as_alice.get(reverse("cases:list")).content.decode()


def test_an_agreement_action_due_after_release_is_warned_about(
    prison, prison_case, prisoner, alice
):
    agreement = AgreementFactory(organisation=prison, case=prison_case)
    AgreementActionFactory(
        organisation=prison,
        agreement=agreement,
        case=prison_case,
        owner=prisoner,
        due_on=TODAY + datetime.timedelta(days=60),
    )
    services.release_date_set(
        case=prison_case, by=alice, release_on=TODAY + datetime.timedelta(days=20)
    )
    [warning] = services.release_warnings(prison_case)
    assert warning.startswith("Rhys Ap Dafydd's action")
    assert "after the release date" in warning
    assert prison_case.events.filter(code="release_date_set").exists()


# Transfers -----------------------------------------------------------------------------


@pytest.fixture
def receiving(db):
    other = OrganisationFactory(
        name="HMP Moorgate", kind=OrganisationKind.PRISON, sectors=[Sector.PRISONS]
    )
    HarmTypeFactory(organisation=other, name="Other")
    return other


def test_a_transfer_hands_the_prisoner_on_and_keeps_the_rest_sealed(
    prison, prison_case, prisoner, visitor, alice, as_alice, receiving
):
    PersonIdentifier.objects.create(
        organisation=prison,
        person=prisoner.person,
        kind=IdentifierKind.PRISONER_NUMBER,
        value="A1234BC",
    )
    day = TODAY
    response = as_alice.post(
        reverse("custody:transfer", args=[prison_case.pk]),
        {
            "receiver": str(receiving.pk),
            "transferred_on_0": day.day,
            "transferred_on_1": day.month,
            "transferred_on_2": day.year,
        },
    )
    assert response.status_code == 302
    out = CaseTransfer.objects.get(direction=TransferDirection.OUT)
    assert (out.organisation, out.case, out.establishment) == (prison, prison_case, "HMP Moorgate")
    # On the sending side: the case is marked transferred out, on its page and timeline.
    page = as_alice.get(reverse("cases:detail", args=[prison_case.pk])).content.decode()
    assert "Transferred out" in page and "HMP Moorgate" in page
    prison_case.refresh_from_db()
    assert prison_case.next_step.startswith("Close the case: the prisoner was transferred")
    assert prison_case.events.filter(code="transferred_out").exists()
    # On the receiving side: a record and a referral naming the prisoner, and nothing of the harmed.
    arrived = CaseTransfer.objects.get(direction=TransferDirection.IN)
    assert arrived.organisation == receiving and arrived.other_organisation == prison
    referral = Referral.objects.get(organisation=receiving)
    proposed = list(
        referral.people.values_list("given_name", "family_name", "role", "identifier_value")
    )
    assert proposed == [("Rhys", "Ap Dafydd", "responsible", "A1234BC")]
    assert (
        "Siân" not in referral.incident_summary
        and prison_case.harm_summary not in referral.incident_summary
    )
    # Both sides are audited, each in its own organisation's log.
    assert AuditEvent.objects.filter(organisation=prison, record_type="casetransfer").exists()
    assert AuditEvent.objects.filter(organisation=receiving, record_type="casetransfer").exists()
    # A second transfer of the same case is refused.
    with pytest.raises(ValidationError, match="already been transferred"):
        services.case_transfer(
            case=prison_case, by=alice, transferred_on=TODAY, establishment="HMP Leeds"
        )


def test_a_transfer_elsewhere_needs_a_name_and_a_past_date(prison, prison_case, prisoner, as_alice):
    # A consultancy that trains prisons is no establishment: a prisoner cannot go there.
    OrganisationFactory(
        name="Meadowbank Consultancy", kind=OrganisationKind.CONSULTANCY, sectors=[Sector.PRISONS]
    )
    form = as_alice.get(reverse("custody:transfer", args=[prison_case.pk])).content.decode()
    assert "Meadowbank" not in form and "Another establishment" in form
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = as_alice.post(
        reverse("custody:transfer", args=[prison_case.pk]),
        {
            "receiver": "elsewhere",
            "establishment": "",
            "transferred_on_0": tomorrow.day,
            "transferred_on_1": tomorrow.month,
            "transferred_on_2": tomorrow.year,
        },
    )
    page = response.content.decode()
    assert "Enter the name of the establishment" in page
    assert "Date of transfer must be today or in the past" in page
    assert not CaseTransfer.objects.exists()


def test_a_facilitator_cannot_transfer_a_case(prison, prison_case, as_bob):
    assert as_bob.get(reverse("custody:transfer", args=[prison_case.pk])).status_code == 404


# Visitors' security clearance ----------------------------------------------------------


def test_a_meeting_with_a_visitor_waits_for_their_clearance(
    prison, prison_case, prisoner, visitor, bob
):
    _ready(prison_case, prisoner, visitor)
    meeting = _conference(prison_case, bob, prisoner, visitor)
    for step, day in [
        (ClearanceStep.APPLICATION_RECEIVED, 9),
        (ClearanceStep.ID_CHECKED, 7),
        (ClearanceStep.VETTING_SUBMITTED, 5),
    ]:
        services.clearance_step_record(
            case=prison_case,
            party=visitor,
            by=bob,
            step=step,
            taken_on=TODAY - datetime.timedelta(days=day),
        )
    with pytest.raises(ValidationError) as refused:
        meetings.meeting_mark_held(meeting=meeting, by=bob, duration_minutes=90)
    assert (
        "Siân O'Connor is coming in from outside and security has not cleared their visit yet"
        in str(refused.value)
    )
    meeting.refresh_from_db()
    assert meeting.status == "arranged"
    services.clearance_step_record(
        case=prison_case, party=visitor, by=bob, step=ClearanceStep.CLEARED, taken_on=TODAY
    )
    meetings.meeting_mark_held(meeting=meeting, by=bob, duration_minutes=90)
    meeting.refresh_from_db()
    assert meeting.status == "held"
    steps = VisitorClearance.objects.get(party=visitor).steps.values_list("step", flat=True)
    assert list(steps) == ["application_received", "id_checked", "vetting_submitted", "cleared"]


def test_a_refused_visitor_is_told_plainly_and_the_meeting_stays_unheld(
    prison, prison_case, prisoner, visitor, bob, as_bob
):
    _ready(prison_case, prisoner, visitor)
    meeting = _conference(prison_case, bob, prisoner, visitor)
    services.clearance_step_record(
        case=prison_case, party=visitor, by=bob, step=ClearanceStep.REFUSED, taken_on=TODAY
    )
    page = as_bob.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "security refused their clearance" in page
    response = as_bob.post(
        reverse("meetings:mark_held", args=[meeting.pk]),
        {
            "held_on_0": TODAY.day,
            "held_on_1": TODAY.month,
            "held_on_2": TODAY.year,
            "held_time": timezone.localtime(meeting.scheduled_at).strftime("%H:%M"),
            "attended": [prisoner.pk, visitor.pk],
            "duration_minutes": "60",
        },
    )
    assert "security refused their clearance" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "arranged"


def test_letters_carried_need_no_clearance(prison, prison_case, prisoner, visitor, bob):
    meeting = _conference(prison_case, bob, prisoner, visitor)
    meeting.process = "letter_exchange"
    services.clearance_step_record(
        case=prison_case,
        party=visitor,
        by=bob,
        step=ClearanceStep.APPLICATION_RECEIVED,
        taken_on=TODAY,
    )
    assert services.visitors_not_cleared(meeting, [prisoner, visitor]) == []


def test_clearance_steps_are_checked(prison, prison_case, prisoner, visitor, bob, as_bob):
    url = reverse("custody:clearance", args=[prison_case.pk, visitor.pk])
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = as_bob.post(
        url,
        {
            "step": "cleared",
            "taken_on_0": tomorrow.day,
            "taken_on_1": tomorrow.month,
            "taken_on_2": tomorrow.year,
        },
    )
    assert "Date must be today or in the past" in response.content.decode()
    services.clearance_step_record(
        case=prison_case, party=visitor, by=bob, step="id_checked", taken_on=TODAY
    )
    earlier = TODAY - datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="on or after the last step"):
        services.clearance_step_record(
            case=prison_case, party=visitor, by=bob, step="cleared", taken_on=earlier
        )
    assert VisitorClearance.objects.get().stage == "id_checked"


def test_another_organisation_cannot_see_a_visitors_clearance(
    prison, prison_case, visitor, as_charlie
):
    url = reverse("custody:clearance", args=[prison_case.pk, visitor.pk])
    assert as_charlie.get(url).status_code == 404
    assert as_charlie.post(url, {"step": "cleared"}).status_code == 404
    assert not VisitorClearance.objects.exists()


# Conduct before and after, and the report ----------------------------------------------


def test_conduct_figures_are_entered_and_reported_without_names(
    prison, prison_case, prisoner, visitor, bob, as_alice
):
    for period, adjudications, violent in [
        (ConductPeriod.BEFORE, 6, 3),
        (ConductPeriod.AFTER, 1, 0),
    ]:
        response = as_alice.post(
            reverse("custody:conduct", args=[prison_case.pk]),
            {
                "party": prisoner.pk,
                "period": period,
                "months": 6,
                "adjudications": adjudications,
                "violent_incidents": violent,
            },
        )
        assert response.status_code == 302
    bad = as_alice.post(
        reverse("custody:conduct", args=[prison_case.pk]),
        {
            "party": prisoner.pk,
            "period": "after",
            "months": 30,
            "adjudications": -1,
            "violent_incidents": "two",
        },
    ).content.decode()
    assert "The number of months must be between 1 and 24" in bad
    assert "Adjudications must be between 0 and 200" in bad
    assert "Violent incidents must be a whole number, like 1" in bad
    prison_case.status = "closed"
    prison_case.closed_at = timezone.now()
    prison_case.save()
    period = ReportFilter(start=TODAY - datetime.timedelta(days=30), end=TODAY)
    table = conduct_before_after([prison.pk], period)
    assert [[c.value for c in row[1:]] for row in table.rows] == [[6, 1], [3, 0]]
    assert {k: c.value for k, c in table.summary}["People with both periods entered"] == 1
    page = as_alice.get(reverse("reports:custody")).content.decode()
    assert "Adjudications and violent incidents, before and after" in page
    assert "Rhys" not in page


def test_victim_contact_counts_cases_in_one_query_each(
    prison, prison_case, visitor, django_assert_max_num_queries
):
    from tests.factories import ContactLogEntryFactory

    ContactLogEntryFactory(organisation=prison, case=prison_case, party=visitor, outcome="reached")
    period = ReportFilter(start=TODAY - datetime.timedelta(days=30), end=TODAY)
    with django_assert_max_num_queries(3):
        table = victim_contact([prison.pk], period)
    assert table.rows[0][1].value == 1


def test_the_prison_report_is_only_a_prisons(org, as_alice):
    assert as_alice.get(reverse("reports:custody")).status_code == 404
    assert "Prisons:" not in as_alice.get(reverse("reports:index")).content.decode()
    assert (
        "adjudication" not in as_alice.get(reverse("reports:dictionary")).content.decode().lower()
    )


def test_a_coordinator_of_a_prison_sees_custody_in_the_menu(prison, as_alice):
    page = as_alice.get(reverse("core:dashboard"), follow=True).content.decode()
    assert 'href="/custody/"' in page


def test_facilitators_see_where_their_people_are_held(prison, prison_case, prisoner, as_bob, org):
    other = _member(org, "facilitator", "dee2@northbridge.example", "Dee Dobson")
    url = reverse("custody:person", args=[prisoner.person_id])
    assert as_bob.get(url).status_code == 200
    assert signed_in(other).get(url).status_code == 404
