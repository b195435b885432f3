"""Demo data for Kingsmead Academy: a roll of pupils in year groups and forms, restorative
conversations with their follow-ups, parents and carers informed, safeguarding hand-offs,
and suspensions and exclusions considered and avoided over the terms of a year."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from amends.accounts.models import User
from amends.cases.models import Case, PartyRole
from amends.cases.services import event_record
from amends.core.models import Organisation, Sector
from amends.demo.names import person_name
from amends.people.models import Person
from amends.schools.models import (
    DfeReason,
    InformedMethod,
    Resolution,
    SafeguardingHandOff,
    SanctionConsidered,
    SchoolCase,
    SchoolSettings,
)
from amends.schools.services import (
    conversation_follow_up,
    conversation_record,
    parent_informed_record,
)

FORMS = ("K", "M", "A")  # Kingsmead's forms in each year: 7K, 7M, 7A
EXTRA_PUPILS = 90

# What happened and what was agreed, in a behaviour lead's words.
CONVERSATIONS = [
    (
        "Pushing in the lunch queue turned into shoving; a tray was knocked over.",
        "Both to apologise to each other and queue at opposite ends for a week.",
    ),
    (
        "Name-calling in the changing rooms before PE.",
        "Apology face to face; will sit apart in PE and tell Mr Hughes if it starts again.",
    ),
    (
        "A group chat message shared a photo without asking.",
        "Photo deleted in front of staff; apology; both to meet the form tutor on Friday.",
    ),
    (
        "Pencil case taken and hidden during maths.",
        "Pencil case returned; apology; will stay behind to help tidy the room on Thursday.",
    ),
    (
        "Argument over a football at break got heated, with threats.",
        "Both agreed to take turns with the ball and to walk away and find a member of staff.",
    ),
    (
        "Repeated talking over the teacher in science, and rude reply when asked to stop.",
        "Apology to Ms Okoro; seat moved to the front; check-in with the form tutor each Monday.",
    ),
    (
        "Rumour spread about a friend after falling out.",
        "Will tell the others it was not true; both to sit together at the next form time.",
    ),
    (
        "Damage to a display in the corridor.",
        "Will help repair the display with the art technician after school on Wednesday.",
    ),
]


def _year_group(person: Person, rng: random.Random, today: datetime.date) -> int:
    """The year group a pupil's age puts them in on 1 September of this school year."""
    start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    age = person.age_on(start)
    if age is None:
        return rng.randint(7, 11)
    return min(max(age - 4, 7), 11)


def _make_roll(organisation: Organisation, rng: random.Random) -> list[Person]:
    today = timezone.localdate()
    extra = []
    for n in range(EXTRA_PUPILS):
        given, family = person_name(rng)
        age = rng.randint(11, 15)
        extra.append(
            Person(
                organisation=organisation,
                given_name=given,
                family_name=family,
                date_of_birth=today - datetime.timedelta(days=age * 365 + rng.randint(0, 364)),
                is_child=True,
                pronouns=rng.choice(["", "she/her", "he/him"]),
            )
        )
        del n
    Person.objects.bulk_create(extra)
    pupils = [p for p in Person.objects.filter(organisation=organisation) if p.child_today()]
    for pupil in pupils:
        year = _year_group(pupil, rng, today)
        pupil.year_group = f"Year {year}"
        pupil.form_group = f"{year}{rng.choice(FORMS)}"
    Person.objects.bulk_update(pupils, ["year_group", "form_group"])
    return pupils


def _measures_on_history(organisation: Organisation, rng: random.Random) -> None:
    """The school's year of cases, each with what was considered and avoided."""
    reasons = [
        DfeReason.PHYSICAL_ASSAULT_PUPIL,
        DfeReason.VERBAL_ABUSE_PUPIL,
        DfeReason.VERBAL_ABUSE_ADULT,
        DfeReason.BULLYING,
        DfeReason.DISRUPTIVE,
        DfeReason.DAMAGE,
        DfeReason.ONLINE,
        DfeReason.RACIST_ABUSE,
        DfeReason.THEFT,
    ]
    records = []
    for case in Case.objects.filter(organisation=organisation, sector=Sector.SCHOOLS):
        considered = rng.choices(
            [
                SanctionConsidered.NONE,
                SanctionConsidered.SUSPENSION,
                SanctionConsidered.PERMANENT_EXCLUSION,
            ],
            weights=[5, 4, 1],
        )[0]
        records.append(
            SchoolCase(
                organisation=organisation,
                case=case,
                dfe_reason=rng.choice(reasons)
                if considered != SanctionConsidered.NONE or rng.random() < 0.4
                else "",
                sanction_considered=considered,
                sanction_avoided=None
                if considered == SanctionConsidered.NONE
                else rng.random() < 0.75,
            )
        )
    SchoolCase.objects.bulk_create(records)


