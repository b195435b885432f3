"""The demo prison's custody records, made through the same services people use.

HMP Eastwood's prisoners are held on wings with prison numbers; a conference of six waits
for one visitor's security clearance; one case was transferred out; one has an agreement
action due after the prisoner's release; closed cases have conduct figures before and
after. Used only by the demo_data command. Names and stories are invented.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from amends.accounts.models import User
from amends.cases import services as cases
from amends.cases.models import Case, CaseStatus, PartyRole, ProcessType
from amends.core.models import Membership, Organisation, Role
from amends.custody import services as custody
from amends.custody.models import ClearanceStep, ConductPeriod
from amends.demo.cases import _at, _prepare, _weekday
from amends.meetings import services as meetings
from amends.people.models import IdentifierKind, Person, PersonIdentifier
from amends.referrals.models import HarmType

WINGS = ["A wing", "B wing", "C wing", "D wing", "Houseblock 4"]
SEED = "custody-20261128"


def load_demo_custody(organisation: Organisation) -> None:
    rng = random.Random(SEED)  # deterministic demo data, not security
    members = Membership.objects.filter(organisation=organisation).select_related("user")
    coordinator = next(m.user for m in members if m.role == Role.COORDINATOR)
    facilitators = [m.user for m in members if m.role == Role.FACILITATOR]
    today = timezone.localdate()
    _where_held(organisation, coordinator, rng)
    _conference_waiting_for_clearance(organisation, coordinator, facilitators[-1], today)
    _transfer_and_release(organisation, coordinator, today)
    _conduct(organisation, coordinator, rng)


def _where_held(organisation: Organisation, by: User, rng: random.Random) -> None:
    """Every prisoner in a case (a person responsible) is held on a wing here."""
    numbers = dict(
        PersonIdentifier.objects.filter(
            organisation=organisation, kind=IdentifierKind.PRISONER_NUMBER
        ).values_list("person_id", "value")
    )
    prisoners = Person.objects.filter(
        organisation=organisation, parties__role=PartyRole.RESPONSIBLE
    ).distinct()
    for n, person in enumerate(prisoners.order_by("pk")):
        custody.person_custody_save(
            person=person,
            by=by,
            establishment=organisation.name,
            wing=rng.choice(WINGS),
            cell=f"{rng.randint(1, 4)}-{rng.randint(1, 30):02d}",
            prison_number=numbers.get(person.pk, ""),
            crn=f"{'EKLMNX'[n % 6]}{rng.randint(100000, 999999)}" if n % 3 else "",
        )


def _person(organisation: Organisation, given: str, family: str, **extra: object) -> Person:
    return Person.objects.create(
        organisation=organisation, given_name=given, family_name=family, **extra
    )


def _conference_waiting_for_clearance(
    organisation: Organisation, coordinator: User, lead: User, today: datetime.date
) -> None:
    """A conference of six: the prisoner and his key worker from inside; the woman he
    harmed, her brother and a probation officer from outside, and the chaplain. Two
    visitors are cleared; Siân's vetting is still with security, so it cannot be held."""
    harm_type = HarmType.objects.get(organisation=organisation, name="Harm done before custody")
    case = cases.case_open(
        organisation=organisation,
        by=coordinator,
        sector="prisons",
        harm_summary="A burglary of Siân's home two years ago, before his sentence. "
        "He has asked, through the prison's restorative justice team, to meet her; she wants to ask him why.",
        harm_type=harm_type,
        planned_process=ProcessType.CONFERENCE,
    )
    Case.objects.filter(pk=case.pk).update(opened_on=today - datetime.timedelta(days=40))
    cases.case_allocate(case=case, lead=lead, co=None, by=coordinator)
    prisoner = _person(organisation, "Callum", "Ó Briain", date_of_birth=datetime.date(1994, 3, 9))
    custody.person_custody_save(
        person=prisoner,
        by=coordinator,
        establishment=organisation.name,
        wing="C wing",
        cell="3-14",
        prison_number="A4821CE",
        crn="E482103",
    )
    responsible = cases.party_add(case=case, person=prisoner, role=PartyRole.RESPONSIBLE, by=lead)
    harmed = cases.party_add(
        case=case,
        person=_person(organisation, "Siân", "O'Connor"),
        role=PartyRole.HARMED,
        by=lead,
    )
    brother = cases.party_add(
        case=case,
        person=_person(organisation, "Dónal", "O'Connor"),
        role=PartyRole.SUPPORTER,
        supports=harmed,
        by=lead,
    )
    key_worker = cases.party_add(
        case=case,
        person=_person(organisation, "Marcus", "Adeyemi-Clarke"),
        role=PartyRole.SUPPORTER,
        supports=responsible,
        by=lead,
    )
    probation = cases.party_add(
        case=case,
        person=_person(organisation, "Zoë", "Ní Bhriain"),
        role=PartyRole.PROFESSIONAL,
        by=lead,
    )
    cases.party_add(
        case=case,
        person=_person(organisation, "Tomás", "Ruiz-Whitfield"),
        role=PartyRole.COMMUNITY,
        by=lead,
    )
    _prepare(case, lead, today - datetime.timedelta(days=20), random.Random(SEED))
    meeting_day = _weekday(today + datetime.timedelta(days=9))
    release_on = today + datetime.timedelta(days=150)
    custody.release_date_set(case=case, by=coordinator, release_on=release_on)
    meetings.meeting_arrange(
        case=case,
        by=lead,
        process=ProcessType.CONFERENCE,
        scheduled_at=_at(meeting_day, (10, 0)),
        venue="Multi-faith room, HMP Eastwood",
        facilitator=lead,
        co_facilitator=None,
        attendees=list(case.parties.all()),
    )
    steps = [
        ClearanceStep.APPLICATION_RECEIVED,
        ClearanceStep.ID_CHECKED,
        ClearanceStep.VETTING_SUBMITTED,
        ClearanceStep.CLEARED,
    ]
    for visitor, last in [(brother, 4), (probation, 4), (harmed, 3)]:
        for n, step in enumerate(steps[:last]):
            custody.clearance_step_record(
                case=case,
                party=visitor,
                by=coordinator,
                step=step,
                taken_on=today - datetime.timedelta(days=18 - 4 * n),
                note="Security ref. EW/VIS/2026/0417"
                if step == ClearanceStep.VETTING_SUBMITTED
                else "",
            )
    del key_worker  # inside already: no clearance


