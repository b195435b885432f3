"""factory_boy factories for the records the tests need.

Convention: an organisation-owned factory takes `organisation` and builds every
record it points at inside that same organisation, so `XFactory(organisation=org)`
gives a consistent set (the isolation walk relies on it).
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from amends.accounts.models import User
from amends.core.models import Invitation, Membership, Organisation, OrganisationKind, Role, Sector
from amends.people.models import IdentifierKind, Person, PersonIdentifier

PASSWORD = "correct horse battery staple"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.JUSTICE_SERVICE
    sectors = factory.LazyFunction(lambda: [Sector.JUSTICE])
    town = "Leeds"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.FACILITATOR


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.FACILITATOR
    token_hash = factory.Sequence(lambda n: Invitation.hash_token(f"token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Faker("email", locale="en_GB")
    phone = "07700 900 123"
    address = "1 High Street\nLeeds\nLS1 1AA"


class PersonIdentifierFactory(DjangoModelFactory):
    class Meta:
        model = PersonIdentifier

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    kind = IdentifierKind.PRISONER_NUMBER
    value = factory.Sequence(lambda n: f"A{n % 10000:04d}BC")
