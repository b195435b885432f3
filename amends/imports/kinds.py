"""What each kind of import reads, how it checks a row, and how it saves the rows it checked.

People and a school's roll are checked by `people.forms.PersonForm` and their references by
`people.services.normalise_identifier`, as on the person pages; referrals by the referral
form's `ReferralForm` and `ProposedPersonForm`, and saved by `referrals.services.referral_create`,
so an imported referral meets every rule (and every sealed side) a typed one does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from amends.core.models import Organisation, Sector
from amends.core.vocabulary import Words, current_words
from amends.imports.checking import (
    CellProblem,
    Column,
    DuplicateFinder,
    Rebound,
    choice_code,
    date_parts,
    yes_no,
)
from amends.imports.models import ImportKind
from amends.people.forms import PersonForm
from amends.people.models import IdentifierKind, Person, PersonIdentifier
from amends.people.services import _set_child_flag, normalise_identifier
from amends.referrals.forms import NO_STAGE, ProposedPersonForm, ReferralForm
from amends.referrals.models import Agreed, HarmType, ProposedRole, ReferralSource, Risk
from amends.referrals.services import referral_create

if TYPE_CHECKING:
    from amends.accounts.models import User

BATCH = 1000
NAME_ALIASES = {
    "given_name": ("forename", "first names", "given name", "legal forename", "first"),
    "family_name": ("surname", "family name", "legal surname", "last"),
    "known_as": ("preferred name", "preferred forename", "nickname"),
    "date_of_birth": ("dob", "birth date", "date of birth (dd/mm/yyyy)", "birthdate"),
}


def _identifier_message(exc: ValidationError) -> str:
    return str(exc.message_dict.get("value", exc.messages)[0])


@dataclass
class RowChecked:
    row: int
    person: Person | None = None
    identifier: str = ""
    update_of: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    referral: dict[str, Any] = field(default_factory=dict)
    people: list[dict[str, Any]] = field(default_factory=list)


class ImportOf:
    """One run of one kind of import, for one organisation: check rows, then save them."""

    kind: str

    def __init__(self, organisation: Organisation, by: User | None) -> None:
        self.organisation = organisation
        self.by = by
        self.words: Words = current_words()
        self.checked: list[RowChecked] = []
        self.finder = DuplicateFinder(organisation.pk)

    @classmethod
    def columns_for(cls, organisation: Organisation, words: Words) -> list[Column]:
        raise NotImplementedError

    def columns(self) -> list[Column]:
        return self.columns_for(self.organisation, self.words)

    def check_row(self, row: int, values: dict[str, str]) -> dict[str, str]:
        """Problems with this row by column field ("" for the row as a whole); none: kept."""
        raise NotImplementedError

    def duplicates(self) -> list[dict[str, Any]]:
        return self.finder.matches()

    def save(self, *, leave_out: set[int]) -> tuple[int, int]:
        """Write the checked rows (all but `leave_out`), in the caller's transaction: how many
        were added and how many updated."""
        raise NotImplementedError


# People and the roll ---------------------------------------------------------------------

PERSON_CHOICES = ("age_band", "preferred_contact", "message_language")
PERSON_DEFAULTS = {
    "voicemail_safe": "unknown",
    "text_safe": "unknown",
    "letter_safe": "unknown",
    "email_safe": "unknown",
    "message_language": "en",
}


class PeopleImport(ImportOf):
    kind = ImportKind.PEOPLE
    identifier_required = False
    # A reference already recorded: refused (people), or the record to bring up to date (roll).
    updates_by_identifier = False

    def __init__(self, organisation: Organisation, by: User | None) -> None:
        super().__init__(organisation, by)
        self.rebound = Rebound(PersonForm(data={}))
        self.form_fields = self.rebound.form.fields
        self.identifier_kind = self.identifier_kind_for(self.words)
        self.identifier_label = IdentifierKind(self.identifier_kind).label.lower()
        self.holders = dict(
            PersonIdentifier.objects.filter(
                organisation=organisation, kind=self.identifier_kind
            ).values_list("value", "person_id")
        )
        self.seen: dict[str, int] = {}
        self.labels = {c.field: c.label for c in self.columns()}

    @staticmethod
    def identifier_kind_for(words: Words) -> str:
        return (
            words.identifier_kinds[0] if words.identifier_kinds else IdentifierKind.POLICE_REFERENCE
        )

    @classmethod
    def columns_for(cls, organisation: Organisation, words: Words) -> list[Column]:
        form = PersonForm(data={})
        label = {name: str(f.label) for name, f in form.fields.items()}
        columns = [
            Column("given_name", gettext("First name"), True, aliases=NAME_ALIASES["given_name"]),
            Column("family_name", gettext("Last name"), True, aliases=NAME_ALIASES["family_name"]),
            Column("known_as", gettext("Known as"), aliases=NAME_ALIASES["known_as"]),
            Column("pronouns", gettext("Pronouns")),
            Column(
                "date_of_birth",
                gettext("Date of birth"),
                hint=gettext("Like 27/03/2009 or 2009-03-27."),
                aliases=NAME_ALIASES["date_of_birth"],
            ),
            Column("age_band", gettext("Age band"), hint=gettext("Like 14 to 17.")),
            Column("email", label["email"], aliases=("email", "e-mail")),
            Column("phone", label["phone"], aliases=("phone", "telephone", "mobile")),
            Column("address", gettext("Address")),
            Column(
                "preferred_contact", label["preferred_contact"], hint=gettext("Like Phone call.")
            ),
            Column("language", label["language"], aliases=("language",)),
            Column("interpreter_needed", label["interpreter_needed"], hint=gettext("Yes or No.")),
        ]
        if "year_group" in form.fields:
            columns += [
                Column(
                    "year_group", gettext("Year group"), aliases=("year", "nc year", "year group")
                ),
                Column(
                    "form_group", gettext("Form or class"), aliases=("form", "class", "reg group")
                ),
            ]
        kind = cls.identifier_kind_for(words)
        columns.append(
            Column(
                "identifier",
                str(IdentifierKind(kind).label),
                aliases=("upn", "reference", words.person_identifier),
            )
        )
        return columns

    def _form_data(self, values: dict[str, str], problems: dict[str, str]) -> dict[str, Any]:
        data: dict[str, Any] = dict(PERSON_DEFAULTS)
        for name, text in values.items():
            if not text or name == "identifier":
                continue
            try:
                if name == "date_of_birth":
                    for n, part in enumerate(date_parts(text, self.labels[name])):
                        data[f"{name}_{n}"] = part
                elif name in PERSON_CHOICES:
                    choices = [c for c in self.form_fields[name].choices if c[0]]  # type: ignore[attr-defined]
                    data[name] = choice_code(text, choices, self.labels[name])
                elif name == "interpreter_needed":
                    if yes_no(text, self.labels[name]):
                        data[name] = "on"
                else:
                    data[name] = text
            except CellProblem as exc:
                problems[name] = str(exc)
        return data

    def check_row(self, row: int, values: dict[str, str]) -> dict[str, str]:
        problems: dict[str, str] = {}
        data = self._form_data(values, problems)
        form = self.rebound.check(data, Person(organisation=self.organisation))
        for name, messages in form.errors.items():
            column = "" if name == NON_FIELD_ERRORS else name
            problems.setdefault(column if column in values or not column else "", str(messages[0]))
        reference = values.get("identifier", "")
        if reference or self.identifier_required:
            try:
                reference = normalise_identifier(self.identifier_kind, reference)
            except ValidationError as exc:
                problems["identifier"] = _identifier_message(exc)
            else:
                earlier = self.seen.get(reference)
                if earlier is not None:
                    problems["identifier"] = gettext(
                        "The same %(kind)s is on row %(row)s: each is one person's"
                    ) % {"kind": self.identifier_label, "row": earlier}
                elif reference in self.holders and not self.updates_by_identifier:
                    problems["identifier"] = gettext(
                        "This %(kind)s is already recorded for someone else"
                    ) % {"kind": self.identifier_label}
                self.seen.setdefault(reference, row)
        if problems:
            return problems
        person: Person = form.instance  # type: ignore[attr-defined]
        checked = RowChecked(row=row, identifier=reference)
        holder = self.holders.get(reference) if reference else None
        if holder is not None:
            checked.update_of = holder
            checked.changes = {
                name: getattr(person, name)
                for name in values
                if name not in ("identifier",) and hasattr(person, name)
            }
        else:
            person.created_by = person.updated_by = self.by
            _set_child_flag(person, False)
            checked.person = person
            self.finder.consider(
                row,
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
            )
        self.checked.append(checked)
        return {}

    def save(self, *, leave_out: set[int]) -> tuple[int, int]:
        new = [c for c in self.checked if c.person is not None and c.row not in leave_out]
        for start in range(0, len(new), BATCH):
            batch = new[start : start + BATCH]
            Person.objects.bulk_create([c.person for c in batch if c.person is not None])
            identifiers = [
                PersonIdentifier(
                    organisation=self.organisation,
                    person=c.person,
                    kind=self.identifier_kind,
                    value=c.identifier,
                    created_by=self.by,
                    updated_by=self.by,
                )
                for c in batch
                if c.identifier
            ]
            if identifiers:
                PersonIdentifier.objects.bulk_create(identifiers)
        updated = self._update([c for c in self.checked if c.update_of is not None])
        return len(new), updated

    def _update(self, rows: list[RowChecked]) -> int:
        if not rows:
            return 0
        fields = sorted({name for c in rows for name in c.changes})
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            people = Person.objects.filter(
                organisation=self.organisation, pk__in=[c.update_of for c in batch]
            ).in_bulk()
            changed = []
            for c in batch:
                person = people[c.update_of]
                for name, value in c.changes.items():
                    setattr(person, name, value)
                _set_child_flag(person, False)
                person.search_key = person.folded_names()
                person.updated_by = self.by
                person.updated_at = timezone.now()
                changed.append(person)
            Person.objects.bulk_update(
                changed, [*fields, "is_child", "search_key", "updated_by", "updated_at"]
            )
        return len(rows)


class RollImport(PeopleImport):
    """A school's roll, exported from its information system: pupils by unique pupil number.
    A pupil already on Amends's roll (the same UPN) is brought up to date, never added twice."""

    kind = ImportKind.ROLL
    identifier_required = True
    updates_by_identifier = True

    @staticmethod
    def identifier_kind_for(words: Words) -> str:
        return IdentifierKind.PUPIL_NUMBER

    @classmethod
    def columns_for(cls, organisation: Organisation, words: Words) -> list[Column]:
        return [
            Column("given_name", gettext("First name"), True, aliases=NAME_ALIASES["given_name"]),
            Column("family_name", gettext("Last name"), True, aliases=NAME_ALIASES["family_name"]),
            Column("known_as", gettext("Known as"), aliases=NAME_ALIASES["known_as"]),
            Column(
                "date_of_birth",
                gettext("Date of birth"),
                hint=gettext("Like 27/03/2013 or 2013-03-27."),
                aliases=NAME_ALIASES["date_of_birth"],
            ),
            Column(
                "year_group",
                gettext("Year group"),
                True,
                aliases=("year", "nc year", "curriculum year"),
            ),
            Column(
                "form_group",
                gettext("Form or class"),
                aliases=("form", "class", "reg group", "tutor group"),
            ),
            Column(
                "identifier",
                gettext("Unique pupil number (UPN)"),
                True,
                hint=gettext("13 characters, like A123456789012."),
                aliases=("upn", "unique pupil number"),
            ),
        ]


