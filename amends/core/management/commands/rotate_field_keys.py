"""Re-encrypt every encrypted field under the newest key in FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from amends.core.fields import PREFIX, EncryptedTextField, rotate

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data under the first key in FIELD_ENCRYPTION_KEYS. Run after putting "
        "a new key first; afterwards the old keys can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
            ]
            if not fields:
                continue
            count = 0
            queryset = model._default_manager.order_by("pk").only("pk", *fields)
            batch: list[Any] = []
            for obj in queryset.iterator(chunk_size=BATCH):
                batch.append(obj)  # values were decrypted on load; saving encrypts anew
                if len(batch) == BATCH:
                    count += self._save(model, batch, fields)
                    batch = []
            if batch:
                count += self._save(model, batch, fields)
            self.stdout.write(
                f"{model._meta.label}: re-encrypted {count} rows ({', '.join(fields)})"
            )
        self.stdout.write(f"Second-factor secrets: re-encrypted {self._rotate_authenticators()}")

    @staticmethod
    def _rotate_authenticators() -> int:
        """TOTP keys and recovery-code seeds, which allauth keeps in a JSON column."""
        from allauth.mfa.models import Authenticator

        count = 0
        for authenticator in Authenticator.objects.order_by("pk").iterator(chunk_size=BATCH):
            data = dict(authenticator.data)
            changed = False
            for key in ("secret", "seed"):
                if isinstance(data.get(key), str) and data[key].startswith(PREFIX):
                    data[key] = rotate(data[key])
                    changed = True
            if changed:
                Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
                count += 1
        return count

    @staticmethod
    def _save(model: Any, batch: list[Any], fields: list[str]) -> int:
        with transaction.atomic():
            model._default_manager.bulk_update(batch, fields)
        return len(batch)
