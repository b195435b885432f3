"""Scheduled work run on the queue: each management command enqueues one of these, so a
slow run never holds up the scheduler, and a worker on any machine can take it."""

from __future__ import annotations

import datetime

from django_tasks import task

from amends.cases.reminders import reminders_send
from amends.notify.services import digests_send, meeting_reminders_send
from amends.privacy.services import retention_apply


@task()
def reminders_run(day: str | None = None) -> str:
    today = datetime.date.fromisoformat(day) if day else None
    sent = reminders_send(today=today)
    made = meeting_reminders_send(today=today)
    return f"{sent} follow-up reminders to facilitators, {made} meeting reminders to people"


@task()
def digests_run(day: str | None = None) -> str:
    made = digests_send(today=datetime.date.fromisoformat(day) if day else None)
    return f"{made} digests"


@task()
def retention_run() -> str:
    counts = retention_apply()
    return ", ".join(f"{what}: {n}" for what, n in sorted(counts.items())) or "nothing due"
