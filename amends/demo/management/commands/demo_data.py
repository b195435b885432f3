"""Demo data: the consultancy, one organisation per sector, users in every role, and people.

Every name, address and number is made up (names from amends.demo.names,
addresses from Faker en_GB, both seeded so each run makes the same data);
phone numbers are in Ofcom's range reserved for drama.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from faker import Faker

from amends.accounts.demo import DEMO_DOMAIN, demo_totp_secret, give_demo_authenticator
from amends.accounts.models import User
from amends.core.models import Membership, Organisation, OrganisationKind, Role, Sector
from amends.demo.cases import load_demo_cases
from amends.demo.custody import load_demo_custody
from amends.demo.groups import load_demo_groups
from amends.demo.history import load_history
from amends.demo.housing import load_demo_housing
from amends.demo.names import email_local_part, person_name
from amends.demo.practitioners import load_demo_practitioners
from amends.demo.reports import load_demo_report_settings
from amends.demo.schools import load_demo_school
from amends.demo.training import load_demo_training
from amends.demo.website import load_demo_website
from amends.people.models import (
    AgeBand,
    ContactMethod,
    IdentifierKind,
    Person,
    PersonIdentifier,
    SafeToUse,
)
from amends.people.upn import upn_check_letter

DEMO_PASSWORD = "demo-password-amends"  # noqa: S105 (printed for people trying the demo)

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "key": "consultancy",
        "name": "Meadowbank Restorative Consultancy",
        "kind": OrganisationKind.CONSULTANCY,
        "sectors": [s.value for s in Sector],
        "town": "Harrogate",
        "postcode": "HG1 2RQ",
        "prefix": "MRC",
    },
    {
        "key": "justice",
        "name": "Northbridge Police Restorative Justice Hub",
        "kind": OrganisationKind.JUSTICE_SERVICE,
        "sectors": [Sector.JUSTICE.value],
        "town": "Northbridge",
        "postcode": "NB1 4PL",
        "prefix": "RJ",
        "identifier": IdentifierKind.POLICE_REFERENCE,
    },
    {
        "key": "school",
        "name": "Kingsmead Academy",
        "kind": OrganisationKind.SCHOOL,
        "sectors": [Sector.SCHOOLS.value],
        "town": "Kingsmead",
        "postcode": "KM3 7AC",
        "prefix": "KA",
        "identifier": IdentifierKind.PUPIL_NUMBER,
    },
    {
        "key": "housing",
        "name": "Riverside Homes Housing Association",
        "kind": OrganisationKind.HOUSING,
        "sectors": [Sector.COMMUNITIES.value],
        "town": "Riverside",
        "postcode": "RS2 9HH",
        "prefix": "RH",
        "identifier": IdentifierKind.TENANCY_REFERENCE,
    },
    {
        "key": "prison",
        "name": "HMP Eastwood",
        "kind": OrganisationKind.PRISON,
        "sectors": [Sector.PRISONS.value],
        "town": "Eastwood",
        "postcode": "EW4 1HM",
        "prefix": "EW",
        "identifier": IdentifierKind.PRISONER_NUMBER,
    },
]

# (organisation key, role, e-mail local part, full name)
USERS: list[tuple[str, str, str, str]] = [
    ("consultancy", Role.COORDINATOR, "coordinator", "Morag Fairbairn"),
    ("consultancy", Role.TRAINER, "trainer", "Tobias Okafor"),
    ("justice", Role.COORDINATOR, "coordinator", "Priya Chandran"),
    ("justice", Role.FACILITATOR, "facilitator", "Gareth Llewellyn"),
    ("justice", Role.FACILITATOR, "facilitator2", "Aisha Begum"),
    ("justice", Role.REFERRER, "referrer", "PC Dan Whitaker"),
    ("justice", Role.VIEWER, "viewer", "Zoë Ní Bhriain"),
    ("school", Role.COORDINATOR, "coordinator", "Ruth Adebayo"),
    ("school", Role.FACILITATOR, "facilitator", "Harpreet Kaur"),
    ("school", Role.REFERRER, "referrer", "Siân Pritchard"),
    ("school", Role.VIEWER, "viewer", "Łukasz Nowak"),
    ("housing", Role.COORDINATOR, "coordinator", "Lorraine Kelly-Watts"),
    ("housing", Role.FACILITATOR, "facilitator", "Yusuf Patel"),
    ("housing", Role.REFERRER, "referrer", "Marcia Campbell"),
    ("housing", Role.VIEWER, "viewer", "Councillor Ann Shaw"),
    ("prison", Role.COORDINATOR, "coordinator", "Governor Neil Armitage"),
    ("prison", Role.FACILITATOR, "facilitator", "Beverley Stokes"),
    ("prison", Role.REFERRER, "referrer", "Officer Ciarán O'Doherty"),
    ("prison", Role.VIEWER, "viewer", "Fiona McLeod"),
]

PEOPLE_PER_ORGANISATION = 60


def demo_email(org_key: str, local: str) -> str:
    return f"{local}@{org_key}{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = "Load demo data (fictional organisations, users and people) and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database has no organisations yet; print the sign-ins anyway.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("The database already has data: keeping it.")
        else:
            with transaction.atomic():
                self.load()
        self.print_sign_ins()

    def load(self) -> None:
        fake = Faker("en_GB")
        Faker.seed(20261124)
        rng = random.Random(20261124)  # deterministic demo data, not security
        organisations: dict[str, Organisation] = {}
        for spec in ORGANISATIONS:
            # Faker's "Flat 17\nJanet Meadows" is two lines; one input would run them together.
            line_1, _, line_2 = fake.street_address().partition("\n")
            organisations[spec["key"]] = Organisation.objects.create(
                name=spec["name"],
                kind=spec["kind"],
                sectors=spec["sectors"],
                address_line_1=line_1,
                address_line_2=line_2,
                town=spec["town"],
                postcode=spec["postcode"],
                phone="0113 496 0000",
                email=f"enquiries@{spec['key']}.amends-demo.example",
                case_reference_prefix=spec["prefix"],
            )

        users: dict[str, User] = {}
        for org_key, role, local, name in USERS:
            email = demo_email(org_key, local)
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
            users[email] = user
            # Each account last worked in the organisation its address names, so it signs in there.
            Membership.objects.create(
                user=user,
                organisation=organisations[org_key],
                role=role,
                last_chosen_at=timezone.now(),
            )
        # One facilitator works for two services and switches between them.
        Membership.objects.create(
            user=users[demo_email("justice", "facilitator")],
            organisation=organisations["prison"],
            role=Role.FACILITATOR,
        )
        for user in users.values():
            give_demo_authenticator(user)
        # Before the demo cases are allocated: allocation asks for the training each case needs.
        load_demo_practitioners(users=users, organisations=organisations)
        # The platform administrator enrols a passkey at first sign-in (a passkey
        # cannot be made from the command line); see README.
        User.objects.create_user(
            email=demo_email("consultancy", "admin"),
            password=DEMO_PASSWORD,
            full_name="Platform Administrator",
            is_platform_admin=True,
        )

        phone_serial = 0
        for spec in ORGANISATIONS:
            if "identifier" not in spec:
                continue
            org = organisations[spec["key"]]
            people = []
            for n in range(PEOPLE_PER_ORGANISATION):
                phone_serial += 1
                people.append(self.make_person(fake, rng, org, spec["key"], phone_serial, n))
            Person.objects.bulk_create(people)
            identifiers = [
                PersonIdentifier(
                    organisation=org,
                    person=person,
                    kind=spec["identifier"],
                    value=self.identifier(spec["identifier"], rng, n),
                )
                for n, person in enumerate(Person.objects.filter(organisation=org).order_by("pk"))
            ]
            PersonIdentifier.objects.bulk_create(identifiers)
            members = Membership.objects.filter(organisation=org).select_related("user")
            coordinator = next(m.user for m in members if m.role == Role.COORDINATOR)
            facilitators = [m.user for m in members if m.role == Role.FACILITATOR]
            referrer = next((m.user for m in members if m.role == Role.REFERRER), None)

            def extra_person(
                rng: random.Random, n: int, org: Organisation = org, key: str = spec["key"]
            ) -> Person:
                return self.make_person(fake, rng, org, key, 500 + n, 500 + n)

            history = load_history(
                organisation=org,
                coordinator=coordinator,
                facilitators=facilitators,
                referrer=referrer,
                make_person=extra_person,
            )
            self.stdout.write(f"{org.name}: a year of history, {history} cases")
            count = load_demo_cases(
                organisation=org,
                coordinator=coordinator,
                referrer=referrer,
                facilitators=facilitators,
                people=list(Person.objects.filter(organisation=org)),
                rng=rng,
            )
            self.stdout.write(f"{org.name}: {PEOPLE_PER_ORGANISATION} people, {count} cases")
        load_demo_housing(organisations["housing"], rng)
        conversations = load_demo_school(
            organisation=organisations["school"],
            coordinator=users[demo_email("school", "coordinator")],
            facilitator=users[demo_email("school", "facilitator")],
        )
        self.stdout.write(f"{organisations['school'].name}: {conversations} conversations")
        load_demo_custody(organisations["prison"])
        load_demo_website(organisations)
        enrolments = load_demo_training(organisation=organisations["consultancy"], rng=rng)
        self.stdout.write(f"{organisations['consultancy'].name}: {enrolments} training enrolments")
        load_demo_report_settings(organisations)
        load_demo_groups(organisations)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def make_person(
        self, fake: Faker, rng: random.Random, org: Organisation, key: str, serial: int, n: int
    ) -> Person:
        today = datetime.date.today()
        if key == "school":
            age = rng.randint(11, 16)
        elif key == "prison":
            age = rng.randint(21, 60)
        else:
            age = rng.randint(12, 80)
        dob = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        known_dob = rng.random() > 0.15
        given, family = person_name(rng)
        person = Person(
            organisation=org,
            given_name=given,
            family_name=family,
            known_as=given[:3] if rng.random() < 0.05 else "",
            pronouns=rng.choice(["", "she/her", "he/him", "they/them"]),
            date_of_birth=dob if known_dob else None,
            age_band="" if known_dob else self.age_band(age),
            email=f"{email_local_part(given, family)}.{n}@example.org",
            phone=f"07700 900{serial % 1000:03d}",
            address=f"{fake.street_address()}\n{fake.city()}\n{fake.postcode()}",
            preferred_contact=rng.choice(ContactMethod.values),
            voicemail_safe=rng.choice(SafeToUse.values),
            text_safe=rng.choice(SafeToUse.values),
            letter_safe=rng.choice(SafeToUse.values),
            language=rng.choice(["English"] * 8 + ["Polish", "Urdu", "Welsh", "Romanian"]),
            accessibility_needs=rng.choice(["", "", "", "Large print", "Step-free access"]),
        )
        person.interpreter_needed = person.language not in {"English", "Welsh"}
        person.is_child = person.child_today()
        return person

    @staticmethod
    def age_band(age: int) -> str:
        for band, high in [
            (AgeBand.UNDER_10, 9),
            (AgeBand.AGE_10_13, 13),
            (AgeBand.AGE_14_17, 17),
            (AgeBand.AGE_18_24, 24),
            (AgeBand.AGE_25_39, 39),
            (AgeBand.AGE_40_59, 59),
        ]:
            if age <= high:
                return band
        return AgeBand.AGE_60_PLUS

    @staticmethod
    def identifier(kind: str, rng: random.Random, n: int) -> str:
        if kind == IdentifierKind.POLICE_REFERENCE:
            return f"13/{10000 + n}/26"
        if kind == IdentifierKind.PUPIL_NUMBER:
            rest = f"{rng.randint(10**10, 10**11 - 1)}{n % 10}"
            return f"{upn_check_letter(rest)}{rest}"
        if kind == IdentifierKind.TENANCY_REFERENCE:
            return f"RH-{n:06d}"
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return f"{rng.choice(letters)}{1000 + n}{rng.choice(letters)}{rng.choice(letters)}"

    def print_sign_ins(self) -> None:
        if not User.objects.filter(email__endswith=DEMO_DOMAIN).exists():
            return
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
        )
        rows = [(demo_email("consultancy", "admin"), "Platform administrator", "")]
        rows += [
            (demo_email(key, local), str(Role(role).label), name)
            for key, role, local, name in USERS
        ]
        org_names = {spec["key"]: spec["name"] for spec in ORGANISATIONS}
        users = {u.email: u for u in User.objects.filter(email__endswith=DEMO_DOMAIN)}
        for email, role, _name in rows:
            key = email.split("@")[1].split(".")[0]
            self.stdout.write(f"  {email:<48} {role:<22} {org_names[key]}")
            secret = demo_totp_secret(users[email]) if email in users else None
            if secret:
                self.stdout.write(f"      authenticator app key: {secret}")
                self.stdout.write(
                    f"      current code:          uv run python manage.py demo_totp {email}"
                )
            else:
                self.stdout.write(
                    "      second factor: adds a passkey at first sign-in (see README)"
                )
        self.stdout.write("")
        self.stdout.write(
            "Open http://127.0.0.1:8000 and sign in with any of them: with DEBUG on, the "
            "second-factor page of a demo account shows its current code."
        )
