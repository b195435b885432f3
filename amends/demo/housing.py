"""Demo households for the housing provider: its residents in homes on three estates, the
households in each of its neighbour disputes, the landlord's ASB references, escalation
considered and avoided, a dispute between three households with a community conference
arranged, and a case that came from an ASB case review (the community trigger).

Used only by the demo_data command; made through the services people use where a story
needs them, and in bulk where it is only history.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from amends.accounts.models import User
from amends.cases import services as cases
from amends.cases.models import Case, Party, PartyRole, ProcessType
from amends.core.models import Membership, Organisation, Role, Sector
from amends.demo.cases import _prepare
from amends.housing import services as housing
from amends.housing.models import (
    CaseHousehold,
    CaseHousing,
    EnforcementConsidered,
    EscalationOutcome,
    Household,
    HouseholdMember,
    HousingSettings,
    TenancyEnd,
    Tenure,
)
from amends.meetings import services as meetings
from amends.people.models import Person
from amends.referrals import services as referrals
from amends.referrals.models import HarmType

HOMES_OWNED = 2_140
ESTATES = [
    ("Meadowbank Estate", ["Meadowbank Road", "Hazel Close", "Rowan Walk"]),
    ("Quayside", ["Quay Street", "Lock Keeper's Row", "Wharf Court"]),
    ("St Anne's Gardens", ["St Anne's Gardens", "Chapel Lane", "Orchard View"]),
]
POSTCODES = ["RS2 4", "RS2 7", "RS3 1"]
TENURE_MIX: list[tuple[str, int]] = [
    (Tenure.SOCIAL_RENT, 60),
    (Tenure.AFFORDABLE_RENT, 15),
    (Tenure.STARTER, 5),
    (Tenure.SHARED_OWNERSHIP, 5),
    (Tenure.LEASEHOLD, 5),
    (Tenure.OWNER_OCCUPIER, 5),
    (Tenure.PRIVATE_RENT, 5),
]

# The three households of the dispute about the shared garden at Hazel Close.
THREE_HOUSEHOLDS = [
    (
        "The O'Connor household",
        "Flat 2, 14 Hazel Close",
        PartyRole.HARMED,
        [("Siân", "O'Connor", True), ("Ffion", "O'Connor", False)],
    ),
    (
        "The Ní Bhriain household",
        "Flat 4, 14 Hazel Close",
        PartyRole.RESPONSIBLE,
        [
            ("Zoë", "Ní Bhriain", True),
            ("Oisín", "Ní Bhriain", False),
            ("Aoife", "Ní Bhriain", False),
        ],
    ),
    (
        "The Nowak-Kowalczyk household",
        "Flat 6, 14 Hazel Close",
        PartyRole.COMMUNITY,
        [("Łukasz", "Nowak-Kowalczyk", True), ("Małgorzata", "Nowak-Kowalczyk", False)],
    ),
]


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _new_household(
    rng: random.Random, organisation: Organisation, family_name: str, n: int
) -> Household:
    estate, streets = ESTATES[n % len(ESTATES)]
    tenure = _weighted(rng, TENURE_MIX)
    ours = tenure not in {Tenure.OWNER_OCCUPIER, Tenure.PRIVATE_RENT}
    started = timezone.localdate() - datetime.timedelta(days=rng.randint(400, 5000))
    return Household(
        organisation=organisation,
        name=f"The {family_name} household",
        address_line_1=f"{rng.randint(1, 120)} {rng.choice(streets)}",
        town=organisation.town or "Riverside",
        postcode=f"{POSTCODES[n % len(POSTCODES)]}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        estate=estate,
        tenure=tenure,
        tenancy_reference=f"TEN-{4000 + n:06d}" if ours else "",
        tenancy_started_on=started if ours else None,
    )


REPEATS = 7


def _repeat_complaints(organisation: Organisation, principals: list[Party]) -> dict[int, int]:
    """Some later disputes are between the same two homes as an earlier one, within the
    year: the later case's two people live with the earlier case's two. Returns each such
    person's housemate."""
    pairs: dict[int, dict[str, int]] = {}
    for party in principals:
        pairs.setdefault(party.case_id, {}).setdefault(party.role, party.person_id)
    opened = dict(
        Case.objects.filter(pk__in=list(pairs)).values_list("pk", "opened_on").order_by("pk")
    )
    ordered = sorted((c for c in pairs if len(pairs[c]) == 2), key=lambda c: (opened[c], c))
    lives_with: dict[int, int] = {}
    used: set[int] = set()
    for later in reversed(ordered):
        if len(lives_with) >= 2 * REPEATS:
            break
        people = set(pairs[later].values())
        if people & (used | set(lives_with)):
            continue
        for earlier in ordered:
            gap = (opened[later] - opened[earlier]).days
            first = set(pairs[earlier].values())
            if not 30 <= gap <= 330 or first & (people | set(lives_with)):
                continue
            for role in (PartyRole.HARMED, PartyRole.RESPONSIBLE):
                lives_with[pairs[later][role]] = pairs[earlier][role]
            used |= first | people
            break
    return lives_with


