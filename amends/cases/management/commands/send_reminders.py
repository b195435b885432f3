from typing import Any

from django.core.management.base import BaseCommand

from amends.cases.reminders import reminders_send


class Command(BaseCommand):
    help = "E-mail each facilitator the agreement actions on their cases that are overdue or due soon. Run daily."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send()
        self.stdout.write(f"Sent {sent} reminder e-mail{'s' if sent != 1 else ''}.")