# Referrals -------------------------------------------------------------------------------

REFERRAL_TEXT = (
    "source_agency",
    "referrer_name",
    "referrer_contact",
    "incident_reference",
    "incident_summary",
    "risk_note",
)
# The two people a row of a referrals file may propose, as the referral form numbers them.
SIDES = ((1, ProposedRole.HARMED, "harmed"), (2, ProposedRole.RESPONSIBLE, "responsible"))
PERSON_PARTS = ("given_name", "family_name", "date_of_birth", "identifier_value")


class ReferralImport(ImportOf):
    kind = ImportKind.REFERRALS

    def __init__(self, organisation: Organisation, by: User | None) -> None:
        super().__init__(organisation, by)
        self.rebound = Rebound(ReferralForm(data={}, organisation=organisation))
        self.people = {n: Rebound(ProposedPersonForm(None, number=n)) for n, _, _ in SIDES}
        self.harm_names = list(HarmType.objects.for_organisation(organisation))
        self.harm_types = {h.name.lower(): h.pk for h in self.harm_names}
        self.sectors = [s for s in organisation.sectors if s in Sector.values] or list(
            Sector.values
        )
        self.identifier_kind = PeopleImport.identifier_kind_for(self.words)
        self.labels = {c.field: c.label for c in self.columns()}

    @classmethod
    def columns_for(cls, organisation: Organisation, words: Words) -> list[Column]:
        form = ReferralForm(data={}, organisation=organisation)
        columns = [
            Column("received_on", gettext("Date received"), True, hint=gettext("Like 24/11/2026.")),
            Column("source_agency", gettext("Referring agency"), True, aliases=("agency",)),
            Column("referrer_name", gettext("Referrer's name"), True, aliases=("referrer",)),
            Column("referrer_contact", gettext("Referrer's phone or e-mail")),
            Column(
                "incident_date",
                gettext("Date of the %(incident)s") % {"incident": words.incident},
                aliases=("incident date",),
            ),
            Column("incident_reference", str(form.fields["incident_reference"].label)),
            Column("incident_summary", gettext("What happened"), True, aliases=("summary",)),
            Column("harm_type", gettext("Kind of harm"), True, aliases=("harm type", "harm")),
            Column(
                "risks",
                gettext("Known risks"),
                True,
                hint=gettext("Separated by semicolons, or None known."),
                aliases=("risks",),
            ),
            Column("risk_note", gettext("About the risks")),
        ]
        if len(organisation.sectors) > 1:
            columns.insert(
                0, Column("sector", gettext("Kind of service"), True, aliases=("sector",))
            )
        if "justice_stage" in form.fields:
            columns.append(
                Column("justice_stage", gettext("Criminal justice stage"), aliases=("stage",))
            )
        identifier = IdentifierKind(PeopleImport.identifier_kind_for(words)).label
        for _, _, side in SIDES:
            who = words.cap(getattr(words, side))
            columns += [
                Column(f"{side}_given_name", gettext("%(who)s: first name") % {"who": who}),
                Column(f"{side}_family_name", gettext("%(who)s: last name") % {"who": who}),
                Column(f"{side}_date_of_birth", gettext("%(who)s: date of birth") % {"who": who}),
                Column(
                    f"{side}_identifier_value",
                    gettext("%(who)s: %(identifier)s")
                    % {"who": who, "identifier": identifier.lower()},
                ),
            ]
        return columns

    def _date(self, data: dict[str, Any], name: str, text: str, column: str) -> None:
        for n, part in enumerate(date_parts(text, self.labels[column])):
            data[f"{name}_{n}"] = part

    def _referral_data(self, values: dict[str, str], problems: dict[str, str]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if len(self.sectors) == 1:
            data["sector"] = self.sectors[0]
        for name, text in values.items():
            if not text or ("_" in name and name.split("_")[0] in ("harmed", "responsible")):
                continue
            try:
                if name in ("received_on", "incident_date"):
                    self._date(data, name, text, name)
                elif name == "sector":
                    data[name] = choice_code(
                        text, [(s, str(Sector(s).label)) for s in self.sectors], self.labels[name]
                    )
                elif name == "harm_type":
                    pk = self.harm_types.get(" ".join(text.split()).lower())
                    if pk is None:
                        names = ", ".join(h.name for h in self.harm_names)
                        raise CellProblem(
                            gettext("Kind of harm must be one of: %(names)s") % {"names": names}
                        )
                    data[name] = str(pk)
                elif name == "justice_stage":
                    choices = self.rebound.form.fields[name].choices  # type: ignore[attr-defined]
                    data[name] = choice_code(
                        text, [c for c in choices if c[0] != NO_STAGE], self.labels[name]
                    )
                elif name == "risks":
                    data[name] = [
                        choice_code(part, list(Risk.choices), gettext("Each risk"))
                        for part in text.replace(",", ";").split(";")
                        if part.strip()
                    ]
                elif name in REFERRAL_TEXT:
                    data[name] = text
            except CellProblem as exc:
                problems[name] = str(exc)
        return data

    def _person_data(
        self, n: int, role: str, side: str, values: dict[str, str], problems: dict[str, str]
    ) -> dict[str, Any]:
        given = {part: values.get(f"{side}_{part}", "") for part in PERSON_PARTS}
        if not any(given.values()):
            return {}  # nobody named on this side: the form leaves an empty section alone
        prefix = f"person{n}-"
        data: dict[str, Any] = {
            f"{prefix}role": role,
            f"{prefix}agreed_to_referral": Agreed.NOT_ASKED,
            f"{prefix}agreed_to_contact": Agreed.NOT_ASKED,
        }
        for part, text in given.items():
            if not text:
                continue
            if part == "date_of_birth":
                try:
                    self._date(data, f"{prefix}{part}", text, f"{side}_{part}")
                except CellProblem as exc:
                    problems[f"{side}_{part}"] = str(exc)
            else:
                data[f"{prefix}{part}"] = text
        if given["identifier_value"]:
            data[f"{prefix}identifier_kind"] = self.identifier_kind
        return data

    def _name_person(self, message: str, n: int, side: str) -> str:
        # The referral form numbers people ("person 1"); a file's columns name their side.
        return message.replace(
            gettext("person %(number)s") % {"number": n},
            gettext("the %(who)s") % {"who": getattr(self.words, side)},
        )

    def check_row(self, row: int, values: dict[str, str]) -> dict[str, str]:
        problems: dict[str, str] = {}
        data = self._referral_data(values, problems)
        form = self.rebound.check(data)
        for name, messages in form.errors.items():
            column = name if name in values else ""
            if name in ("received_on", "incident_date") and name in values:
                column = name
            problems.setdefault(column, str(messages[0]))
        people = []
        for n, role, side in SIDES:
            person_data = self._person_data(n, role, side, values, problems)
            person_form = self.people[n].check(person_data)
            if not person_data:
                continue
            for name, messages in person_form.errors.items():
                column = f"{side}_{name}" if f"{side}_{name}" in values else ""
                if name == "identifier_kind":
                    column = f"{side}_identifier_value"
                problems.setdefault(column, self._name_person(str(messages[0]), n, side))
            if person_form.is_valid():
                people.append(person_form.details())  # type: ignore[attr-defined]
        if not people and not problems:
            problems[""] = gettext(
                "Name at least one person: the %(harmed)s or the %(responsible)s"
            ) % {
                "harmed": self.words.harmed,
                "responsible": self.words.responsible,
            }
        if problems:
            return problems
        checked = RowChecked(row=row, referral=dict(form.cleaned_data), people=people)
        self.checked.append(checked)
        for details in people:
            self.finder.consider(
                row,
                given_name=details["given_name"],
                family_name=details["family_name"],
                date_of_birth=details["date_of_birth"],
                identifier=details["identifier_value"],
            )
        return {}

    def save(self, *, leave_out: set[int]) -> tuple[int, int]:
        made = 0
        for checked in self.checked:
            if checked.row in leave_out:
                continue
            try:
                referral_create(
                    organisation=self.organisation,
                    by=self.by,
                    people=checked.people,
                    source=ReferralSource.AGENCY,
                    **checked.referral,
                )
            except ValidationError as exc:
                raise RowRefused(checked.row, str(exc.messages[0])) from exc
            made += 1
        return made, 0


class RowRefused(Exception):
    """A row the service refused at the last moment (after the check), which refuses all."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


KINDS: dict[str, type[ImportOf]] = {
    ImportKind.PEOPLE: PeopleImport,
    ImportKind.REFERRALS: ReferralImport,
    ImportKind.ROLL: RollImport,
}


def kinds_for(organisation: Organisation) -> list[str]:
    """The kinds of import an organisation is offered: the roll is a school's."""
    offered = [ImportKind.PEOPLE, ImportKind.REFERRALS]
    if Sector.SCHOOLS in organisation.sectors:
        offered.insert(0, ImportKind.ROLL)
    return [str(k) for k in offered]