def _households_for_history(
    organisation: Organisation, rng: random.Random
) -> dict[int, list[Household]]:
    """A household for each person harmed and responsible (with those supporting them), and
    the households in each case."""
    parties = list(
        Party.objects.filter(organisation=organisation, case__sector=Sector.COMMUNITIES)
        .select_related("person", "supports")
        .order_by("case_id", "pk")
    )
    home_of: dict[int, Household] = {}
    new: list[Household] = []
    members: list[HouseholdMember] = []
    principals = [p for p in parties if p.role in (PartyRole.HARMED, PartyRole.RESPONSIBLE)]
    lives_with = _repeat_complaints(organisation, principals)
    for party in principals:
        if party.person_id in home_of or party.person_id in lives_with:
            continue
        household = _new_household(rng, organisation, party.person.family_name, len(new))
        new.append(household)
        home_of[party.person_id] = household
    Household.objects.bulk_create(new)
    for person_id, housemate_id in lives_with.items():
        home_of[person_id] = home_of[housemate_id]
    for person_id, household in home_of.items():
        members.append(
            HouseholdMember(
                organisation=organisation,
                household=household,
                person_id=person_id,
                is_tenant=person_id not in lives_with,
            )
        )
    # Parents, carers and supporters live with the person they support.
    for party in parties:
        if party.person_id in home_of or party.supports is None:
            continue
        supported = home_of.get(party.supports.person_id)
        if supported is not None:
            home_of[party.person_id] = supported
            members.append(
                HouseholdMember(
                    organisation=organisation, household=supported, person_id=party.person_id
                )
            )
    HouseholdMember.objects.bulk_create(members)
    in_case: dict[int, list[Household]] = {}
    for party in principals:
        household = home_of[party.person_id]
        if household not in in_case.setdefault(party.case_id, []):
            in_case[party.case_id].append(household)
    CaseHousehold.objects.bulk_create(
        [
            CaseHousehold(organisation=organisation, case_id=case_id, household=household)
            for case_id, households in in_case.items()
            for household in households
        ]
    )
    return in_case


def _asb_details(organisation: Organisation, rng: random.Random) -> None:
    """The landlord's reference on every case; escalation considered on about one in three,
    and mostly avoided where the case has closed."""
    details: list[CaseHousing] = []
    for case in Case.objects.filter(organisation=organisation, sector=Sector.COMMUNITIES).order_by(
        "opened_on", "pk"
    ):
        considered = EnforcementConsidered.NONE
        outcome = EscalationOutcome.NOT_YET_KNOWN
        if rng.random() < 0.35:
            considered = rng.choice(
                [
                    EnforcementConsidered.INJUNCTION,
                    EnforcementConsidered.POSSESSION,
                    EnforcementConsidered.BOTH,
                ]
            )
            if case.is_closed:
                outcome = (
                    EscalationOutcome.AVOIDED if rng.random() < 0.8 else EscalationOutcome.TAKEN
                )
        details.append(
            CaseHousing(
                organisation=organisation,
                case=case,
                asb_reference=f"ASB-{case.opened_on:%Y}-{len(details) + 101:04d}",
                enforcement_considered=considered,
                escalation_outcome=outcome,
            )
        )
    CaseHousing.objects.bulk_create(details)


def _tenancies_ended(organisation: Organisation, rng: random.Random) -> None:
    """A few households have moved on since their case: most by choice, two lost their home."""
    ours = list(
        Household.objects.filter(organisation=organisation)
        .exclude(tenancy_reference="")
        .order_by("pk")
    )
    rng.shuffle(ours)
    today = timezone.localdate()
    for household, reason in zip(
        ours,
        [
            TenancyEnd.POSSESSION,
            TenancyEnd.ABANDONED,
            TenancyEnd.MOVED_BY_CHOICE,
            TenancyEnd.MOVED_BY_CHOICE,
            TenancyEnd.TRANSFER,
        ],
        strict=False,
    ):
        household.tenancy_ended_on = today - datetime.timedelta(days=rng.randint(10, 120))
        household.tenancy_end_reason = reason
        household.save(update_fields=["tenancy_ended_on", "tenancy_end_reason"])


def _open_case(
    organisation: Organisation,
    by: User,
    harm_name: str,
    summary: str,
    received_on: datetime.date,
    first: Person,
    second: Person,
) -> Case:
    referral = referrals.referral_create(
        organisation=organisation,
        by=by,
        by_referrer=False,
        people=[
            {"role": "harmed", "given_name": first.given_name, "family_name": first.family_name},
            {
                "role": "responsible",
                "given_name": second.given_name,
                "family_name": second.family_name,
            },
        ],
        source_agency=organisation.name,
        referrer_name=by.get_full_name(),
        received_on=received_on,
        incident_date=received_on - datetime.timedelta(days=6),
        incident_summary=summary,
        harm_type=HarmType.objects.for_organisation(organisation).get(name=harm_name),
        justice_stage="",
        sector=Sector.COMMUNITIES,
    )
    return referrals.referral_accept(
        referral=referral,
        by=by,
        planned_process=ProcessType.COMMUNITY_CONFERENCE,
        people=dict(
            zip(
                referral.people.order_by("pk").values_list("pk", flat=True),
                (first, second),
                strict=True,
            )
        ),
    )


