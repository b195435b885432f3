from typing import Any

from django.core.management.base import BaseCommand

from amends.training.services import offers_expire


class Command(BaseCommand):
    help = (
        "Lapse offers of a training place that were not taken in time, and offer each place to "
        "the next person waiting. Run hourly or daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = offers_expire()
        self.stdout.write(f"{lapsed} offer{'s' if lapsed != 1 else ''} lapsed.")
