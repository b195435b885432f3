"""Demo group work: a school's weekly class circles and a prison's course on harm.

Kingsmead Academy's 8C form group meets in circle every Monday morning (one week the
whole of Year 8 met in circle and was counted rather than named). HMP Eastwood runs
the Ripples course, eight weekly sessions on the harm crime causes: a summer group that
has finished and an autumn group half way through, whose attendance is recorded by name.
Someone on the summer course asked to meet the family he harmed, and a case was opened
from their place in the group. Made through the services, so each change is audited.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import Count
from django.utils import timezone

from amends.accounts.models import User
from amends.cases.models import ProcessType
from amends.core.models import Membership, Organisation, Role
from amends.groups import services
from amends.groups.models import AbsenceReason, GroupKind, GroupMember, MemberStatus
from amends.people.models import Person
from amends.referrals.models import HarmType

CIRCLE_TOPICS = [
    "Check-in: how was the weekend?",
    "What makes a good friend?",
    "Settling back after half term",
    "Sharing the corridor: pushing and queueing",
    "Group chats and what we post",
    "Something I'm proud of",
    "Worries about the test week",
    "What respect looks like in class",
]
COURSE_TOPICS = [
    "Welcome and agreements for the group",
    "What is harm? Ripples from one act",
    "Hearing from someone who was harmed",
    "Responsibility and excuses",
    "Families and communities affected",
    "Making amends: what could put it right?",
    "Letters we may never send",
    "Looking forward, and closing the circle",
]
ABSENCES = [
    AbsenceReason.ILL,
    AbsenceReason.ELSEWHERE,
    AbsenceReason.ELSEWHERE,
    AbsenceReason.CHOSE_NOT,
]


def _member_user(organisation: Organisation, role: str, local: str) -> User:
    membership = (
        Membership.objects.filter(
            organisation=organisation, role=role, user__email__startswith=f"{local}@"
        )
        .select_related("user")
        .first()
    ) or Membership.objects.filter(organisation=organisation, role=role).select_related(
        "user"
    ).first()
    assert membership is not None, f"{organisation} has no {role}"
    return membership.user


def _mark_all(
    session_members: list[GroupMember], rng: random.Random, absent_at_most: int
) -> dict[int, tuple[bool, str]]:
    absent = set(rng.sample([m.pk for m in session_members], rng.randint(0, absent_at_most)))
    return {
        m.pk: (m.pk not in absent, "" if m.pk not in absent else rng.choice(ABSENCES))
        for m in session_members
    }


def _school_circles(school: Organisation, rng: random.Random, today: datetime.date) -> None:
    coordinator = _member_user(school, Role.COORDINATOR, "coordinator")
    facilitator = _member_user(school, Role.FACILITATOR, "facilitator")
    pupils = Person.objects.filter(organisation=school)
    # Use the roll's biggest form if the roll has forms; otherwise place pupils in Year 8.
    biggest = (
        pupils.exclude(form_group="")
        .values("year_group", "form_group")
        .annotate(n=Count("pk"))
        .order_by("-n", "form_group")
        .first()
    )
    if biggest is None or biggest["n"] < 12:
        ids = list(pupils.filter(form_group="").order_by("pk").values_list("pk", flat=True)[:50])
        pupils.filter(pk__in=ids[:25]).update(year_group="Year 8", form_group="8C")
        pupils.filter(pk__in=ids[25:]).update(year_group="Year 8", form_group="8B")
        year, form = "Year 8", "8C"
    else:
        year, form = biggest["year_group"], biggest["form_group"]
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [monday - datetime.timedelta(weeks=n) for n in range(len(CIRCLE_TOPICS), 0, -1)]
    group = services.group_create(
        organisation=school,
        by=coordinator,
        kind=GroupKind.CIRCLE,
        name=f"{form} form group",
        sector="schools",
        about="A check-in circle every Monday in form time, to build the group before "
        "anything goes wrong.",
        facilitator=facilitator,
        starts_on=weeks[0],
    )
    services.group_members_add(
        group=group,
        people=list(pupils.filter(year_group=year, form_group=form).order_by("pk")),
        by=coordinator,
        joined_on=weeks[0],
    )
    members = list(group.members.all())
    for week, topic in zip(weeks, CIRCLE_TOPICS, strict=True):
        if topic == "Worries about the test week":
            # The whole year group met in circle in the hall: counted, not named.
            services.session_add(
                group=group, by=facilitator, held_on=week, topic=topic,
                facilitator=facilitator, headcount=len(members) + 3 * 28,
            )  # fmt: skip
            continue
        session = services.session_add(
            group=group, by=facilitator, held_on=week, topic=topic, facilitator=facilitator
        )
        services.attendance_record(
            session=session, marks=_mark_all(members, rng, 3), by=facilitator
        )


def _prison_course(prison: Organisation, rng: random.Random, today: datetime.date) -> None:
    coordinator = _member_user(prison, Role.COORDINATOR, "coordinator")
    facilitator = _member_user(prison, Role.FACILITATOR, "facilitator")
    men = list(Person.objects.filter(organisation=prison).order_by("pk")[:40])
    wednesday = today - datetime.timedelta(days=(today.weekday() - 2) % 7)
    for season, weeks_ago, people in [
        ("summer", 20, men[:9]),
        ("autumn", 5, men[9:19]),
    ]:
        first = wednesday - datetime.timedelta(weeks=weeks_ago)
        group = services.group_create(
            organisation=prison,
            by=coordinator,
            kind=GroupKind.PROGRAMME,
            name=f"Ripples course, {season}",
            sector="prisons",
            about="Eight weekly sessions in the chapel on the harm crime causes, to the people "
            "harmed, their families and communities.",
            facilitator=facilitator,
            starts_on=first,
        )
        services.group_members_add(group=group, people=people, by=coordinator, joined_on=first)
        members = list(group.members.all())
        still_here = list(members)
        for n, topic in enumerate(COURSE_TOPICS):
            held_on = first + datetime.timedelta(weeks=n)
            session = services.session_add(
                group=group, by=facilitator, held_on=held_on, topic=topic, facilitator=facilitator
            )
            if held_on > today:
                continue
            if n == 3 and len(still_here) > 7:
                # One was transferred after the third session.
                gone = still_here.pop()
                services.member_finish(
                    member=gone, status=MemberStatus.LEFT, by=coordinator, on=held_on
                )
            marks = _mark_all(still_here, rng, 2)
            services.attendance_record(session=session, marks=marks, by=facilitator)
        if season == "summer":
            end = first + datetime.timedelta(weeks=len(COURSE_TOPICS) - 1)
            for member in still_here:
                services.member_finish(
                    member=member, status=MemberStatus.COMPLETED, by=coordinator, on=end
                )
            asking = still_here[0]
            harm_type = (
                HarmType.objects.for_organisation(prison)
                .filter(name="Harm done before custody")
                .first()
            )
            services.group_case_open(
                member=asking,
                by=coordinator,
                harm_summary="After the course they asked to meet the family whose home he "
                "burgled, to answer their questions and say sorry in person.",
                harm_type=harm_type,
                planned_process=ProcessType.CONFERENCE,
            )


def _wing_circle(prison: Organisation, rng: random.Random, today: datetime.date) -> None:
    coordinator = _member_user(prison, Role.COORDINATOR, "coordinator")
    facilitator = _member_user(prison, Role.FACILITATOR, "facilitator")
    thursday = today - datetime.timedelta(days=(today.weekday() - 3) % 7)
    first = thursday - datetime.timedelta(weeks=3)
    group = services.group_create(
        organisation=prison,
        by=coordinator,
        kind=GroupKind.CIRCLE,
        name="B wing Thursday circle",
        sector="prisons",
        about="A check-in circle on the landing each Thursday afternoon, with the wing's "
        "peer mentors.",
        facilitator=facilitator,
        starts_on=first,
    )
    men = list(Person.objects.filter(organisation=prison).order_by("-pk")[:8])
    services.group_members_add(group=group, people=men, by=coordinator, joined_on=first)
    members = list(group.members.all())
    for n, topic in enumerate(
        ["Settling in: what helps on the wing", "Noise at night", "Sharing the servery queue"]
    ):
        session = services.session_add(
            group=group,
            by=facilitator,
            held_on=first + datetime.timedelta(weeks=n),
            topic=topic,
            facilitator=facilitator,
        )
        services.attendance_record(
            session=session, marks=_mark_all(members, rng, 2), by=facilitator
        )


def load_demo_groups(organisations: dict[str, Organisation]) -> None:
    rng = random.Random(20261128)  # deterministic demo data, not security
    today = timezone.localdate()
    _school_circles(organisations["school"], rng, today)
    _prison_course(organisations["prison"], rng, today)
    _wing_circle(organisations["prison"], rng, today)