def _three_household_dispute(
    organisation: Organisation, coordinator: User, lead: User, rng: random.Random
) -> Case:
    today = timezone.localdate()
    households: list[tuple[Household, str, list[Person]]] = []
    for n, (name, line_1, role, people) in enumerate(THREE_HOUSEHOLDS):
        household = housing.household_create(
            organisation=organisation,
            by=coordinator,
            name=name,
            address_line_1=line_1,
            address_line_2="",
            town=organisation.town or "Riverside",
            postcode="RS2 4HZ",
            estate="Meadowbank Estate",
            tenure=Tenure.SOCIAL_RENT,
            tenancy_reference=f"TEN-{9100 + n:06d}",
            tenancy_started_on=today - datetime.timedelta(days=900 + 300 * n),
        )
        made = []
        for given, family, tenant in people:
            person = Person.objects.create(
                organisation=organisation, given_name=given, family_name=family
            )
            housing.household_member_add(
                household=household, person=person, is_tenant=tenant, by=coordinator
            )
            made.append(person)
        households.append((household, role, made))
    # The referral names the two tenants first in the dispute; the households bring the rest.
    case = _open_case(
        organisation,
        coordinator,
        "Neighbour dispute",
        "Arguments over the shared garden and bins at 14 Hazel Close between three flats, "
        "with noise complaints both ways.",
        today - datetime.timedelta(days=21),
        households[0][2][0],
        households[1][2][0],
    )
    cases.case_allocate(case=case, lead=lead, co=None, by=coordinator)
    for household, part, _people in households:
        housing.case_household_add(case=case, household=household, role=part, by=coordinator)
    housing.case_housing_update(
        case=case,
        by=coordinator,
        asb_reference=f"ASB-{today:%Y}-0415",
        from_case_review=False,
        case_review_on=None,
        case_review_body="",
        enforcement_considered=EnforcementConsidered.INJUNCTION,
        escalation_outcome=EscalationOutcome.NOT_YET_KNOWN,
    )
    # Everyone seen at home, consent taken and the risks assessed before the conference.
    _prepare(case, lead, today - datetime.timedelta(days=10), rng)
    day = today + datetime.timedelta(days=9)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    meetings.meeting_arrange(
        case=case,
        by=lead,
        process=ProcessType.COMMUNITY_CONFERENCE,
        scheduled_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0))),
        venue="Meadowbank Community Centre, Main Hall",
        facilitator=lead,
        co_facilitator=None,
        attendees=list(case.parties.all()),
    )
    return case


def _community_trigger_case(
    organisation: Organisation, coordinator: User, lead: User, people: list[Person]
) -> Case:
    today = timezone.localdate()
    case = _open_case(
        organisation,
        coordinator,
        "Anti-social behaviour",
        "Months of reports of intimidation on the stairwell; the resident asked for an ASB "
        "case review after three reports in six months.",
        today - datetime.timedelta(days=12),
        people[0],
        people[1],
    )
    cases.case_allocate(case=case, lead=lead, co=None, by=coordinator)
    housing.case_housing_update(
        case=case,
        by=coordinator,
        asb_reference=f"ASB-{today:%Y}-0422",
        from_case_review=True,
        case_review_on=today - datetime.timedelta(days=18),
        case_review_body="Riverside Community Safety Partnership",
        enforcement_considered=EnforcementConsidered.POSSESSION,
        escalation_outcome=EscalationOutcome.NOT_YET_KNOWN,
    )
    return case


def load_demo_housing(organisation: Organisation, rng: random.Random) -> int:
    """Households, ASB details and the housing stories. Returns how many households."""
    staff = Membership.objects.filter(organisation=organisation).select_related("user")
    coordinator = next(m.user for m in staff if m.role == Role.COORDINATOR)
    facilitators = [m.user for m in staff if m.role == Role.FACILITATOR]
    HousingSettings.objects.create(organisation=organisation, homes_owned=HOMES_OWNED)
    _households_for_history(organisation, rng)
    _asb_details(organisation, rng)
    _tenancies_ended(organisation, rng)
    lead = facilitators[0]
    _three_household_dispute(organisation, coordinator, lead, rng)
    spare = list(
        Person.objects.filter(organisation=organisation, parties__isnull=True).order_by("pk")[:2]
    )
    _community_trigger_case(organisation, coordinator, lead, spare)
    return Household.objects.filter(organisation=organisation).count()
