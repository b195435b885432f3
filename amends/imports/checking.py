"""Checking each row of an import with the web forms' own validation, without a query per row.

A form is built once per import and bound again to each row (`Rebound`): building a Django
form copies every field, which would cost more than the rest of the row's work together. The
rules themselves are the forms' and the services': nothing here repeats them. What is here is
what only a file needs: reading a date or a choice written as text, and naming the column a
problem is in.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext

from amends.people.models import Person, PersonIdentifier
from amends.people.names import fold
from amends.referrals.models import ReferralPerson
from amends.referrals.services import MATCHES_PER_PERSON, _why_alike

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
_DATE_FORMS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$"),
    re.compile(r"^(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})$"),
)


@dataclass(frozen=True)
class Column:
    """One thing an import reads from a column: the form field it fills, and its label."""

    field: str
    label: str
    required: bool = False
    hint: str = ""
    aliases: tuple[str, ...] = ()


class CellProblem(Exception):
    """A cell that cannot be read as what its column holds; the message says how to write it."""


def date_parts(text: str, label: str) -> tuple[str, str, str]:
    """Day, month and year of a date written 27/03/2009, 27-03-2009 or 2009-03-27, as the
    form's three boxes take them (the form then judges the date itself)."""
    for pattern in _DATE_FORMS:
        match = pattern.match(text.strip())
        if match:
            return match["day"], match["month"], match["year"]
    raise CellProblem(
        gettext("Write the %(label)s as a date, like 27/03/2009") % {"label": label.lower()}
    )


def choice_code(text: str, choices: Sequence[tuple[str, object]], label: str) -> str:
    """The code of a choice written as its code or its label, in any case: the label in
    English, as files are usually written, or in the language of the page."""
    wanted = " ".join(text.split()).lower()
    with translation.override(settings.LANGUAGE_CODE):
        english = [str(name).lower() for _, name in choices]
    for (code, name), in_english in zip(choices, english, strict=True):
        if wanted in (str(code).lower(), in_english, str(name).lower()):
            return str(code)
    offered = ", ".join(str(name) for _, name in choices)
    raise CellProblem(
        gettext("%(label)s must be one of: %(offered)s") % {"label": label, "offered": offered}
    )


def yes_no(text: str, label: str) -> bool:
    answer = text.strip().lower()
    if answer in YES:
        return True
    if answer in NO:
        return False
    raise CellProblem(gettext("%(label)s must be Yes or No") % {"label": label})


def guess_mapping(columns: list[Column], headers: list[str]) -> dict[str, str]:
    """For each column, the heading that names it (its label or a usual alias), if any."""

    def key(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", fold(text))

    by_key = {key(h): h for h in headers if h}
    found: dict[str, str] = {}
    for column in columns:
        for name in (column.label, column.field, *column.aliases):
            heading = by_key.get(key(name))
            if heading is not None and heading not in found.values():
                found[column.field] = heading
                break
    return found


class Rebound:
    """One form, bound again to each row. `check(data)` returns the form, validated."""

    def __init__(self, form: forms.BaseForm) -> None:
        self.form = form

    def check(self, data: dict[str, Any], instance: Model | None = None) -> forms.BaseForm:
        form = self.form
        form.data = data
        form.is_bound = True
        form._errors = None  # type: ignore[attr-defined]
        form.__dict__.pop("changed_data", None)
        if instance is not None:
            form.instance = instance  # type: ignore[attr-defined]
        form.full_clean()
        return form


class DuplicateFinder:
    """The people already recorded who may be someone in a file, judged as triage judges a
    referral's people (`referrals.services._why_alike`). The organisation's names, dates of
    birth and references are read once; candidates share a whole word of each name, or the
    date of birth and a word of one name, or a reference."""

    def __init__(self, organisation_id: int) -> None:
        self.by_word: dict[str, set[int]] = defaultdict(set)
        self.by_birthday: dict[datetime.date, set[int]] = defaultdict(set)
        self.holders: dict[str, set[int]] = defaultdict(set)
        people = Person.objects.filter(organisation_id=organisation_id).values_list(
            "pk", "search_key", "date_of_birth"
        )
        for pk, key, born in people.iterator(chunk_size=5000):
            for word in key.split():
                self.by_word[word].add(pk)
            if born is not None:
                self.by_birthday[born].add(pk)
        for value, person_id in (
            PersonIdentifier.objects.filter(organisation_id=organisation_id)
            .values_list("value", "person_id")
            .iterator(chunk_size=5000)
        ):
            self.holders[value].add(person_id)
        self.organisation_id = organisation_id
        self.pending: list[tuple[int, ReferralPerson, set[int]]] = []

    def _having(self, words: list[str]) -> set[int]:
        if not words:
            return set()
        found = [self.by_word.get(word, set()) for word in words]
        return set.intersection(*found)

    def consider(
        self,
        row: int,
        *,
        given_name: str,
        family_name: str,
        date_of_birth: datetime.date | None,
        identifier: str = "",
    ) -> None:
        given, family = fold(given_name).split(), fold(family_name).split()
        candidates = self._having(given + family) if given and family else set()
        if date_of_birth is not None:
            born = self.by_birthday.get(date_of_birth, set())
            if born:
                candidates |= born & (self._having(given) | self._having(family))
        candidates |= self.holders.get(identifier, set()) if identifier else set()
        if candidates:
            proposed = ReferralPerson(
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
                identifier_value=identifier,
            )
            self.pending.append((row, proposed, candidates))

    def matches(self) -> list[dict[str, Any]]:
        """Each row with someone who may be them: the row, the name, and [pk, why] pairs."""
        wanted = sorted({pk for _, _, found in self.pending for pk in found})
        people: dict[int, Person] = {}
        for start in range(0, len(wanted), 500):
            people.update(
                (p.pk, p)
                for p in Person.objects.filter(
                    organisation_id=self.organisation_id, pk__in=wanted[start : start + 500]
                ).prefetch_related("identifiers")
            )
        found_rows = []
        for row, proposed, candidates in self.pending:
            alike = []
            for pk in candidates:
                person = people.get(pk)
                why = _why_alike(proposed, person) if person is not None else None
                if why is not None:
                    alike.append((why[0], pk, why[1]))
            if alike:
                alike.sort(key=lambda m: (-m[0], m[1]))
                found_rows.append(
                    {
                        "row": row,
                        "name": f"{proposed.given_name} {proposed.family_name}",
                        "matches": [[pk, why] for _, pk, why in alike[:MATCHES_PER_PERSON]],
                    }
                )
        return found_rows
