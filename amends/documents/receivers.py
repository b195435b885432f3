"""A document's file goes when its row goes, however the row goes.

Deleting a case cascades to its documents without calling Document.delete(),
so the file is removed on post_delete, once the deletion has committed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from amends.documents.models import Document


@receiver(post_delete, sender=Document)
def remove_file(sender: Any, instance: Document, **kwargs: Any) -> None:
    path = instance.path
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
