"""People a service works with: people harmed and responsible, supporters, parents and carers."""

from __future__ import annotations

import datetime
import re
from typing import Any, Self

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedCharField, EncryptedTextField
from amends.core.models import Membership, OrganisationOwned, OrganisationQuerySet, Role
from amends.people.names import fold, name_search_key


class AgeBand(models.TextChoices):
    UNDER_10 = "under_10", _("Under 10")
    AGE_10_13 = "10_13", _("10 to 13")
    AGE_14_17 = "14_17", _("14 to 17")
    AGE_18_24 = "18_24", _("18 to 24")
    AGE_25_39 = "25_39", _("25 to 39")
    AGE_40_59 = "40_59", _("40 to 59")
    AGE_60_PLUS = "60_plus", _("60 or over")


CHILD_AGE_BANDS = {AgeBand.UNDER_10, AgeBand.AGE_10_13, AgeBand.AGE_14_17}


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Home visit")
    THROUGH_PROFESSIONAL = "professional", _("Through a named professional")


class SafeToUse(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known yet")


class MessageLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", _("Cymraeg (Welsh)")


class IdentifierKind(models.TextChoices):
    POLICE_REFERENCE = "police", _("Police reference")
    PUPIL_NUMBER = "pupil", _("Unique pupil number")
    TENANCY_REFERENCE = "tenancy", _("Tenancy reference")
    PRISONER_NUMBER = "prisoner", _("Prison number")


# Each kind of identifier, its pattern and an example for the error message.
IDENTIFIER_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    IdentifierKind.POLICE_REFERENCE: (re.compile(r"^[A-Z0-9][A-Z0-9/-]{3,29}$"), "41/12345/26"),
    IdentifierKind.PUPIL_NUMBER: (re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$"), "A123456789012"),
    IdentifierKind.TENANCY_REFERENCE: (re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,19}$"), "TEN-004512"),
    IdentifierKind.PRISONER_NUMBER: (re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$"), "A1234BC"),
}


def identifier_search_form(text: str) -> str:
    """An identifier as it is stored: upper case, no spaces (see people.services)."""
    return "".join(text.split()).upper()


class PersonQuerySet(OrganisationQuerySet):
    def visible_to(self, member: Membership) -> Self:
        """Coordinators see the organisation's people; a facilitator, the people in their cases.

        The case rule decides: a person is in reach of a facilitator exactly when one of
        the cases they are in is allocated to that facilitator (lead or co-facilitator).
        """
        queryset = super().visible_to(member)
        if member is not None and member.role == Role.FACILITATOR:
            from amends.cases.models import Party  # cases depends on people, not the reverse

            return queryset.filter(pk__in=Party.objects.visible_to(member).values("person_id"))
        return queryset

    def search(self, query: str) -> Self:
        """People whose names hold every word of `query` (ignoring case, accents and
        apostrophes), or who carry `query` as an identifier ("NB/12345/26")."""
        query = query.strip()
        if not query:
            return self
        if any(c.isdigit() for c in query):
            # Names have no digits: this is a reference, matched whole on its index.
            return self.filter(
                pk__in=PersonIdentifier.objects.filter(
                    value=identifier_search_form(query)[:30]
                ).values("person_id")
            )
        words = fold(query).split()[:4]
        if not words:
            return self.none()
        found = self
        for word in words:
            found = found.filter(search_key__contains=word)
        return found

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        people = list(objs)
        for person in people:
            person.search_key = person.folded_names()
        return super().bulk_create(people, *args, **kwargs)


class Person(OrganisationOwned):
    given_name = models.CharField(_("First name"), max_length=100)
    family_name = models.CharField(_("Last name"), max_length=100)
    known_as = models.CharField(_("Known as"), max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    is_child = models.BooleanField(
        default=False, help_text=_("Under 18: a parent's or carer's consent is needed too.")
    )

    # Contact details and notes are encrypted at rest.
    email = EncryptedCharField(_("E-mail address"), max_length=254, blank=True)
    phone = EncryptedCharField(_("Phone number"), max_length=30, blank=True)
    address = EncryptedTextField(max_length=500, blank=True)
    preferred_contact = models.CharField(
        _("Preferred way of contact"), max_length=20, choices=ContactMethod.choices, blank=True
    )
    voicemail_safe = models.CharField(
        _("Is it safe to leave a voicemail?"),
        max_length=10,
        choices=SafeToUse.choices,
        default=SafeToUse.UNKNOWN,
    )
    text_safe = models.CharField(
        _("Is it safe to send a text message?"),
        max_length=10,
        choices=SafeToUse.choices,
        default=SafeToUse.UNKNOWN,
    )
    letter_safe = models.CharField(
        _("Is it safe to send a letter to the address?"),
        max_length=10,
        choices=SafeToUse.choices,
        default=SafeToUse.UNKNOWN,
    )
    email_safe = models.CharField(
        _("Is it safe to send an e-mail?"),
        max_length=10,
        choices=SafeToUse.choices,
        default=SafeToUse.UNKNOWN,
    )
    # Messages and calls only inside this window of the day (both blank: any reasonable time).
    contact_from = models.TimeField(_("Contact only from"), null=True, blank=True)
    contact_until = models.TimeField(_("Contact only until"), null=True, blank=True)
    safe_contact_notes = EncryptedTextField(_("Notes on safe contact"), max_length=1000, blank=True)
    language = models.CharField(_("Preferred language"), max_length=60, blank=True)
    interpreter_needed = models.BooleanField(_("Needs an interpreter"), default=False)
    message_language = models.CharField(
        _("Language for letters and messages"),
        max_length=2,
        choices=MessageLanguage.choices,
        default=MessageLanguage.ENGLISH,
    )
    # A pupil's place on a school's roll (schools only).
    year_group = models.CharField(_("Year group"), max_length=20, blank=True)
    form_group = models.CharField(_("Form or class"), max_length=20, blank=True)
    accessibility_needs = EncryptedTextField(max_length=1000, blank=True)
    # The names folded for searching (people.names); a trigram index serves it on PostgreSQL.
    search_key = models.CharField(max_length=320, blank=True, default="", editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        indexes = [
            # The people list in name order, with the search key: a search walks the index
            # and needs to read only the people it shows (core.pagination, keys_first).
            models.Index(
                fields=["organisation", "family_name", "given_name", "id", "search_key"],
                name="person_name_search",
            ),
        ]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A column derived from the names: kept true on every save, whoever saves.
        self.search_key = self.folded_names()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"given_name", "family_name", "known_as"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def folded_names(self) -> str:
        return name_search_key(self.given_name, self.family_name, self.known_as)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def display_name(self) -> str:
        if self.known_as and self.known_as != self.given_name:
            return f"{self.full_name} (known as {self.known_as})"
        return self.full_name

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def child_today(self) -> bool:
        age = self.age_on(timezone.localdate())
        if age is not None:
            return age < 18
        return self.age_band in CHILD_AGE_BANDS


class PersonIdentifierQuerySet(OrganisationQuerySet):
    def visible_to(self, member: Membership) -> Self:
        """A person's identifiers are visible exactly when the person is."""
        return self.filter(person__in=Person.objects.visible_to(member))


class PersonIdentifier(OrganisationOwned):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(max_length=30)

    objects = PersonIdentifierQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "value"]
        # Searching by a reference names the value alone.
        indexes = [models.Index(fields=["value"], name="people_identifier_value")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "value"], name="identifier_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"
