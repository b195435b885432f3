from typing import Any

from django.core.management.base import BaseCommand

from amends.training.services import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail joining instructions not yet sent, and a reminder to each person enrolled on a "
        "course that starts within TRAINING_REMINDER_DAYS days. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send()
        self.stdout.write(f"Sent {sent} training e-mail{'s' if sent != 1 else ''}.")
