"""Large exports, made by the task queue (see docs/decisions/0020)."""

from __future__ import annotations

from django_tasks import task

from amends.exports.services import export_make


@task()
def export_in_background(export_id: int) -> str:
    made = export_make(export_id=export_id)
    return made.status if made is not None else "nothing to do"
