"""Demo cases at every stage, made through the same services people use.

Used only by the demo_data command. Stories are invented and generic.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from amends.accounts.models import User
from amends.agreements import services as agreements
from amends.agreements.forms import agreement_version
from amends.cases import services as cases
from amends.cases.models import Case, ClosureOutcome, Party, PartyRole, ProcessType, RiskDecision
from amends.core.concurrency import version_of
from amends.core.models import Organisation
from amends.demo.names import given_name
from amends.meetings import services as meetings
from amends.meetings.models import Meeting
from amends.people.models import Person
from amends.referrals import services as referrals
from amends.referrals.models import HarmType

STORIES: dict[str, list[tuple[str, str, str, str]]] = {
    # sector: (harm type, summary, justice stage, process)
    "justice": [
        (
            "Criminal damage",
            "Windows of a corner shop broken late on a Friday night.",
            "out_of_court",
            ProcessType.CONFERENCE,
        ),
        (
            "Burglary",
            "Garden shed broken into and tools taken.",
            "pre_sentence",
            ProcessType.MEDIATION_DIRECT,
        ),
        (
            "Theft",
            "Bicycle taken from outside a block of flats.",
            "out_of_court",
            ProcessType.SHUTTLE,
        ),
        (
            "Violence",
            "Assault outside a takeaway after an argument.",
            "post_sentence_community",
            ProcessType.CONFERENCE,
        ),
        (
            "Hate incident",
            "Abuse shouted at a neighbour because of their religion.",
            "out_of_court",
            ProcessType.LETTER_EXCHANGE,
        ),
    ],
    "schools": [
        (
            "Bullying",
            "Name-calling in the Year 9 corridor over several weeks.",
            "not_a_crime",
            ProcessType.CONVERSATION,
        ),
        (
            "Online harm or messages",
            "Embarrassing photo shared in a class group chat.",
            "not_a_crime",
            ProcessType.CONFERENCE,
        ),
        (
            "Fighting or physical harm",
            "Fight on the playing field at lunchtime.",
            "not_a_crime",
            ProcessType.RESPONSIVE_CIRCLE,
        ),
        (
            "Damage to property",
            "Graffiti on the science block.",
            "not_a_crime",
            ProcessType.CONFERENCE,
        ),
        (
            "Taking belongings",
            "Phone taken from a PE changing room.",
            "not_a_crime",
            ProcessType.MEDIATION_DIRECT,
        ),
    ],
    "communities": [
        (
            "Noise",
            "Loud music late at night from the flat above.",
            "not_a_crime",
            ProcessType.MEDIATION_DIRECT,
        ),
        (
            "Parking or boundary dispute",
            "Dispute over a shared driveway and parking.",
            "not_a_crime",
            ProcessType.SHUTTLE,
        ),
        (
            "Damage to property",
            "Communal door damaged during an argument.",
            "out_of_court",
            ProcessType.COMMUNITY_CONFERENCE,
        ),
        (
            "Young people on the estate",
            "Children from two families falling out on the estate.",
            "not_a_crime",
            ProcessType.FAMILY_GROUP_CONFERENCE,
        ),
        (
            "Rubbish or shared spaces",
            "Rubbish repeatedly left outside a neighbour's door.",
            "not_a_crime",
            ProcessType.CONVERSATION,
        ),
    ],
    "prisons": [
        (
            "Violence on the wing",
            "Fight between two men on B wing over a debt.",
            "in_custody",
            ProcessType.MEDIATION_DIRECT,
        ),
        (
            "Assault on staff",
            "Officer pushed during a cell search.",
            "in_custody",
            ProcessType.CONFERENCE,
        ),
        (
            "Harm done before custody",
            "Burglary of a family home; the family asked to hear from him.",
            "in_custody",
            ProcessType.LETTER_EXCHANGE,
        ),
        (
            "Threats or intimidation",
            "Ongoing threats between two men in the workshop.",
            "in_custody",
            ProcessType.RESPONSIVE_CIRCLE,
        ),
        (
            "Theft from a cell",
            "Canteen items taken from a cell.",
            "in_custody",
            ProcessType.CONVERSATION,
        ),
    ],
}

# Where each sector meets: a school in the school, a prison inside the prison,
# housing at a community centre or the landlord's office, justice at a police
# station or a community venue. {org} and {town} are the organisation's own.
VENUES: dict[str, list[str]] = {
    "justice": [
        "{town} Police Station, Family Room",
        "{town} Community Centre, Room 2",
        "St Aidan's Church Hall, {town}",
        "{town} Central Library, Meeting Room 1",
    ],
    "schools": [
        "{org}, Library",
        "{org}, Pastoral Office",
        "{org}, Room S12",
    ],
    "communities": [
        "{town} Community Centre, Room 2",
        "{org}, Quay Street office, Meeting Room 1",
        "Brookside Community Hall, {town}",
    ],
    "prisons": [
        "{org}, Chapel meeting room",
        "{org}, Education block, Room 3",
        "{org}, Visits Hall (closed session)",
    ],
}

# Start times on a weekday (hour, minute): within the school day, within the
# prison's morning and afternoon sessions, otherwise within working hours.
START_TIMES: dict[str, list[tuple[int, int]]] = {
    "justice": [(9, 30), (10, 0), (11, 0), (13, 30), (14, 0), (15, 0)],
    "schools": [(9, 0), (9, 45), (10, 30), (11, 15), (13, 15), (14, 0)],
    "communities": [(9, 30), (10, 0), (11, 0), (13, 30), (14, 30), (15, 30)],
    "prisons": [(9, 30), (10, 0), (14, 0), (14, 15)],
}

#: Stages whose meeting has been held, so its story lies in the past.
HELD = {"monitoring", "closed_agreement"}

STAGES = [
    "waiting",
    "declined",
    "open",
    "preparing",
    "meeting",
    "monitoring",
    "closed_agreement",
    "closed_not_proceeded",
]


def load_demo_cases(
    *,
    organisation: Organisation,
    coordinator: User,
    facilitators: list[User],
    referrer: User | None = None,
    people: list[Person],
    rng: random.Random,
) -> int:
    """Make referrals and cases at every stage for one organisation. Returns how many cases."""
    sector = organisation.sectors[0]
    stories = STORIES[sector]
    today = timezone.localdate()
    pool = list(people)
    rng.shuffle(pool)
    made = 0
    for n, stage in enumerate(STAGES * 2):
        harm_name, summary, stage_of_justice, process = stories[n % len(stories)]
        harmed, responsible = pool.pop(), pool.pop()
        # A case whose meeting has been held was referred weeks ago; one still
        # being prepared, days ago.
        received_on = today - datetime.timedelta(
            days=rng.randint(45, 75) if stage in HELD else rng.randint(2, 30)
        )
        prepared_on = min(received_on + datetime.timedelta(days=rng.randint(4, 9)), today)
        harm_type = HarmType.objects.for_organisation(organisation).get(name=harm_name)
        # Every other referral comes from the organisation's referrer account, so a
        # referrer signing in finds their referrals at every stage.
        referred_by = referrer if referrer is not None and n % 2 == 0 else coordinator
        referral = referrals.referral_create(
            organisation=organisation,
            by=referred_by,
            by_referrer=referred_by is referrer,
            people=[
                {
                    "role": "harmed",
                    "given_name": harmed.given_name,
                    "family_name": harmed.family_name,
                    "date_of_birth": harmed.date_of_birth,
                    "phone": "",
                },
                {
                    "role": "responsible",
                    "given_name": responsible.given_name,
                    "family_name": responsible.family_name,
                    "date_of_birth": responsible.date_of_birth,
                    "phone": "",
                },
            ],
            source_agency=organisation.name,
            referrer_name=referred_by.get_full_name(),
            received_on=received_on,
            incident_date=received_on - datetime.timedelta(days=rng.randint(3, 40)),
            incident_summary=summary,
            harm_type=harm_type,
            justice_stage=stage_of_justice if sector == "justice" else "",
            sector=sector,
        )
        # Link the proposed people to the records already held.
        for proposed, person in zip(
            referral.people.order_by("pk"), (harmed, responsible), strict=True
        ):
            proposed.person = person
            proposed.save(update_fields=["person"])
        if stage == "waiting":
            continue
        if stage == "declined":
            referrals.referral_decline(
                referral=referral, by=coordinator, reason="outside_remit", note=""
            )
            continue
        case = referrals.referral_accept(referral=referral, by=coordinator, planned_process=process)
        made += 1
        # Opened when triaged, soon after the referral came in (the service says today).
        case.opened_on = received_on + datetime.timedelta(days=rng.randint(0, 2))
        Case.objects.filter(pk=case.pk).update(opened_on=case.opened_on)
        lead = facilitators[made % len(facilitators)]
        if stage != "open":
            cases.case_allocate(case=case, lead=lead, co=None, by=coordinator)
        if stage in {"open"}:
            continue
        _prepare(case, lead, prepared_on, rng)
        if stage == "preparing":
            continue
        if stage == "closed_not_proceeded":
            cases.case_close(
                case=case, outcome=ClosureOutcome.RESPONSIBLE_DECLINED, note="", by=lead
            )
            continue
        if stage in HELD:
            # Arranged a few days after preparing; held a week or two later.
            arranged_on = prepared_on + datetime.timedelta(days=rng.randint(1, 4))
            meeting_day = _weekday(arranged_on + datetime.timedelta(days=rng.randint(7, 14)))
        else:
            arranged_on = today
            meeting_day = _weekday(today + datetime.timedelta(days=rng.randint(3, 20)))
        meeting = meetings.meeting_arrange(
            case=case,
            by=lead,
            process=process,
            scheduled_at=_at(meeting_day, rng.choice(START_TIMES[sector])),
            venue=rng.choice(VENUES[sector]).format(org=organisation.name, town=organisation.town),
            facilitator=lead,
            co_facilitator=None,
            attendees=list(case.parties.all()),
        )
        if stage == "meeting":
            continue
        meetings.meeting_mark_held(
            meeting=meeting,
            by=lead,
            duration_minutes=rng.choice([75, 90, 120]),
            outcome_notes="Both spoke and listened.",
        )
        # The services stamp "now"; the demo's story happened weeks ago.
        Meeting.objects.filter(pk=meeting.pk).update(created_at=_at(arranged_on, (10, 0)))
        _agree(case, meeting, lead, meeting_day)
        if stage == "closed_agreement":
            for action in case.actions.all():
                agreements.action_resolve(
                    action=action,
                    status="done",
                    resolved_on=today,
                    note="",
                    by=lead,
                    loaded_version=version_of(action),
                    hours_done=action.hours,
                )
            cases.case_close(
                case=case, outcome=ClosureOutcome.AGREEMENT_COMPLETED, note="", by=lead
            )
    # Some follow-up falls behind: make an action overdue.
    following = Case.objects.filter(organisation=organisation, status="monitoring").first()
    if following is not None:
        for action in following.actions.all()[:1]:
            action.due_on = today - datetime.timedelta(days=5)
            action.save(update_fields=["due_on"])
    return made


def _weekday(day: datetime.date) -> datetime.date:
    """The day itself, or the Monday after a weekend."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _at(day: datetime.date, start: tuple[int, int]) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*start)))


