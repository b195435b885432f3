"""A year of history for each demo organisation, so every report has something to say.

Referrals arrive every month of the last twelve from several agencies; some are
declined with a reason, the rest become cases that run their course: first
contact, consent, risk assessment, a meeting, an agreement whose actions are
done on time, late or not at all, and closure with harm measures, feedback, the
Victims' Code record and, for justice cases closed a year ago or more, the
answered reoffending check. A few cases did not proceed, each with its reason,
and a couple of incidents happened again between the same people.

Written in bulk (a handful of INSERTs per table, not one service call per step)
so `demo_data` stays quick; the rows are what the services would have written.
Seeded, so every run on the same day makes the same history.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model
from django.utils import timezone

from amends.accounts.models import User
from amends.agreements.models import Acceptance, ActionStatus, Agreement, AgreementAction
from amends.cases.models import (
    INDIRECT_PROCESSES,
    Case,
    CaseEvent,
    CaseReferenceCounter,
    CaseStatus,
    ClosureOutcome,
    ConsentRecord,
    ContactLogEntry,
    Party,
    PartyRole,
    RiskAssessment,
    Side,
)
from amends.core.models import Organisation
from amends.demo.cases import START_TIMES, STORIES, VENUES
from amends.demo.names import given_name
from amends.meetings.models import Meeting, MeetingAttendee, MeetingStatus
from amends.outcomes.models import (
    AnsweredHow,
    Audience,
    Delivery,
    FeedbackLink,
    FeedbackResponse,
    HarmMeasure,
    HarmRating,
    ReoffendingCheck,
    Stage,
    VictimsCodeRecord,
    one_year_after,
    question_set_current,
)
from amends.people.models import ContactMethod, Person
from amends.referrals.models import HarmType, Referral, ReferralPerson, ReferralStatus

M = TypeVar("M", bound=Model)

SEED = 20261127
MONTHS = 12
# Cases from the year before, closed long enough ago for their reoffending check to be due.
EARLIER_CASES = 14
REPEATS_PER_ORGANISATION = 2

# Where referrals come from, with how often, per sector. {town} is the organisation's.
SOURCE_AGENCIES: dict[str, list[tuple[str, int]]] = {
    "justice": [
        ("{town} Police", 6),
        ("{town} Youth Justice Service", 3),
        ("Probation Service", 2),
        ("Victim Support", 2),
        ("Crown Court Witness Service", 1),
        ("Self-referral", 1),
    ],
    "schools": [
        ("Head of Year", 4),
        ("Pastoral team", 3),
        ("Form tutor", 2),
        ("Designated safeguarding lead", 1),
        ("Parent or carer", 1),
        ("Pupil self-referral", 1),
    ],
    "communities": [
        ("Neighbourhood housing officer", 4),
        ("Anti-social behaviour team", 3),
        ("{town} Safer Neighbourhood Team", 2),
        ("{town} Council", 1),
        ("Tenant self-referral", 2),
    ],
    "prisons": [
        ("Wing officer", 4),
        ("Safer custody team", 3),
        ("Chaplaincy", 2),
        ("Offender management unit", 2),
        ("Victim liaison officer", 1),
    ],
}

DECLINE_REASONS = [
    ("not_suitable", 3),
    ("outside_remit", 2),
    ("not_enough_information", 2),
    ("other_service", 2),
    ("duplicate", 1),
]

NOT_PROCEEDED_REASONS = [
    (ClosureOutcome.HARMED_DECLINED, 4),
    (ClosureOutcome.RESPONSIBLE_DECLINED, 3),
    (ClosureOutcome.NO_CONTACT, 2),
    (ClosureOutcome.NOT_SUITABLE, 1),
    (ClosureOutcome.WITHDRAWN, 1),
]

# The agreed actions each sector tends to make: (kind, description, hours of work).
ACTIONS: dict[str, list[tuple[str, str, int | None]]] = {
    "justice": [
        ("apology_written", "Write a letter saying sorry and what they have learned.", None),
        ("reparation", "Help with the community garden clear-up.", 8),
        ("return_property", "Return the items taken, or replace them.", None),
        ("support_service", "Go to four sessions with the alcohol support service.", None),
    ],
    "schools": [
        ("apology_spoken", "Say sorry face to face, with the Head of Year there.", None),
        ("behaviour", "Sit apart in the lessons they share for half a term.", None),
        ("reparation", "Help clean and repaint the damaged wall.", 3),
        ("other", "Check in with the pastoral team every Friday for a month.", None),
    ],
    "communities": [
        ("behaviour", "Keep music down after 10 p.m. on weeknights.", None),
        ("apology_spoken", "Say sorry at the follow-up meeting.", None),
        ("reparation", "Help tidy the shared bin store.", 4),
        ("other", "Agree a parking arrangement and keep to it.", None),
    ],
    "prisons": [
        ("apology_written", "Write a letter of apology, passed on by the facilitator.", None),
        ("behaviour", "Keep away from the workshop bench by the door.", None),
        ("support_service", "Take part in the course on the effects of harm.", None),
        ("reparation", "Work with the wing cleaning party.", 6),
    ],
}

REOFFENDING_SOURCES = [
    "Police National Computer check",
    "Youth offending team",
    "Probation Service records",
]
FEEDBACK_COMMENTS = [
    "",
    "",
    "",
    "It helped to say how it affected me.",
    "I was nervous but the facilitator made it easy.",
    "I would have liked it to happen sooner.",
    "Glad I did it.",
]


def _weighted(rng: random.Random, options: list[tuple[Any, int]]) -> Any:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += _days(1)
    return day


def _at(day: datetime.date, hour: int = 16, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _months_back(today: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the calendar month `months` before today's (last: not after today)."""
    year, month = today.year, today.month - months
    while month < 1:
        month += 12
        year -= 1
    first = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, min(following - _days(1), today)


