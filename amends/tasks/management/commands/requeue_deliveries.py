from typing import Any

from django.core.management.base import BaseCommand

from amends.tasks.deliveries import deliveries_requeue


class Command(BaseCommand):
    help = (
        "Enqueue again the deliveries whose task was lost (a worker stopped mid-task). "
        "Run every few minutes, and when the worker starts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--grace-seconds",
            type=int,
            default=300,
            help="How long past due a delivery must be before it counts as lost.",
        )

    def handle(self, *args: Any, grace_seconds: int, **options: Any) -> None:
        count = deliveries_requeue(grace_seconds=grace_seconds)
        self.stdout.write(f"Enqueued {count} lost deliveries again.")
