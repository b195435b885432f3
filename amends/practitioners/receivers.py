"""A certificate's file goes when its training record goes, however the row goes
(removed by a coordinator, or with the user's account), once the deletion has committed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from amends.practitioners.models import TrainingRecord


@receiver(post_delete, sender=TrainingRecord)
def remove_certificate(sender: Any, instance: TrainingRecord, **kwargs: Any) -> None:
    path = instance.evidence_path
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
