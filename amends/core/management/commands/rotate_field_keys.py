"""Re-encrypt every encrypted field under the newest key in FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from amends.core.fields import EncryptedTextField

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

    @staticmethod
    def _save(model: Any, batch: list[Any], fields: list[str]) -> int:
        with transaction.atomic():
            model._default_manager.bulk_update(batch, fields)
        return len(batch)