def _consent(party: Party, given_by: Party, method: str, lead: User, on: datetime.date) -> None:
    """Consent to take part and, for a face-to-face process, to a direct meeting."""
    scopes = ["take_part"] + ([] if party.case.is_indirect else ["direct_meeting"])
    for scope in scopes:
        cases.consent_record(
            party=party,
            given_by=given_by,
            scope=scope,
            decision="given",
            method=method,
            decided_on=on,
            note="",
            by=lead,
        )


def _prepare(case: Case, lead: User, on: datetime.date, rng: random.Random) -> None:
    for party in case.parties.all():
        cases.contact_log(
            case=case,
            by=lead,
            party=party,
            kind=rng.choice(["call", "visit"]),
            contact_on=on,
            minutes=rng.choice([20, 30, 45, 60]),
            note="",
        )
        _consent(party, party, "in_person", lead, on)
        if party.person.is_child:
            carer = Person.objects.create(
                organisation=case.organisation,
                given_name=given_name(rng, party.person.family_name),
                family_name=party.person.family_name,
            )
            parent = cases.party_add(
                case=case, person=carer, role=PartyRole.PARENT_CARER, supports=party, by=lead
            )
            # The parent consents for the child, and for themself.
            _consent(party, parent, "phone", lead, on)
            _consent(parent, parent, "phone", lead, on)
    cases.risk_assess(
        case=case,
        by=lead,
        loaded_version=cases.risk_version(case),
        acknowledgement="full",
        narrative="Both willing; no history of threats.",
        mitigations="",
        decision=RiskDecision.SUITABLE,
        assessed_on=on,
    )


def _agree(case: Case, meeting: object, lead: User, agreed_on: datetime.date) -> None:
    today = timezone.localdate()
    agreement = agreements.agreement_for(case=case, by=lead)
    responsible = case.parties.get(role=PartyRole.RESPONSIBLE)
    agreements.action_add(
        case=case,
        by=lead,
        loaded_version=agreement_version(case),
        owner=responsible,
        kind="apology_written",
        description="Write a letter saying sorry and what they have learned.",
        due_on=today + datetime.timedelta(days=14),
    )
    agreements.action_add(
        case=case,
        by=lead,
        loaded_version=agreement_version(case),
        owner=responsible,
        kind="reparation",
        description="Help with the community garden clear-up.",
        due_on=today + datetime.timedelta(days=42),
        hours=Decimal("8"),
    )
    for party in case.parties.filter(role__in=[PartyRole.HARMED, PartyRole.RESPONSIBLE]):
        agreements.agreement_accept(
            agreement=agreement,
            party=party,
            accepted_on=agreed_on,
            by=lead,
            loaded_version=agreement_version(case),
        )
    agreements.agreement_confirm(
        agreement=agreement, agreed_on=agreed_on, by=lead, loaded_version=agreement_version(case)
    )
