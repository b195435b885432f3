"""Large imports, checked and saved by the task queue (see docs/decisions/0008)."""

from __future__ import annotations

from django_tasks import task

from amends.imports.models import Import, ImportStatus


@task()
def import_in_background(import_id: int) -> str:
    upload = (
        Import.objects.select_related("organisation", "created_by").filter(pk=import_id).first()
    )
    if upload is None or not upload.is_working:
        return "nothing to do"
    from amends.imports.services import import_run

    done = import_run(
        upload=upload, by=upload.updated_by, save=upload.status == ImportStatus.SAVING
    )
    return done.status