def _transfer_and_release(
    organisation: Organisation, coordinator: User, today: datetime.date
) -> None:
    """One case being prepared was transferred to HMP Moorgate (not on Amends); one with an
    agreement being followed up has an action due after the prisoner's release."""
    preparing = (
        Case.objects.filter(organisation=organisation, status=CaseStatus.PREPARING)
        .order_by("pk")
        .first()
    )
    if preparing is not None:
        custody.case_transfer(
            case=preparing,
            by=coordinator,
            transferred_on=max(preparing.opened_on, today - datetime.timedelta(days=2)),
            establishment="HMP Moorgate",
        )
    following = (
        Case.objects.filter(organisation=organisation, status=CaseStatus.MONITORING)
        .filter(actions__status="open", actions__due_on__gt=today + datetime.timedelta(days=3))
        .order_by("pk")
        .first()
    )
    if following is not None:
        due = following.actions.filter(status="open").order_by("-due_on").first()
        assert due is not None
        custody.release_date_set(
            case=following,
            by=coordinator,
            release_on=due.due_on - datetime.timedelta(days=3),
        )


def _conduct(organisation: Organisation, coordinator: User, rng: random.Random) -> None:
    """Conduct six months before and after for prisoners in closed cases: fewer adjudications
    and fights after, for most."""
    closed = Case.objects.filter(organisation=organisation, status=CaseStatus.CLOSED)
    for case in closed.order_by("pk"):
        for party in case.parties.filter(role=PartyRole.RESPONSIBLE):
            before = rng.randint(1, 6), rng.randint(0, 3)
            after = max(0, before[0] - rng.randint(0, 4)), max(0, before[1] - rng.randint(0, 2))
            for period, (adjudications, violent) in [
                (ConductPeriod.BEFORE, before),
                (ConductPeriod.AFTER, after),
            ]:
                custody.conduct_record_save(
                    case=case,
                    party=party,
                    by=coordinator,
                    period=period,
                    months=6,
                    adjudications=adjudications,
                    violent_incidents=violent,
                )