def load_demo_school(*, organisation: Organisation, coordinator: User, facilitator: User) -> int:
    """Returns how many restorative conversations it recorded."""
    rng = random.Random(f"20261128-{organisation.name}")  # deterministic demo data, not security
    _measures_on_history(organisation, rng)
    pupils = _make_roll(organisation, rng)
    SchoolSettings.objects.create(
        organisation=organisation,
        safeguarding_lead=coordinator,
        deputy_safeguarding_lead=facilitator,
    )
    today = timezone.localdate()
    # Two pupils of the same form who fall out more than once: repeat harm.
    same_form = [p for p in pupils if p.form_group == pupils[0].form_group]
    pair = same_form[:2] if len(same_form) >= 2 else pupils[:2]
    made = []
    for n in range(14):
        held_on = today - datetime.timedelta(days=3 + n * 9 + rng.randint(0, 4))
        what, agreed = CONVERSATIONS[n % len(CONVERSATIONS)]
        if n in (1, 6):
            harmed, responsible = [pair[0]], [pair[1]]
        else:
            two = rng.sample(pupils, 2)
            harmed, responsible = [two[0]], [two[1]]
        considered = SanctionConsidered.SUSPENSION if n % 4 == 1 else SanctionConsidered.NONE
        case = conversation_record(
            organisation=organisation,
            by=facilitator if n % 2 else coordinator,
            harmed=harmed,
            responsible=responsible,
            took_part=[],
            what_happened=what,
            agreed=agreed,
            held_on=held_on,
            follow_up_on=held_on + datetime.timedelta(days=7 if n % 3 or n == 0 else 14),
            dfe_reason=DfeReason.PHYSICAL_ASSAULT_PUPIL
            if considered != SanctionConsidered.NONE
            else "",
            sanction_considered=considered,
            sanction_avoided=True if considered != SanctionConsidered.NONE else None,
        )
        # Opened on the day the conversation was held, as it would have been.
        Case.objects.filter(pk=case.pk).update(opened_on=held_on)
        made.append(case)
        details = case.school
        if details.follow_up_on and details.follow_up_on <= today - datetime.timedelta(days=2):
            conversation_follow_up(
                case=case,
                by=coordinator,
                followed_up_on=details.follow_up_on,
                held=n != 6,
            )
        for party in case.parties.filter(role=PartyRole.RESPONSIBLE).select_related("person"):
            if n % 3 == 0:
                parent_informed_record(
                    case=case,
                    by=coordinator,
                    pupil=party,
                    informed_name=f"{rng.choice(['Mum', 'Dad', 'Gran', 'Carer'])}, "
                    f"{person_name(rng)[0]} {party.person.family_name}",
                    method=rng.choice([InformedMethod.PHONE, InformedMethod.APP]),
                    informed_on=held_on,
                    said="What happened, what was agreed, and when we will check in again.",
                )
    # A concern passed on and later cleared, and one still pausing the work. Recorded
    # directly: the demo sends no e-mail.
    for case, resolved in ((made[4], True), (made[0], False)):
        raised = timezone.now() - datetime.timedelta(days=2 if not resolved else 30)
        handoff = SafeguardingHandOff.objects.create(
            organisation=organisation,
            case=case,
            raised_at=raised,
            created_by=facilitator,
            resolved_at=raised + datetime.timedelta(days=3) if resolved else None,
            resolved_by=coordinator if resolved else None,
            resolution=Resolution.CLEARED if resolved else "",
        )
        handoff.passed_to.set([coordinator, facilitator])
        event_record(
            case=case,
            by=facilitator,
            code="safeguarding_raised",
            summary="Safeguarding concern raised; restorative work paused. Passed on to "
            f"{coordinator.get_full_name()}, {facilitator.get_full_name()}",
        )
    return len(made)
