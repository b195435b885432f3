"""Print the current authenticator-app code of a demo account (and of no other)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amends.accounts.demo import NotADemoAccount, demo_totp_code
from amends.accounts.models import User


class Command(BaseCommand):
    help = (
        "Print the current sign-in code for a demo account (addresses ending .amends-demo.example)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError("There is no demo account with that address.")
        try:
            code = demo_totp_code(user)
        except NotADemoAccount as exc:
            raise CommandError(
                f"{exc} This command only works for demo data; real accounts use their own app."
            ) from exc
        if code is None:
            raise CommandError(f"{user.email} has no authenticator app (it uses a passkey).")
        self.stdout.write(code)
