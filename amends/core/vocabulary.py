"""Each sector in its own words: the one place that says what a page calls people and things.

A school speaks of pupils, parents and carers and incidents; a housing provider of residents,
households and neighbour disputes; a prison of prisoners, wings and establishments. Everywhere
the two sides of a harm are "the person harmed" and "the person responsible", unless the
organisation has chosen other words (`Organisation.side_words`).

Templates get `words` from the context processor (`amends.core.context_processors.words`);
Python code (e-mails, messages, form labels, PDFs) asks `words_for(organisation, sector)`.
Words are lower case: templates capitalise with `capfirst`, Python with `Words.cap`.

The words are marked for translation lazily, so each is read in the language of the page
that shows it; the methods that combine them (`cap`, the labels) return plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.core.models import Sector, SideWords

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from django_stubs_ext import StrOrPromise

    from amends.core.models import Organisation


# harmed, harmed (plural), responsible, responsible (plural)
_SIDES: dict[str, tuple[StrOrPromise, StrOrPromise, StrOrPromise, StrOrPromise]] = {
    SideWords.PERSON_HARMED: (
        _("person harmed"),
        _("people harmed"),
        _("person responsible"),
        _("people responsible"),
    ),
    SideWords.VICTIM_OFFENDER: (_("victim"), _("victims"), _("offender"), _("offenders")),
    SideWords.HARMED_HARMER: (_("harmed person"), _("harmed people"), _("harmer"), _("harmers")),
}


@dataclass(frozen=True)
class SectorWords:
    """The words one sector uses. Lower case throughout."""

    sector: str
    participant: StrOrPromise  # a person the service works with
    participants: StrOrPromise
    supporter: StrOrPromise  # someone who stands beside a participant
    supporters: StrOrPromise
    parent: StrOrPromise  # a child's parent or carer
    staff: StrOrPromise  # someone who works where the harm happened
    referrer_example: StrOrPromise  # who typically refers
    incident: StrOrPromise  # the harm as an event
    incidents: StrOrPromise
    place: StrOrPromise  # where the service works
    sub_place: StrOrPromise  # the smaller place within it
    person_identifier: StrOrPromise  # the identifier a person is known by
    identifier_example: StrOrPromise  # it, with an example
    incident_reference: str  # what the reference of an incident is called
    identifier_kinds: tuple[str, ...]  # codes in people.IdentifierKind offered, the sector's first
    professional_example: StrOrPromise
    harm_types: tuple[str, ...]
    # Process types offered, in order, with this sector's label for each.
    processes: tuple[tuple[str, StrOrPromise], ...]
    # Closure outcomes and decline reasons offered: code -> this sector's label.
    closures: tuple[tuple[str, StrOrPromise], ...]
    declines: tuple[tuple[str, StrOrPromise], ...]


def _not_proceeded(
    *extra: tuple[str, StrOrPromise],
) -> tuple[tuple[str, StrOrPromise], ...]:
    """The closure outcomes every sector has, with `extra` before "withdrawn"."""
    return (
        ("agreement_completed", _("Agreement completed")),
        ("agreement_not_completed", _("Agreement made but not completed")),
        ("completed_without_agreement", _("Process completed without an agreement")),
        ("harmed_declined", _("Not proceeded: {harmed} declined")),
        ("responsible_declined", _("Not proceeded: {responsible} declined")),
        ("not_suitable", _("Not proceeded: not suitable after risk assessment")),
        ("no_contact", _("Not proceeded: could not be contacted")),
        *extra,
        ("withdrawn", _("Not proceeded: withdrawn")),
    )


def _declines(*extra: tuple[str, StrOrPromise]) -> tuple[tuple[str, StrOrPromise], ...]:
    return (
        ("not_suitable", _("Not suitable for a restorative process")),
        ("outside_remit", _("Outside what this service covers")),
        ("duplicate", _("Already referred")),
        ("not_enough_information", _("Not enough information")),
        *extra,
        ("other_service", _("Better met by another service")),
    )


SECTOR_WORDS: dict[str, SectorWords] = {
    Sector.JUSTICE: SectorWords(
        sector=Sector.JUSTICE,
        participant=_("person"),
        participants=_("people"),
        supporter=_("supporter"),
        supporters=_("supporters"),
        parent=_("parent or carer"),
        staff=_("officer"),
        referrer_example=_("a police officer, probation officer or youth justice worker"),
        incident=_("offence or incident"),
        incidents=_("offences and incidents"),
        place=_("area"),
        sub_place=_("neighbourhood"),
        person_identifier=_("police reference"),
        identifier_example=_("police reference 41/12345/26"),
        incident_reference="Police crime reference",
        identifier_kinds=("police", "prisoner"),
        professional_example=_(
            "Professional, such as a police officer, social worker or probation officer"
        ),
        harm_types=(
            "Violence",
            "Burglary",
            "Criminal damage",
            "Theft",
            "Hate incident",
            "Harassment or bullying",
            "Neighbour dispute or anti-social behaviour",
            "Online harm",
            "Domestic abuse",
            "Sexual harm",
            "Stalking",
            "Serious violence",
            "Other",
        ),
        processes=(
            ("conference", _("Restorative conference")),
            ("mediation_direct", _("Direct mediation (face to face)")),
            ("shuttle", _("Shuttle mediation")),
            ("letter_exchange", _("Letter exchange")),
            ("family_group_conference", _("Family group conference")),
            ("community_conference", _("Community conference")),
            ("peacemaking_circle", _("Peacemaking circle")),
            ("sentencing_circle", _("Sentencing circle")),
            ("responsive_circle", _("Responsive circle")),
            ("conversation", _("Restorative conversation")),
        ),
        closures=_not_proceeded(
            ("moved_on", _("Not proceeded: someone moved away")),
            ("handled_otherwise", _("Not proceeded: dealt with by the police or the court")),
        ),
        declines=_declines(
            ("handled_otherwise", _("Court proceedings make it unsuitable for now")),
        ),
    ),
    Sector.SCHOOLS: SectorWords(
        sector=Sector.SCHOOLS,
        participant=_("pupil"),
        participants=_("pupils"),
        supporter=_("parent or carer"),
        supporters=_("parents and carers"),
        parent=_("parent or carer"),
        staff=_("member of staff"),
        referrer_example=_("a teacher, head of year or member of the pastoral team"),
        incident=_("incident"),
        incidents=_("incidents"),
        place=_("school"),
        sub_place=_("class"),
        person_identifier=_("unique pupil number"),
        identifier_example=_("unique pupil number A123456789012"),
        incident_reference="School incident number",
        identifier_kinds=("pupil",),
        professional_example=_(
            "Member of staff, such as a teacher, head of year or learning mentor"
        ),
        harm_types=(
            "Bullying",
            "Fighting or physical harm",
            "Name-calling or verbal abuse",
            "Online harm or messages",
            "Damage to property",
            "Taking belongings",
            "Prejudice-related incident",
            "Falling out between pupils",
            "Conflict with a member of staff",
            "Disruption in class",
            "Other",
        ),
        processes=(
            ("conversation", _("Restorative conversation")),
            ("responsive_circle", _("Class circle")),
            ("conference", _("Restorative meeting")),
            ("mediation_direct", _("Mediation")),
            ("shuttle", _("Shuttle mediation")),
            ("family_group_conference", _("Family group conference")),
        ),
        closures=_not_proceeded(
            ("moved_on", _("Not proceeded: a pupil left the school")),
            ("handled_otherwise", _("Not proceeded: dealt with under the behaviour policy")),
        ),
        declines=_declines(
            ("handled_otherwise", _("Better dealt with under the behaviour policy")),
        ),
    ),
    Sector.COMMUNITIES: SectorWords(
        sector=Sector.COMMUNITIES,
        participant=_("resident"),
        participants=_("residents"),
        supporter=_("supporter"),
        supporters=_("supporters"),
        parent=_("parent or carer"),
        staff=_("housing officer"),
        referrer_example=_(
            "a housing officer, anti-social behaviour officer or neighbourhood officer"
        ),
        incident=_("neighbour dispute or ASB case"),
        incidents=_("neighbour disputes and ASB cases"),
        place=_("address"),
        sub_place=_("estate"),
        person_identifier=_("tenancy reference"),
        identifier_example=_("tenancy reference TEN-004512"),
        incident_reference="Anti-social behaviour case reference",
        identifier_kinds=("tenancy", "police"),
        professional_example=_(
            "Professional, such as a housing officer, support worker or social worker"
        ),
        harm_types=(
            "Neighbour dispute",
            "Noise",
            "Anti-social behaviour",
            "Harassment or intimidation",
            "Damage to property",
            "Parking or boundary dispute",
            "Rubbish or shared spaces",
            "Hate incident",
            "Young people on the estate",
            "Other",
        ),
        processes=(
            ("mediation_direct", _("Neighbour mediation")),
            ("shuttle", _("Shuttle mediation")),
            ("community_conference", _("Community conference")),
            ("conference", _("Restorative conference")),
            ("family_group_conference", _("Family group conference")),
            ("responsive_circle", _("Community circle")),
            ("letter_exchange", _("Letter exchange")),
            ("conversation", _("Restorative conversation")),
        ),
        closures=_not_proceeded(
            ("moved_on", _("Not proceeded: a household moved away")),
            ("handled_otherwise", _("Not proceeded: enforcement action taken instead")),
        ),
        declines=_declines(
            ("handled_otherwise", _("Enforcement or legal action is under way")),
        ),
    ),
    Sector.PRISONS: SectorWords(
        sector=Sector.PRISONS,
        participant=_("prisoner"),
        participants=_("prisoners"),
        supporter=_("supporter"),
        supporters=_("supporters"),
        parent=_("parent or carer"),
        staff=_("prison officer"),
        referrer_example=_("a prison officer, key worker or chaplain"),
        incident=_("incident"),
        incidents=_("incidents"),
        place=_("establishment"),
        sub_place=_("wing"),
        person_identifier=_("prison number"),
        identifier_example=_("prison number A1234BC"),
        incident_reference="Prison incident reference",
        identifier_kinds=("prisoner", "police"),
        professional_example=_(
            "Professional, such as a prison officer, chaplain or probation officer"
        ),
        harm_types=(
            "Violence on the wing",
            "Assault on staff",
            "Bullying or debt",
            "Threats or intimidation",
            "Theft from a cell",
            "Damage to property",
            "Hate incident",
            "Conflict between prisoners",
            "Harm done before custody",
            "Other",
        ),
        processes=(
            ("conference", _("Restorative conference")),
            ("mediation_direct", _("Direct mediation (face to face)")),
            ("shuttle", _("Shuttle mediation")),
            ("letter_exchange", _("Letter exchange")),
            ("responsive_circle", _("Wing circle")),
            ("conversation", _("Restorative conversation")),
        ),
        closures=_not_proceeded(
            ("moved_on", _("Not proceeded: a prisoner was transferred or released")),
            ("handled_otherwise", _("Not proceeded: dealt with by adjudication")),
        ),
        declines=_declines(
            ("handled_otherwise", _("Security or custody reasons")),
        ),
    ),
}

DEFAULT_SECTOR = Sector.JUSTICE


@dataclass(frozen=True)
class Words:
    """An organisation's words in one sector: the sector's, and its words for the two sides."""

    of: SectorWords
    side_words: str = SideWords.PERSON_HARMED

    # The words for the two sides, read in the language active when they are used (so a label
    # made for the audit log inside an English override is English through and through).
    def _side(self, index: int) -> str:
        return str(_SIDES.get(self.side_words, _SIDES[SideWords.PERSON_HARMED])[index])

    @property
    def harmed(self) -> str:
        return self._side(0)

    @property
    def harmed_plural(self) -> str:
        return self._side(1)

    @property
    def responsible(self) -> str:
        return self._side(2)

    @property
    def responsible_plural(self) -> str:
        return self._side(3)

    def __getattr__(self, name: str) -> Any:
        # The sector's own words read as the words' own: words.pupil-ish names in one place.
        return getattr(self.of, name)

    @staticmethod
    def cap(text: StrOrPromise) -> str:
        text = str(text)
        return text[:1].upper() + text[1:]

    @property
    def sector(self) -> str:
        return self.of.sector

    def _fill(self, text: StrOrPromise) -> str:
        return str(text).format(harmed=self.harmed, responsible=self.responsible)

    # People's parts --------------------------------------------------------------------

    def role_labels(self) -> dict[str, str]:
        """Labels for party roles (cases.PartyRole) and proposed roles (referrals.ProposedRole)."""
        harmed, responsible = self.harmed, self.responsible
        parent = self.cap(self.of.parent)
        return {
            "harmed": self.cap(harmed),
            "responsible": self.cap(responsible),
            "supporter": gettext("Supporter"),
            "parent_carer": parent,
            "community": gettext("Community member"),
            "professional": str(self.of.professional_example).split(",")[0],
            "supporter_of_harmed": gettext("Supporter of the %(side)s") % {"side": harmed},
            "supporter_of_responsible": gettext("Supporter of the %(side)s")
            % {"side": responsible},
            "parent_of_harmed": gettext("%(parent)s of the %(side)s")
            % {"parent": parent, "side": harmed},
            "parent_of_responsible": gettext("%(parent)s of the %(side)s")
            % {"parent": parent, "side": responsible},
            "other": gettext("Someone else affected"),
        }

    def role_label(self, code: str) -> str:
        return self.role_labels().get(code, code)

    def role_choices(self, codes: list[str], *, long: bool = False) -> list[tuple[str, str]]:
        """`codes` (of cases.PartyRole or referrals.ProposedRole) with this sector's labels;
        `long` explains who counts as a professional here."""
        labels = self.role_labels()
        if long:
            labels["professional"] = str(self.of.professional_example)
        return [(code, labels.get(code, code)) for code in codes]

    def side_label(self, code: str) -> str:
        return {
            "harmed": gettext("Side of the %(side)s") % {"side": self.harmed},
            "responsible": gettext("Side of the %(side)s") % {"side": self.responsible},
            "community": gettext("Community and professionals"),
        }.get(code, code)

    # Identifiers ------------------------------------------------------------------------

    def identifier_choices(self, labels: dict[str, str]) -> list[tuple[str, str]]:
        """The kinds of identifier a person is known by in this sector, from `labels`
        (people.IdentifierKind's)."""
        return [(code, labels[code]) for code in self.of.identifier_kinds if code in labels]

    # Processes, closures and declines ------------------------------------------------

    def process_label(self, code: str) -> str:
        return str(_label(code, self.of.processes, _ALL_PROCESSES))

    def process_choices(self, current: str = "") -> list[tuple[str, str]]:
        """The sector's process types, and the current one if it is not among them."""
        return _offered(self.of.processes, current, self.process_label)

    def closure_label(self, code: str) -> str:
        return self._fill(_label(code, self.of.closures, _ALL_CLOSURES))

    def closure_choices(self, current: str = "") -> list[tuple[str, str]]:
        return [(c, self._fill(label)) for c, label in _offered(self.of.closures, current, str)]

    def decline_label(self, code: str) -> str:
        return str(_label(code, self.of.declines, _ALL_DECLINES))

    def decline_choices(self, current: str = "") -> list[tuple[str, str]]:
        return _offered(self.of.declines, current, self.decline_label)


def _everything(pick: str) -> dict[str, StrOrPromise]:
    """Every sector's labels for one list, the default sector's winning: for stored values
    that another sector's list has."""
    labels: dict[str, StrOrPromise] = {}
    for sector_words in [SECTOR_WORDS[DEFAULT_SECTOR], *SECTOR_WORDS.values()]:
        for code, label in getattr(sector_words, pick):
            labels.setdefault(code, label)
    return labels


_ALL_PROCESSES = _everything("processes")
_ALL_CLOSURES = _everything("closures")
_ALL_DECLINES = _everything("declines")


def _label(
    code: str, own: tuple[tuple[str, StrOrPromise], ...], every: dict[str, StrOrPromise]
) -> StrOrPromise:
    return dict(own).get(code) or every.get(code, code)


def _offered(
    own: tuple[tuple[str, StrOrPromise], ...], current: str, label: Any
) -> list[tuple[str, str]]:
    """The labels as text in the language of the page."""
    choices = [(code, str(text)) for code, text in own]
    if current and current not in dict(own):
        choices.append((current, str(label(current))))
    return choices


def sector_of(organisation: Organisation | None, sector: str | None = None) -> str:
    """The sector a page speaks: the one named (a case's, a referral's), else the
    organisation's first, else justice."""
    if sector in SECTOR_WORDS:
        return str(sector)
    for code in getattr(organisation, "sectors", None) or []:
        if code in SECTOR_WORDS:
            return str(code)
    return DEFAULT_SECTOR


def words_for(organisation: Organisation | None, sector: str | None = None) -> Words:
    """The words for pages, e-mails and documents of `organisation` (in `sector` if given)."""
    side_words = getattr(organisation, "side_words", "") or SideWords.PERSON_HARMED
    return Words(SECTOR_WORDS[sector_of(organisation, sector)], side_words)


def words_for_request(request: HttpRequest) -> Words:
    sector = getattr(request, "amends_sector", None)
    cached = getattr(request, "_amends_words", None)
    if cached is not None and cached[0] == sector:
        return cached[1]
    member = getattr(request, "membership", None)
    organisation = member.organisation if member is not None else None
    words = words_for(organisation, sector)
    request._amends_words = (sector, words)  # type: ignore[attr-defined]
    return words


# The request being answered, so a record's display of a stored code (a party's role, a
# case's process) speaks that request's words without every caller passing them.
_request: ContextVar[HttpRequest | None] = ContextVar("amends_words_request", default=None)


def current_words() -> Words:
    """The words of the request being answered; the default words outside one (a task)."""
    request = _request.get()
    return words_for_request(request) if request is not None else words_for(None)


class SectorWordsMiddleware:
    """Makes `current_words()` speak the current request's organisation and sector."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def process_choices() -> list[tuple[str, str]]:
    """For a form field's `choices`: the current request's sector's processes."""
    return current_words().process_choices()


def closure_choices() -> list[tuple[str, str]]:
    return current_words().closure_choices()


def decline_choices() -> list[tuple[str, str]]:
    return current_words().decline_choices()


def speak_sector_of_record(record: object) -> None:
    """The page being made is about `record`: if it belongs to one sector (a case, a
    referral), `words` on the page are that sector's (an organisation may work in several)."""
    request = _request.get()
    sector = getattr(record, "sector", None)
    if request is not None and sector in SECTOR_WORDS:
        request.amends_sector = sector  # type: ignore[attr-defined]


def harm_type_defaults(sectors: list[str]) -> list[str]:
    """The starting list of harm types for an organisation working in `sectors`."""
    names: list[str] = []
    for sector in sectors or [DEFAULT_SECTOR]:
        words = SECTOR_WORDS.get(sector)
        for name in words.harm_types if words else ():
            if name not in names:
                names.append(name)
    # "Other" last, once.
    if "Other" in names:
        names.remove("Other")
        names.append("Other")
    return names or list(SECTOR_WORDS[DEFAULT_SECTOR].harm_types)


# Group work (amends.groups): what each sector calls its circles and group programmes ---------


@dataclass(frozen=True)
class GroupWords:
    """Lower case, like the sector's words."""

    groups: StrOrPromise  # the menu's and the list's name for all of it
    circle: StrOrPromise  # a proactive circle group
    circles: StrOrPromise
    programme: StrOrPromise  # a group programme on harm
    programmes: StrOrPromise
    circle_example: StrOrPromise  # a circle group's name, as an example
    programme_example: StrOrPromise
    asks_for_meeting: StrOrPromise  # why a case is opened from a group: "<person> ..."


GROUP_WORDS: dict[str, GroupWords] = {
    Sector.JUSTICE: GroupWords(
        groups=_("circles and groups"),
        circle=_("proactive circle"),
        circles=_("proactive circles"),
        programme=_("group programme"),
        programmes=_("group programmes"),
        circle_example=_("Tuesday youth club circle"),
        programme_example=_("Understanding harm, spring group"),
        asks_for_meeting=_("asked to meet the {harmed}"),
    ),
    Sector.SCHOOLS: GroupWords(
        groups=_("circles and groups"),
        circle=_("class circle"),
        circles=_("class circles"),
        programme=_("group programme"),
        programmes=_("group programmes"),
        circle_example=_("8C form group"),
        programme_example=_("Year 9 friendship group"),
        asks_for_meeting=_("asked for a restorative meeting"),
    ),
    Sector.COMMUNITIES: GroupWords(
        groups=_("circles and groups"),
        circle=_("community circle"),
        circles=_("community circles"),
        programme=_("group programme"),
        programmes=_("group programmes"),
        circle_example=_("Riverside estate residents' circle"),
        programme_example=_("Good neighbours course"),
        asks_for_meeting=_("asked for a restorative meeting"),
    ),
    Sector.PRISONS: GroupWords(
        groups=_("circles and groups"),
        circle=_("wing circle"),
        circles=_("wing circles"),
        programme=_("harm-awareness course"),
        programmes=_("harm-awareness courses"),
        circle_example=_("B wing Thursday circle"),
        programme_example=_("Ripples course, spring"),
        asks_for_meeting=_("asked to meet the {harmed}"),
    ),
}


def group_words_for(words: Words) -> GroupWords:
    """The group-work words of `words`' sector, with the organisation's words for the sides."""
    found = GROUP_WORDS.get(words.sector, GROUP_WORDS[DEFAULT_SECTOR])
    # As text in the language of the page being made.
    text = {name: str(value) for name, value in found.__dict__.items()}
    return GroupWords(**{**text, "asks_for_meeting": words._fill(found.asks_for_meeting)})


class _WordsOf:
    """Stands in for a request in `speaking`: what `words_for_request` reads of one."""

    def __init__(self, organisation: Organisation) -> None:
        self.membership = type("Member", (), {"organisation": organisation})()
        self.amends_sector = None


class speaking:
    """Outside a request (a background task), make `current_words()` speak `organisation`'s
    sector, so forms built there offer and check what the organisation's pages do."""

    def __init__(self, organisation: Organisation) -> None:
        self.stand_in: Any = _WordsOf(organisation)

    def __enter__(self) -> None:
        self.token = _request.set(self.stand_in)

    def __exit__(self, *exc: object) -> None:
        _request.reset(self.token)