@dataclass
class Story:
    """One referral's course, as dates; None where that step did not (or has not yet) happened."""

    received_on: datetime.date
    agency: str
    harm: tuple[str, str, str, str]
    harmed: Person
    responsible: Person
    declined: str = ""
    opened_on: datetime.date | None = None
    first_contact: datetime.date | None = None
    consent_on: datetime.date | None = None
    meeting_on: datetime.date | None = None
    agreement: bool = False
    actions: list[tuple[str, str, int | None, datetime.date, str, datetime.date | None]] = field(
        default_factory=list
    )
    closed_on: datetime.date | None = None
    outcome: str = ""
    status: str = CaseStatus.OPEN


class History:
    """The history of one organisation, built in memory and written table by table."""

    def __init__(
        self,
        *,
        organisation: Organisation,
        coordinator: User,
        facilitators: list[User],
        referrer: User | None,
        people: list[Person],
        rng: random.Random,
    ) -> None:
        self.org = organisation
        self.sector = organisation.sectors[0]
        self.coordinator = coordinator
        self.facilitators = facilitators or [coordinator]
        self.referrer = referrer
        self.rng = rng
        self.today = timezone.localdate()
        self.people = people
        self.harm_types = {
            h.name: h for h in HarmType.objects.for_organisation(organisation).order_by("pk")
        }
        self.questions = question_set_current(organisation)
        self.rows: dict[type[Model], list[Model]] = {}
        self._written: list[tuple[Case, Story, list[Party]]] = []
        self._agreements: dict[int, Agreement] = {}

    # Planning --------------------------------------------------------------------------

    def plan(self) -> list[Story]:
        rng, today = self.rng, self.today
        received: list[datetime.date] = []
        for months in range(MONTHS):
            first, last = _months_back(today, months)
            if last < first:
                continue
            for _ in range(rng.randint(4, 8)):
                received.append(first + _days(rng.randint(0, (last - first).days)))
        earlier = [today - _days(rng.randint(400, 700)) for _ in range(EARLIER_CASES)]
        stories = [self._story(day, force_closed=day in earlier) for day in sorted(earlier)]
        stories += [self._story(day) for day in sorted(received)]
        self._repeat_incidents(stories)
        return stories

    def _person_pair(self) -> tuple[Person, Person]:
        harmed, responsible = self.rng.sample(self.people, 2)
        return harmed, responsible

    def _story(self, received_on: datetime.date, *, force_closed: bool = False) -> Story:
        rng, today = self.rng, self.today
        harmed, responsible = self._person_pair()
        story = Story(
            received_on=received_on,
            agency=_weighted(rng, SOURCE_AGENCIES[self.sector]).format(town=self.org.town),
            harm=rng.choice(STORIES[self.sector]),
            harmed=harmed,
            responsible=responsible,
        )
        if not force_closed and rng.random() < 0.13:
            story.declined = _weighted(rng, DECLINE_REASONS)
            return story
        story.opened_on = min(received_on + _days(rng.randint(0, 3)), today)
        fate = rng.random()
        not_proceeded = fate < 0.33
        no_contact = not_proceeded and rng.random() < 0.2
        if not no_contact:
            story.first_contact = story.opened_on + _days(rng.randint(2, 12))
        if not_proceeded:
            reason = (
                ClosureOutcome.NO_CONTACT
                if no_contact
                else _weighted(rng, [r for r in NOT_PROCEEDED_REASONS if r[0] != "no_contact"])
            )
            story.outcome = reason
            story.closed_on = story.opened_on + _days(rng.randint(10, 35))
            return self._as_of_today(story)
        story.consent_on = (story.first_contact or story.opened_on) + _days(rng.randint(0, 7))
        story.meeting_on = _weekday(story.consent_on + _days(rng.randint(8, 28)))
        story.agreement = fate > 0.43
        if not story.agreement:
            story.outcome = ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT
            story.closed_on = story.meeting_on + _days(rng.randint(7, 21))
            return self._as_of_today(story)
        kinds = rng.sample(ACTIONS[self.sector], rng.randint(1, 3))
        not_done = False
        for kind, description, hours in kinds:
            due_on = story.meeting_on + _days(rng.randint(14, 56))
            how = _weighted(rng, [("on_time", 14), ("late", 4), ("not_done", 2)])
            if force_closed and how == "not_done":
                how = "late"
            if how == "on_time":
                resolved = max(due_on - _days(rng.randint(0, 10)), story.meeting_on + _days(1))
                status = ActionStatus.DONE
            elif how == "late":
                resolved = due_on + _days(rng.randint(3, 25))
                status = ActionStatus.DONE
            else:
                resolved = due_on + _days(rng.randint(7, 20))
                status = ActionStatus.NOT_DONE
                not_done = True
            story.actions.append((kind, description, hours, due_on, status, resolved))
        last = max(a[5] for a in story.actions if a[5] is not None)
        if not not_done:
            # An agreement with an action not done stays open for the coordinator to decide.
            story.outcome = ClosureOutcome.AGREEMENT_COMPLETED
            story.closed_on = last + _days(rng.randint(2, 10))
        return self._as_of_today(story)

    def _as_of_today(self, story: Story) -> Story:
        """Keep only the steps that have happened by yesterday; the status follows."""
        yesterday = self.today - _days(1)
        if story.closed_on is not None and story.closed_on <= yesterday:
            story.status = CaseStatus.CLOSED
            return story
        story.closed_on, story.outcome = None, ""
        if story.meeting_on is not None and story.meeting_on <= yesterday and story.agreement:
            story.status = CaseStatus.MONITORING
            story.actions = [
                (k, d, h, due, status if resolved and resolved <= yesterday else "open", resolved)
                for k, d, h, due, status, resolved in story.actions
            ]
            story.actions = [
                (k, d, h, due, s, r if s != "open" else None)
                for k, d, h, due, s, r in story.actions
            ]
            return story
        story.meeting_on, story.agreement, story.actions = None, False, []
        for name in ("consent_on", "first_contact"):
            day = getattr(story, name)
            if day is not None and day > yesterday:
                setattr(story, name, None)
        story.status = CaseStatus.PREPARING if story.first_contact else CaseStatus.OPEN
        return story

    def _repeat_incidents(self, stories: list[Story]) -> None:
        """The same two people again, referred a few months after their case closed."""
        closed = [
            s
            for s in stories
            if s.status == CaseStatus.CLOSED
            and s.closed_on is not None
            and s.closed_on + _days(200) < self.today
        ]
        for earlier in self.rng.sample(closed, min(REPEATS_PER_ORGANISATION, len(closed))):
            assert earlier.closed_on is not None
            again = self._story(earlier.closed_on + _days(self.rng.randint(45, 180)))
            again.harmed, again.responsible = earlier.harmed, earlier.responsible
            again.declined = ""
            if again.opened_on is None:
                again.opened_on = again.received_on + _days(1)
                again.status = CaseStatus.OPEN
            stories.append(again)

    # Writing ---------------------------------------------------------------------------

    def add(self, row: M) -> M:
        self.rows.setdefault(type(row), []).append(row)
        return row

    def flush(self, *models: type[Model]) -> None:
        for model in models:
            rows = self.rows.pop(model, [])
            if rows:
                model._default_manager.bulk_create(rows, batch_size=500)

    def write(self, stories: list[Story]) -> int:
        org = self.org
        referrals = []
        for story in stories:
            referral = self._referral(story)
            referrals.append((story, referral))
        self.flush(Referral)
        cases = []
        for story, referral in referrals:
            for role, person in (("harmed", story.harmed), ("responsible", story.responsible)):
                self.add(
                    ReferralPerson(
                        organisation=org,
                        referral=referral,
                        person=person,
                        role=role,
                        given_name=person.given_name,
                        family_name=person.family_name,
                        date_of_birth=person.date_of_birth,
                        agreed_to_referral="yes",
                        agreed_to_contact=_weighted(
                            self.rng, [("yes", 8), ("not_asked", 2), ("no", 1)]
                        ),
                    )
                )
            if story.opened_on is not None:
                cases.append((story, self._case(story, referral)))
        self._number(cases)
        self.flush(ReferralPerson, Case)
        parties = []
        for story, case in cases:
            harmed = self._party(case, story.harmed, PartyRole.HARMED, Side.HARMED)
            responsible = self._party(
                case, story.responsible, PartyRole.RESPONSIBLE, Side.RESPONSIBLE
            )
            parties.append((story, case, harmed, responsible))
        self.flush(Party)
        carers: dict[int, Party] = {}
        for _story, case, harmed, responsible in parties:
            for party in (harmed, responsible):
                if party.person.is_child:
                    carers[party.pk] = self._carer(case, party)
        self.flush(Person)
        for party in carers.values():
            party.person_id = party.person.pk
        self.flush(Party)
        for story, case, harmed, responsible in parties:
            principals = [harmed, responsible]
            self._steps(story, case, principals, carers)
        self.flush(
            ContactLogEntry,
            ConsentRecord,
            RiskAssessment,
            Meeting,
            CaseEvent,
            VictimsCodeRecord,
            ReoffendingCheck,
        )
        self._after_meeting(parties, carers)
        self.flush(MeetingAttendee, Agreement, HarmMeasure)
        self._agreements_and_ratings()
        self.flush(AgreementAction, Acceptance, HarmRating, FeedbackLink)
        self._feedback()
        self.flush(FeedbackResponse)
        return len(cases)

    def _referral(self, story: Story) -> Referral:
        harm_name, summary, justice_stage, _process = story.harm
        by_referrer = (
            self.referrer is not None
            and story.agency == SOURCE_AGENCIES[self.sector][0][0].format(town=self.org.town)
            and self.rng.random() < 0.5
        )
        decided_on = (
            story.opened_on
            if story.opened_on
            else min(story.received_on + _days(self.rng.randint(1, 5)), self.today)
        )
        return self.add(
            Referral(
                organisation=self.org,
                source_agency=story.agency,
                referrer_name=self.referrer.get_full_name()
                if by_referrer and self.referrer
                else "Duty officer",
                referred_by=self.referrer if by_referrer else None,
                received_on=story.received_on,
                incident_date=story.received_on - _days(self.rng.randint(2, 30)),
                incident_summary=summary,
                harm_type=self.harm_types[harm_name],
                justice_stage=justice_stage if self.sector == "justice" else "",
                sector=self.sector,
                status=ReferralStatus.DECLINED if story.declined else ReferralStatus.ACCEPTED,
                decided_at=_at(decided_on, 11),
                decided_by=self.coordinator,
                decline_reason=story.declined,
                created_at=_at(story.received_on, 9),
                created_by=self.coordinator,
            )
        )

    def _case(self, story: Story, referral: Referral) -> Case:
        assert story.opened_on is not None
        _harm, summary, justice_stage, process = story.harm
        lead = self.facilitators[self.rng.randrange(len(self.facilitators))]
        case = Case(
            organisation=self.org,
            referral=referral,
            sector=self.sector,
            harm_type=referral.harm_type,
            harm_summary=summary,
            incident_date=referral.incident_date,
            justice_stage=justice_stage if self.sector == "justice" else "",
            planned_process=process,
            lead_facilitator=lead,
            status=story.status,
            opened_on=story.opened_on,
            closed_at=_at(story.closed_on, 16, 30) if story.closed_on else None,
            closure_outcome=story.outcome,
            created_at=_at(story.opened_on, 10),
            created_by=self.coordinator,
        )
        case.next_step, case.next_step_due = self._next_step(story)
        return self.add(case)

    def _next_step(self, story: Story) -> tuple[str, datetime.date | None]:
        if story.status == CaseStatus.CLOSED:
            return "", None
        if story.status == CaseStatus.MONITORING:
            open_dues = [a[3] for a in story.actions if a[4] == "open"]
            return "Check the agreed actions", min(open_dues) if open_dues else self.today
        if story.status == CaseStatus.PREPARING:
            return "Arrange the meeting", self.today + _days(self.rng.randint(-3, 14))
        assert story.opened_on is not None
        return "Make first contact with the parties", story.opened_on + _days(5)

    def _number(self, cases: list[tuple[Story, Case]]) -> None:
        """Case references in the order cases opened, after any the service has given."""
        by_year: dict[int, list[Case]] = {}
        in_order = sorted(enumerate(cases), key=lambda ic: (ic[1][1].opened_on, ic[0]))
        for _n, (_story, case) in in_order:
            by_year.setdefault(case.opened_on.year, []).append(case)
        for year, in_year in by_year.items():
            counter, _ = CaseReferenceCounter.objects.get_or_create(
                organisation=self.org, year=year
            )
            for case in in_year:
                counter.last_number += 1
                case.reference = (
                    f"{self.org.case_reference_prefix}-{year}-{counter.last_number:04d}"
                )
            counter.save(update_fields=["last_number"])

    def _party(self, case: Case, person: Person, role: str, side: str, **extra: Any) -> Party:
        return self.add(
            Party(
                organisation=self.org,
                case=case,
                person=person,
                role=role,
                side=side,
                created_at=case.created_at,
                **extra,
            )
        )

    def _carer(self, case: Case, child: Party) -> Party:
        family = child.person.family_name
        carer = self.add(
            Person(
                organisation=self.org,
                given_name=given_name(self.rng, family),
                family_name=family,
                preferred_contact=ContactMethod.PHONE,
            )
        )
        return self._party(
            case,
            carer,
            PartyRole.PARENT_CARER,
            child.side,
            supports=child,
        )

    def _event(self, case: Case, code: str, summary: str, on: datetime.date, hour: int) -> None:
        by = case.lead_facilitator if code != "case_opened" else self.coordinator
        self.add(
            CaseEvent(
                organisation=self.org,
                case=case,
                code=code,
                summary=summary,
                at=_at(on, hour),
                created_by=by,
            )
        )

    def _steps(
        self, story: Story, case: Case, principals: list[Party], carers: dict[int, Party]
    ) -> None:
        rng, org = self.rng, self.org
        lead = case.lead_facilitator or self.coordinator
        assert story.opened_on is not None
        self._event(case, "case_opened", "Case opened", story.opened_on, 10)
        self._event(case, "allocated", f"Allocated to {lead.get_full_name()}", story.opened_on, 11)
        everyone = principals + [carers[p.pk] for p in principals if p.pk in carers]
        # Contact: an attempt or two, then first contact with each person.
        attempt_on = story.opened_on + _days(1)
        for party in principals:
            if story.first_contact is None or rng.random() < 0.4:
                self._contact(case, party, attempt_on, "call", 5, "no_answer")
        if story.first_contact is not None:
            for party in everyone:
                self._contact(
                    case, party, story.first_contact, rng.choice(["call", "visit"]), 0, "reached"
                )
        if story.consent_on is not None:
            for party in everyone:
                self._contact(case, party, story.consent_on, "preparation", 0, "reached")
        # Consent, or the refusal that ended it.
        declined: dict[str, Party] = {
            ClosureOutcome.HARMED_DECLINED.value: principals[0],
            ClosureOutcome.RESPONSIBLE_DECLINED.value: principals[1],
        }
        declined_by = declined.get(str(story.outcome))
        if declined_by is not None and story.first_contact is not None:
            self._consent(declined_by, declined_by, "take_part", "declined", story.first_contact)
        if story.consent_on is not None:
            direct = case.planned_process not in INDIRECT_PROCESSES
            for party in principals:
                carer = carers.get(party.pk)
                for scope in ["take_part"] + (["direct_meeting"] if direct else []):
                    self._consent(party, party, scope, "given", story.consent_on)
                    if carer is not None:
                        self._consent(party, carer, scope, "given", story.consent_on)
                        self._consent(carer, carer, scope, "given", story.consent_on)
        assessed_on = story.consent_on or (
            story.first_contact + _days(3)
            if story.outcome == ClosureOutcome.NOT_SUITABLE and story.first_contact
            else None
        )
        if assessed_on is not None:
            suitable = story.outcome != ClosureOutcome.NOT_SUITABLE
            self.add(
                RiskAssessment(
                    organisation=org,
                    case=case,
                    acknowledgement=rng.choice(["full", "full", "partial"]),
                    narrative="Both willing; no history of threats."
                    if suitable
                    else "Threats made since the incident; a meeting would not be safe.",
                    threats_or_intimidation=not suitable,
                    decision="suitable" if suitable else "not_suitable",
                    assessed_on=assessed_on,
                    created_by=lead,
                )
            )
        if story.meeting_on is not None:
            start = rng.choice(START_TIMES[self.sector])
            scheduled = _at(story.meeting_on, *start)
            meeting = Meeting(
                organisation=org,
                case=case,
                process=case.planned_process,
                scheduled_at=scheduled,
                venue=rng.choice(VENUES[self.sector]).format(org=org.name, town=org.town),
                facilitator=lead,
                status=MeetingStatus.HELD,
                held_at=scheduled,
                duration_minutes=rng.choice(
                    [30, 40, 45] if self.sector == "schools" else [60, 75, 90, 120]
                ),
                created_at=_at(story.consent_on or story.opened_on, 12),
                created_by=lead,
            )
            self.add(meeting)
            self._event(case, "meeting_held", "Meeting held", story.meeting_on, 17)
        if self.sector == "justice" and story.first_contact is not None:
            reported = (
                case.incident_date + _days(rng.randint(0, 2))
                if case.incident_date and rng.random() < 0.85
                else None
            )
            informed = max(
                (reported or story.received_on) + _days(rng.randint(1, 25)), story.received_on
            )
            self.add(
                VictimsCodeRecord(
                    organisation=org,
                    case=case,
                    party=principals[0],
                    crime_reported_on=reported,
                    informed_on=min(informed, story.first_contact),
                    informed_by=rng.choice(
                        [
                            f"Officer in the case, {org.town} Police",
                            "Victim Support caseworker",
                            f"{lead.get_full_name()}, {org.name}",
                        ]
                    ),
                    informed_how=rng.choice(["phone", "letter", "in_person", "email"]),
                    created_by=lead,
                )
            )
        if story.closed_on is not None:
            before = CaseStatus.MONITORING if story.agreement else CaseStatus.PREPARING
            self._event(
                case,
                f"case_closed:{before}",
                f"Case closed: {ClosureOutcome(story.outcome).label}",
                story.closed_on,
                16,
            )
            if self.sector == "justice":
                self._reoffending_check(case, story.closed_on)
        # The story, for the steps that need the rows written so far.
        self._written.append((case, story, principals))

    def _contact(
        self, case: Case, party: Party, on: datetime.date, kind: str, minutes: int, outcome: str
    ) -> None:
        self.add(
            ContactLogEntry(
                organisation=self.org,
                case=case,
                party=party,
                kind=kind,
                contact_on=on,
                minutes=minutes or self.rng.choice([15, 20, 30, 45, 60, 90]),
                outcome=outcome,
                created_by=case.lead_facilitator,
            )
        )

    def _consent(
        self, party: Party, given_by: Party, scope: str, decision: str, on: datetime.date
    ) -> None:
        self.add(
            ConsentRecord(
                organisation=self.org,
                case=party.case,
                party=party,
                given_by=given_by,
                scope=scope,
                decision=decision,
                method=self.rng.choice(["in_person", "phone"]),
                decided_on=on,
                created_by=party.case.lead_facilitator,
            )
        )

    def _reoffending_check(self, case: Case, closed_on: datetime.date) -> None:
        due_on = one_year_after(closed_on)
        check = ReoffendingCheck(
            organisation=self.org, case=case, due_on=due_on, created_by=case.lead_facilitator
        )
        if due_on <= self.today - _days(7) and self.rng.random() < 0.8:
            recorded_on = min(due_on + _days(self.rng.randint(0, 20)), self.today)
            check.answer = _weighted(self.rng, [("no", 13), ("yes", 4), ("not_known", 3)])
            check.source = self.rng.choice(REOFFENDING_SOURCES)
            check.recorded_at = _at(recorded_on, 12)
            check.recorded_by = self.coordinator
        self.add(check)

    def _cases_written(self) -> Iterator[tuple[Case, Story, list[Party]]]:
        yield from self._written

    def _after_meeting(
        self, parties: list[tuple[Story, Case, Party, Party]], carers: dict[int, Party]
    ) -> None:
        meetings = {
            m.case_id: m
            for m in Meeting.objects.filter(
                case__in=[case for _s, case, _h, _r in parties], status="held"
            )
        }
        self._meetings = meetings
        self._measures: list[tuple[HarmMeasure, Party, dict[str, int]]] = []
        for case, story, principals in self._cases_written():
            meeting = meetings.get(case.pk)
            if meeting is not None:
                for party in principals + [carers[p.pk] for p in principals if p.pk in carers]:
                    self.add(
                        MeetingAttendee(
                            organisation=self.org,
                            meeting=meeting,
                            case=case,
                            party=party,
                            attended=True,
                        )
                    )
                if story.agreement:
                    agreement = Agreement(
                        organisation=self.org,
                        case=case,
                        meeting=meeting,
                        agreed_on=story.meeting_on,
                        created_by=case.lead_facilitator,
                    )
                    self.add(agreement)
                    self._agreements[case.pk] = agreement
            self._harm_measures(case, story, principals)

    def _harm_measures(self, case: Case, story: Story, principals: list[Party]) -> None:
        if story.first_contact is None:
            return
        rng = self.rng
        harmed, responsible = principals
        # Harmed: (still affects, feels safe, angry, afraid again) at first contact.
        start = {
            "still_affects": rng.randint(5, 10),
            "feels_safe": rng.randint(1, 6),
            "angry": rng.randint(4, 10),
            "afraid_again": rng.randint(3, 9),
        }
        understands = rng.randint(1, 6)
        stages: list[tuple[str, datetime.date]] = [(Stage.FIRST_CONTACT, story.first_contact)]
        if story.meeting_on is not None:
            stages.append((Stage.AFTER_MEETING, story.meeting_on + _days(rng.randint(0, 5))))
            if story.closed_on is not None and rng.random() < 0.8:
                stages.append((Stage.CLOSURE, story.closed_on))
        worse = rng.random() < 0.07
        for step, (stage, answered_on) in enumerate(stages):
            if answered_on >= self.today:
                continue
            better = 0 if step == 0 else rng.randint(1, 4) + (step - 1) * rng.randint(0, 2)
            better = -rng.randint(1, 2) if worse and step else better
            harmed_ratings = {
                "still_affects": start["still_affects"] - better,
                "feels_safe": start["feels_safe"] + better,
                "angry": start["angry"] - better,
                "afraid_again": start["afraid_again"] - better,
            }
            self._measure(case, harmed, stage, answered_on, Audience.HARMED, harmed_ratings)
            if story.outcome != ClosureOutcome.RESPONSIBLE_DECLINED:
                self._measure(
                    case,
                    responsible,
                    stage,
                    answered_on,
                    Audience.RESPONSIBLE,
                    {"understands_effect": understands + (0 if step == 0 else rng.randint(2, 5))},
                )

    def _measure(
        self,
        case: Case,
        party: Party,
        stage: str,
        answered_on: datetime.date,
        audience: str,
        ratings: dict[str, int],
    ) -> None:
        measure = HarmMeasure(
            organisation=self.org,
            case=case,
            party=party,
            stage=stage,
            answered_on=answered_on,
            question_set_version=self.questions.version,
            created_by=case.lead_facilitator,
        )
        self.add(measure)
        self._measures.append((measure, party, {k: max(0, min(10, v)) for k, v in ratings.items()}))

    def _agreements_and_ratings(self) -> None:
        for case, story, principals in self._cases_written():
            agreement = self._agreements.get(case.pk)
            if agreement is None:
                continue
            for kind, description, hours, due_on, status, resolved in story.actions:
                self.add(
                    AgreementAction(
                        organisation=self.org,
                        agreement=agreement,
                        case=case,
                        owner=principals[1],
                        kind=kind,
                        description=description,
                        hours=Decimal(hours) if hours else None,
                        hours_done=Decimal(hours) if hours and status == "done" else None,
                        due_on=due_on,
                        status=status,
                        resolved_on=resolved,
                        verified_by=case.lead_facilitator if resolved else None,
                        created_by=case.lead_facilitator,
                    )
                )
            for party in principals:
                self.add(
                    Acceptance(
                        organisation=self.org,
                        agreement=agreement,
                        case=case,
                        party=party,
                        accepted_on=agreement.agreed_on or story.received_on,
                    )
                )
        for measure, party, ratings in self._measures:
            questions = self.questions.for_audience(
                Audience.HARMED if party.role == PartyRole.HARMED else Audience.RESPONSIBLE
            )
            for position, question in enumerate(questions, start=1):
                self.add(
                    HarmRating(
                        organisation=self.org,
                        measure=measure,
                        case_id=measure.case_id,
                        party=party,
                        question_key=question["key"],
                        question=question["text"],
                        low_label=question["low"],
                        high_label=question["high"],
                        position=position,
                        rating=ratings[question["key"]],
                    )
                )
        self._responses: list[tuple[FeedbackResponse, FeedbackLink | None]] = []
        for case, story, principals in self._cases_written():
            if story.meeting_on is None:
                continue
            answered_on = story.closed_on or story.meeting_on + _days(self.rng.randint(7, 20))
            if answered_on >= self.today:
                continue
            for party in principals:
                if self.rng.random() < 0.3:
                    continue
                self._response(case, party, answered_on)

    def _response(self, case: Case, party: Party, answered_on: datetime.date) -> None:
        rng = self.rng
        by_phone = rng.random() < 0.35
        link = None
        if not by_phone:
            sent = answered_on - _days(rng.randint(1, 10))
            token = f"demo-{self.org.pk}-{case.pk}-{party.pk}-{rng.getrandbits(64)}"
            link = FeedbackLink(
                organisation=self.org,
                case=case,
                party=party,
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                delivery=rng.choice([Delivery.EMAIL, Delivery.ON_SCREEN]),
                expires_at=_at(sent, 12) + datetime.timedelta(days=30),
                used_at=_at(answered_on, 19),
                created_at=_at(sent, 12),
                created_by=case.lead_facilitator,
            )
            self.add(link)
        yes = [("yes", 16), ("partly", 3), ("no", 1)]
        response = FeedbackResponse(
            organisation=self.org,
            case=case,
            party=party,
            answered_how=AnsweredHow.BY_PHONE if by_phone else AnsweredHow.ONLINE,
            answered_on=answered_on,
            satisfied=_weighted(
                rng,
                [
                    ("very_satisfied", 9),
                    ("satisfied", 7),
                    ("neither", 2),
                    ("dissatisfied", 1),
                    ("very_dissatisfied", 1),
                ],
            ),
            well_prepared=_weighted(rng, yes),
            listened_to=_weighted(rng, yes),
            felt_safe=_weighted(rng, yes),
            would_recommend=_weighted(rng, [("yes", 16), ("not_sure", 3), ("no", 1)]),
            harm_put_right=rng.choice([3, 5, 6, 7, 7, 8, 8, 9, 9, 10]),
            comments=rng.choice(FEEDBACK_COMMENTS),
            created_by=case.lead_facilitator if by_phone else None,
        )
        self._responses.append((response, link))

    def _feedback(self) -> None:
        for response, link in self._responses:
            response.link = link
            self.add(response)


PEOPLE_FOR_HISTORY = 120


def load_history(
    *,
    organisation: Organisation,
    coordinator: User,
    facilitators: list[User],
    referrer: User | None,
    make_person: Callable[[random.Random, int], Person],
) -> int:
    """Write a year of history for one sector organisation. Returns how many cases it made.

    `make_person(rng, n)` makes (unsaved) the n-th of the extra people the history needs,
    as the demo makes everyone else."""
    rng = random.Random(f"{SEED}-{organisation.name}")  # deterministic demo data, not security
    people = Person.objects.bulk_create([make_person(rng, n) for n in range(PEOPLE_FOR_HISTORY)])
    history = History(
        organisation=organisation,
        coordinator=coordinator,
        facilitators=facilitators,
        referrer=referrer,
        people=people,
        rng=rng,
    )
    return history.write(history.plan())
