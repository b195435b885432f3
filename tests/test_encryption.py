"""Personal data is encrypted at rest, and the keys can be rotated."""

from __future__ import annotations

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from amends.people.models import Person
from tests.factories import PersonFactory


def raw_address(person) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM people_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_old_rows_under_the_new_key(db, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    person = PersonFactory(address="7 Marker Row")
    written_under_old = raw_address(person)

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", stdout=io.StringIO())
    assert raw_address(person) != written_under_old

    # With the old key gone, the data still reads: it is under the new key now.
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Person.objects.get(pk=person.pk).address == "7 Marker Row"
    assert "Marker" not in raw_address(person)


def test_rotation_covers_second_factor_secrets(db, settings):
    from allauth.mfa.models import Authenticator

    from tests.factories import UserFactory, totp_secret

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    user = UserFactory()
    secret = totp_secret(user)

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert totp_secret(user) == secret
    assert secret not in str(Authenticator.objects.get(user=user).data)
