"""Demo training: the consultancy's four programmes, their courses, cohorts past and to come,
people enrolled, a full cohort with a waiting list and an offer out, and certificates (one
revoked). Made through the same services the training pages use.

Each sector's demo facilitators completed their sector's practitioner course, under their
demo address, so their completed training can be joined to their practitioner record.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from amends.accounts.models import User
from amends.core.models import Membership, Organisation, Role
from amends.demo.names import email_local_part, person_name
from amends.training import emails, services
from amends.training.models import (
    Audience,
    Cohort,
    CohortDay,
    Course,
    Enrolment,
    EnrolmentStatus,
    Level,
    Programme,
)

# sector: [(title, level, days, accredited hours, what it teaches, outcomes)]
COURSES: dict[str, list[tuple[str, str, int, str, str, list[str]]]] = {
    "justice": [
        (
            "Restorative justice awareness",
            Level.AWARENESS,
            1,
            "6",
            "What restorative justice is, how it differs from punishment, and when to offer it "
            "to the people harmed by a crime and the people responsible.",
            [
                "Explain restorative justice to a person harmed and a person responsible",
                "Recognise cases that could be referred, and how to refer them",
                "Describe what happens at each stage, from preparation to agreement",
            ],
        ),
        (
            "Restorative justice facilitator: conferencing and mediation",
            Level.PRACTITIONER,
            3,
            "21",
            "How to prepare and run a restorative conference, a face-to-face meeting and "
            "shuttle mediation, safely and to the Restorative Justice Council's standards.",
            [
                "Assess whether a case is suitable and safe",
                "Prepare each person for the meeting, including their supporters",
                "Facilitate a conference using a restorative script",
                "Help the people involved reach an agreement they can keep",
            ],
        ),
        (
            "Complex and sensitive cases",
            Level.ADVANCED,
            2,
            "14",
            "Restorative work after serious violence, sexual harm, domestic abuse, stalking and "
            "hate crime: risk, power imbalance and the extra preparation these cases need.",
            [
                "Assess risk and power imbalance in sensitive cases",
                "Decide when a case should not go ahead",
                "Plan indirect and direct processes for serious harm",
            ],
        ),
        (
            "Training the trainer",
            Level.TRAINER,
            3,
            "21",
            "For experienced facilitators who will train others: designing sessions, running "
            "role-plays and assessing new facilitators.",
            [
                "Plan and deliver facilitator training",
                "Assess a new facilitator's practice fairly",
            ],
        ),
    ],
    "schools": [
        (
            "Restorative approaches in the classroom",
            Level.AWARENESS,
            1,
            "6",
            "Restorative questions and conversations for everyday conflict between pupils, and "
            "between pupils and staff.",
            [
                "Use restorative questions after an incident",
                "Run a short restorative conversation",
            ],
        ),
        (
            "Facilitating restorative conferences and circles in schools",
            Level.PRACTITIONER,
            2,
            "14",
            "How to run a restorative conference with pupils and their parents or carers, and "
            "circles that repair harm and build relationships in a class.",
            [
                "Prepare pupils, parents and carers for a conference",
                "Facilitate a conference and a responsive circle",
                "Record an agreement and follow it up",
            ],
        ),
    ],
    "communities": [
        (
            "Restorative practice for housing teams",
            Level.AWARENESS,
            1,
            "6",
            "How restorative conversations can settle neighbour disputes and anti-social "
            "behaviour before they escalate.",
            ["Recognise disputes that suit a restorative approach", "Refer residents safely"],
        ),
        (
            "Neighbour disputes: mediation and conferencing",
            Level.PRACTITIONER,
            3,
            "21",
            "Mediation and conferencing between residents and households, with the housing "
            "officer's part in preparing and following up.",
            [
                "Prepare residents for mediation",
                "Facilitate a community conference",
                "Agree actions that sustain tenancies",
            ],
        ),
    ],
    "prisons": [
        (
            "Restorative justice on the wings",
            Level.AWARENESS,
            1,
            "6",
            "Restorative conversations for conflict between prisoners and with staff, and how "
            "to refer prisoners for restorative work with the people they harmed.",
            ["Use restorative questions on the wing", "Refer a prisoner for restorative work"],
        ),
        (
            "Facilitating restorative justice in custody",
            Level.PRACTITIONER,
            3,
            "21",
            "Preparing prisoners and the people they harmed for restorative meetings in a "
            "prison, with the security and safeguarding that needs.",
            [
                "Prepare a prisoner for a restorative meeting",
                "Work with victim services to contact the person harmed safely",
                "Facilitate a meeting in a prison",
            ],
        ),
    ],
}

ORGANISATIONS = {
    "justice": ["Northbridge Police", "Northbridge Youth Justice Service", "Westfield Probation"],
    "schools": ["Kingsmead Academy", "St Aidan's Primary School", "Hollins Park High School"],
    "communities": ["Riverside Homes", "Northbridge City Council", "Eastside Community Trust"],
    "prisons": ["HMP Eastwood", "HMP Moorgate", "Eastwood Chaplaincy"],
}


def _dates(start: datetime.date, days: int) -> list[datetime.date]:
    found: list[datetime.date] = []
    day = start
    while len(found) < days:
        if day.weekday() < 5:
            found.append(day)
        day += datetime.timedelta(days=1)
    return found


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _person(rng: random.Random, sector: str, n: int) -> dict[str, str]:
    given, family = person_name(rng)
    return {
        "name": f"{given} {family}",
        "email": f"{email_local_part(given, family)}.t{n}@example.org",
        "organisation_name": rng.choice(ORGANISATIONS[sector]),
    }


def load_demo_training(*, organisation: Organisation, rng: random.Random) -> int:
    """The consultancy's training. Returns the number of enrolments made. Nobody is e-mailed:
    the joining instructions are recorded as sent, as they would have been."""
    with emails.held():
        _load(organisation, rng)
    Enrolment.objects.filter(organisation=organisation, status=EnrolmentStatus.ENROLLED).update(
        joining_sent_at=timezone.now()
    )
    return Enrolment.objects.filter(organisation=organisation).count()


def _load(organisation: Organisation, rng: random.Random) -> None:
    today = timezone.localdate()
    trainer = (
        Membership.objects.filter(organisation=organisation, role=Role.TRAINER, is_active=True)
        .select_related("user")
        .first()
    )
    if trainer is None:
        return
    by = trainer.user
    programmes = {p.sector: p for p in services.programmes_seed(organisation=organisation, by=by)}
    facilitators: dict[str, list[User]] = {}
    for m in Membership.objects.filter(
        role=Role.FACILITATOR, user__email__endswith=".amends-demo.example"
    ).select_related("user", "organisation"):
        for sector in m.organisation.sectors:
            if m.user not in facilitators.setdefault(sector, []):
                facilitators[sector].append(m.user)

    serial = 0
    revoked = False
    for sector, courses in COURSES.items():
        programme: Programme = programmes[sector]
        for title, level, days, hours, summary, outcomes in courses:
            course = services.course_create(
                programme=programme,
                by=by,
                title=title,
                level=level,
                days=days,
                accredited_hours=Decimal(hours),
                summary=summary,
                learning_outcomes="\n".join(outcomes),
                is_published=True,
            )
            # A cohort that has finished, with results and certificates.
            past_start = _weekday(today - datetime.timedelta(days=rng.randint(40, 220)))
            past = _cohort(course, by, past_start, capacity=14, rng=rng)
            people = [_person(rng, sector, serial + i) for i in range(rng.randint(7, 11))]
            serial += len(people)
            if level == Level.PRACTITIONER:
                people += [
                    {"name": u.get_full_name(), "email": u.email, "organisation_name": ""}
                    for u in facilitators.get(sector, [])
                ]
            enrolled = [services.enrolment_add(cohort=past, by=by, **p) for p in people]
            absentee = enrolled[0] if len(enrolled) > 6 else None
            for day in CohortDay.objects.filter(cohort=past):
                present = {e.pk for e in enrolled if e is not absentee or day.number == 1}
                if days == 1 and absentee is not None:
                    present.discard(absentee.pk)
                services.attendance_record(
                    cohort=past,
                    day=day,
                    by=by,
                    present=present,
                    shown={e.pk: False for e in enrolled},
                )
            services.cohort_results(cohort=past, by=by)
            if not revoked and level == Level.PRACTITIONER:
                certificate = (
                    Enrolment.objects.filter(cohort=past, status=EnrolmentStatus.COMPLETED)
                    .exclude(email__endswith=".amends-demo.example")
                    .order_by("pk")
                    .first()
                )
                if certificate is not None:
                    services.certificate_revoke(
                        certificate=certificate.certificate,
                        by=by,
                        reason="Issued in error: the assessment was not passed.",
                    )
                    revoked = True

            # A cohort to come, part booked.
            start = _weekday(today + datetime.timedelta(days=rng.randint(20, 80)))
            full = sector == "justice" and level == Level.PRACTITIONER
            upcoming = _cohort(course, by, start, capacity=8 if full else 16, rng=rng)
            count = 11 if full else rng.randint(3, 9)
            booked = []
            for _ in range(count):
                booked.append(
                    services.enrolment_add(cohort=upcoming, by=by, **_person(rng, sector, serial))
                )
                serial += 1
            if full:
                # Someone withdrew: the first person waiting has an offer to answer.
                services.enrolment_withdraw(
                    enrolment=booked[2], by=by, reason="Cannot be released from work that week"
                )
    _in_house(programmes["schools"], by, today, rng)


def _cohort(
    course: Course, by: User, start: datetime.date, *, capacity: int, rng: random.Random
) -> Cohort:
    online = course.level == Level.AWARENESS and rng.random() < 0.3
    return services.cohort_create(
        course=course,
        by=by,
        dates=_dates(start, course.days),
        trainers=[by],
        audience=Audience.OPEN,
        venue=""
        if online
        else rng.choice(
            [
                "Meadowbank Training Centre, 4 Station Parade, Harrogate HG1 1TT",
                "Northbridge Community Centre, Mill Lane, Northbridge NB2 3LP",
                "The Friends Meeting House, 12 Quaker Lane, Leeds LS1 5AB",
            ]
        ),
        online_link="https://meet.amends-demo.example/training" if online else "",
        capacity=capacity,
        price=Decimal(str(145 * course.days)),
        joining_instructions="Arrive from 9:15 for a 9:30 start; we finish by 4:30. Lunch is "
        "provided: tell us of any dietary needs.",
    )


def _in_house(programme: Programme, by: User, today: datetime.date, rng: random.Random) -> None:
    course = Course.objects.filter(programme=programme, level=Level.AWARENESS).first()
    if course is None:
        return
    start = _weekday(today + datetime.timedelta(days=30))
    cohort = services.cohort_create(
        course=course,
        by=by,
        dates=_dates(start, course.days),
        trainers=[by],
        audience=Audience.IN_HOUSE,
        client_organisation="Kingsmead Academy",
        venue="Kingsmead Academy, Staff Library",
        capacity=30,
        price=Decimal("1200.00"),
        joining_instructions="Sign in at the main reception.",
    )
    for n in range(12):
        person = _person(rng, "schools", 9000 + n)
        person["organisation_name"] = "Kingsmead Academy"
        services.enrolment_add(cohort=cohort, by=by, **person)
