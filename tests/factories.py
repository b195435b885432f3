"""factory_boy factories for the records the tests need.

Convention: an organisation-owned factory takes `organisation` and builds every
record it points at inside that same organisation, so `XFactory(organisation=org)`
gives a consistent set (the isolation walk relies on it).
"""

from __future__ import annotations

import datetime
import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from django.utils import timezone
from factory.django import DjangoModelFactory

from amends.accounts.models import User
from amends.core.fields import decrypt, encrypt
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

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """Every user has an authenticator app (UserFactory(second_factor=False) for none);
        platform administrators also have a passkey."""
        if not create or extracted is False:
            return
        TOTPAuthenticatorFactory(user=obj)
        if obj.is_platform_admin:
            PasskeyFactory(user=obj)


class TOTPAuthenticatorFactory(DjangoModelFactory):
    """An authenticator app: the secret is stored encrypted, as allauth's adapter stores it."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory, second_factor=False)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": encrypt(generate_totp_secret())})


class PasskeyFactory(DjangoModelFactory):
    """A WebAuthn authenticator row. Tests cannot run a real WebAuthn ceremony,
    so the credential is a placeholder: enough for 'has a passkey' checks."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory, second_factor=False)
    type = Authenticator.Type.WEBAUTHN
    data = factory.LazyFunction(lambda: {"name": "Security key", "credential": {}})


def totp_secret(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def totp_code(user, *, offset: int = 0) -> str:
    """The code `user`'s authenticator app shows now (offset in 30-second steps)."""
    counter = int(time.time()) // 30 + offset
    return format_hotp_value(hotp_value(totp_secret(user), counter))


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
