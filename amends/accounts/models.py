"""Users sign in by e-mail address; their roles live in core.Membership."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

# Titles and ranks people put before their name (police, prison service, forces, the professions).
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "revd", "reverend"}
    | {"sir", "dame", "pc", "dc", "ps", "ds", "di", "dci", "dsi", "supt", "insp", "inspector"}
    | {"sgt", "sergeant", "det", "constable", "cllr", "councillor", "capt", "captain"}
    | {"col", "lt", "cpl", "po", "spo", "fr"}
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, is_platform_admin=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("E-mail address"), unique=True)
    full_name = models.CharField(_("Full name"), max_length=150)
    is_platform_admin = models.BooleanField(
        default=False,
        help_text=_(
            "Runs the platform: organisations and their first coordinators. Sees no case content."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        """Their first name, to greet them by: "Priya" for "PC Priya Shah", never the title."""
        words = self.full_name.split()
        while len(words) > 1 and words[0].rstrip(".").casefold() in TITLES:
            words = words[1:]
        return (words or [self.email])[0]
