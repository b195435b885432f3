"""Encrypted model fields for personal data at rest.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256: authenticated
encryption) under FIELD_ENCRYPTION_KEYS, never SECRET_KEY. The first key
encrypts; every key decrypts, so keys rotate by putting a new key first and
running `manage.py rotate_field_keys`. Encrypted fields cannot be searched or
filtered on, by design.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value could not be read: FIELD_ENCRYPTION_KEYS lacks the key it was "
            "written with."
        ) from exc


def rotate(stored: str) -> str:
    """Re-encrypt a stored value under the newest key."""
    if not stored.startswith(PREFIX):
        return encrypt(stored) if stored else stored
    return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. Empty values are stored empty."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise NotImplementedError(f"Encrypted fields cannot be searched ({lookup_name}).")
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedTextField):
    """Encrypted short text; rendered as a one-line input in forms."""

    def formfield(self, *args: Any, **kwargs: Any) -> Any:
        from django import forms

        kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(*args, **kwargs)
