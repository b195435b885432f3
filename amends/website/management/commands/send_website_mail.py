"""Send the e-mails of the public website that have not gone yet (run every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amends.website.services import enquiry_retry_mail


class Command(BaseCommand):
    help = "E-mail staff about training enquiries whose e-mail has not been sent yet."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = enquiry_retry_mail()
        if not counts:
            self.stdout.write("No enquiry e-mails were waiting.")
            return
        for state, count in sorted(counts.items()):
            self.stdout.write(f"{count} enquiry e-mail(s): {state}")
