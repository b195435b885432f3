"""Reminders, run daily: facilitators hear of agreement actions due soon and overdue, and
people invited to a meeting tomorrow are reminded of it. The command queues the work for
the worker; `--now` does it here."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amends.cases.reminders import reminders_send
from amends.notify.services import meeting_reminders_send
from amends.notify.tasks import reminders_run


class Command(BaseCommand):
    help = "E-mail each facilitator the agreement actions on their cases that are overdue or due soon, and remind people of tomorrow's meetings. Run daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send them here, not on the queue.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["now"]:
            result = reminders_run.enqueue()
            self.stdout.write(f"Queued the reminders (task {result.id}).")
            return
        sent = reminders_send()
        made = meeting_reminders_send()
        self.stdout.write(f"Sent {sent} reminder e-mail{'s' if sent != 1 else ''}.")
        self.stdout.write(f"Made {made} meeting reminder{'s' if made != 1 else ''}.")
