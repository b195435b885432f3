"""Where a practitioner stands: the training they hold, and what needs attention.

Reads only. Every function here runs a fixed number of queries, whatever the
number of practitioners or records.

Training comes from two places: records kept here of training done elsewhere
(`TrainingRecord`), and courses completed through Amends' own training
programmes. `_completed_in_amends` is the one place the second joins the
first.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from amends.core.models import Membership, Organisation, Sector
from amends.practitioners.models import (
    LEVEL_RANK,
    DevelopmentActivity,
    PracticeSettings,
    Registration,
    SupervisionSession,
    TrainingLevel,
    TrainingRecord,
)

if TYPE_CHECKING:
    from amends.accounts.models import User
    from amends.cases.models import Case

SUPERVISION_INTERVAL = datetime.timedelta(weeks=12)
REGISTRATION_WARNING = datetime.timedelta(days=60)


@dataclass(frozen=True)
class CompletedTraining:
    title: str
    provider: str
    sector: str
    level: str
    completed_on: datetime.date
    #: The record kept here, for training done elsewhere; None for Amends' own courses.
    record: TrainingRecord | None = None

    @property
    def sector_label(self) -> str:
        return str(Sector(self.sector).label) if self.sector in Sector.values else self.sector

    @property
    def level_label(self) -> str:
        return str(TrainingLevel(self.level).label)

    @property
    def from_amends(self) -> bool:
        return self.record is None


def _completed_in_amends(users: Iterable[User]) -> dict[int, list[CompletedTraining]]:
    """Courses each user completed through Amends' own training programmes: the current (not
    revoked) certificates issued to their e-mail address, matched ignoring case and spaces,
    read for all the users in one query."""
    from django.db.models.functions import Lower, Trim

    from amends.training.models import Certificate

    by_email = {u.email.strip().lower(): u.pk for u in users if u.email}
    found: dict[int, list[CompletedTraining]] = defaultdict(list)
    if not by_email:
        return found
    rows = (
        Certificate.objects.current()
        .annotate(address=Lower(Trim("enrolment__email")))
        .filter(address__in=by_email)
        .values_list("address", "course_title", "sector", "level", "completed_on")
    )
    for address, title, sector, level, completed_on in rows:
        found[by_email[address]].append(
            CompletedTraining(title, "Amends training", sector, level, completed_on)
        )
    return found


def training_by_user(users: Iterable[User]) -> dict[int, list[CompletedTraining]]:
    """Every user's completed training, newest first: recorded here and from Amends' courses."""
    users = list(users)
    found: dict[int, list[CompletedTraining]] = defaultdict(list)
    for record in TrainingRecord.objects.filter(practitioner__in=users):
        found[record.practitioner_id].append(
            CompletedTraining(
                title=record.title,
                provider=record.provider,
                sector=record.sector,
                level=record.level,
                completed_on=record.completed_on,
                record=record,
            )
        )
    for user_id, completed in _completed_in_amends(users).items():
        found[user_id].extend(completed)
    for completed in found.values():
        completed.sort(key=lambda t: t.completed_on, reverse=True)
    return dict(found)


def practitioner_training(user: User) -> list[CompletedTraining]:
    return training_by_user([user]).get(user.pk, [])


def best_levels(training: Iterable[CompletedTraining]) -> dict[str, int]:
    """The highest level held in each sector, as a LEVEL_RANK."""
    best: dict[str, int] = {}
    for t in training:
        best[t.sector] = max(best.get(t.sector, 0), LEVEL_RANK.get(TrainingLevel(t.level), 0))
    return best


# Allocation -------------------------------------------------------------------------


def level_needed(case: Case) -> TrainingLevel:
    harm_type = case.harm_type
    if harm_type is not None and harm_type.needs_advanced_training:
        return TrainingLevel.ADVANCED
    return TrainingLevel.PRACTITIONER


def sector_words(sector: str) -> str:
    return str(Sector(sector).label).lower() if sector in Sector.values else sector


def _gap(name: str, best: dict[str, int], case: Case) -> str | None:
    needed = level_needed(case)
    if best.get(case.sector, 0) >= LEVEL_RANK[needed]:
        return None
    sector = sector_words(case.sector)
    if needed == TrainingLevel.ADVANCED:
        harm = case.harm_type.name.lower() if case.harm_type else ""
        return f"{name} has no advanced training for {sector}, which a case of {harm} needs."
    return f"{name} has no practitioner-level training for {sector}."


def allocation_gap(user: User, case: Case) -> str | None:
    """What `user` lacks to lead `case`, in a sentence, or None if they hold what it needs."""
    return _gap(user.get_full_name(), best_levels(practitioner_training(user)), case)


def standing_notes(users: Iterable[User], case: Case) -> dict[int, str]:
    """For each user who lacks what `case` needs, a short note for the choice list:
    "no schools training", "no advanced training for schools"."""
    users = list(users)
    training = training_by_user(users)
    needed = level_needed(case)
    sector = sector_words(case.sector)
    notes = {}
    for user in users:
        best = best_levels(training.get(user.pk, [])).get(case.sector, 0)
        if best >= LEVEL_RANK[needed]:
            continue
        if needed == TrainingLevel.ADVANCED and best >= LEVEL_RANK[TrainingLevel.PRACTITIONER]:
            notes[user.pk] = _("no advanced training for %(sector)s") % {"sector": sector}
        elif best:
            notes[user.pk] = _("no practitioner-level training for %(sector)s") % {"sector": sector}
        else:
            notes[user.pk] = _("no %(sector)s training") % {"sector": sector}
    return notes


# Warnings ---------------------------------------------------------------------------


def practice_settings(organisation: Organisation) -> PracticeSettings:
    """The organisation's expectations; the defaults until a coordinator changes them."""
    saved = PracticeSettings.objects.filter(organisation=organisation).first()
    return saved or PracticeSettings(organisation=organisation)


def development_year(settings: PracticeSettings, today: datetime.date) -> datetime.date:
    """The first day of the development year that `today` falls in."""
    start = today.replace(day=1, month=settings.year_starts_month)
    return start if start <= today else start.replace(year=today.year - 1)


@dataclass
class DevelopmentProgress:
    hours: Decimal
    target: int
    year_start: datetime.date
    expected_by_now: Decimal

    @property
    def percent(self) -> int:
        return min(100, int(self.hours * 100 / self.target)) if self.target else 100

    @property
    def behind(self) -> bool:
        return self.hours < self.expected_by_now

    @property
    def year_end(self) -> datetime.date:
        return self.year_start.replace(year=self.year_start.year + 1) - datetime.timedelta(days=1)


def development_progress(
    settings: PracticeSettings, hours: Decimal | None, today: datetime.date
) -> DevelopmentProgress:
    """Hours done this development year against the target; behind if fewer than the
    share of the target that the part of the year gone by would call for."""
    start = development_year(settings, today)
    end = start.replace(year=start.year + 1)
    elapsed = Decimal((today - start).days + 1) / Decimal((end - start).days)
    expected = (settings.development_hours_target * elapsed).quantize(Decimal("0.1"))
    return DevelopmentProgress(
        hours=hours or Decimal(0),
        target=settings.development_hours_target,
        year_start=start,
        expected_by_now=expected,
    )


@dataclass
class Standing:
    user: User
    training: list[CompletedTraining]
    registrations: list[Registration]
    last_supervision: datetime.date | None
    development: DevelopmentProgress
    today: datetime.date
    membership: Membership | None = None
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        name = "Registration"
        for registration in self.registrations:
            name = registration.body
            if registration.expires_on < self.today:
                self.warnings.append(
                    _("%(name)s registration expired on %(date)s")
                    % {"name": name, "date": date_format(registration.expires_on, "j F Y")}
                )
            elif registration.expires_on <= self.today + REGISTRATION_WARNING:
                self.warnings.append(
                    _("%(name)s registration expires on %(date)s")
                    % {"name": name, "date": date_format(registration.expires_on, "j F Y")}
                )
        if self.last_supervision is None:
            self.warnings.append(_("No supervision recorded"))
        elif self.supervision_overdue:
            self.warnings.append(
                _("Supervision overdue: last on %(date)s, more than 12 weeks ago")
                % {"date": date_format(self.last_supervision, "j F Y")}
            )
        if self.development.behind:
            self.warnings.append(
                _("Continuing development behind target: %(hours)s of %(target)s hours this year")
                % {"hours": f"{self.development.hours:g}", "target": self.development.target}
            )

    @property
    def supervision_overdue(self) -> bool:
        return self.last_supervision is not None and (
            self.today - self.last_supervision > SUPERVISION_INTERVAL
        )

    @property
    def supervision_due(self) -> datetime.date | None:
        if self.last_supervision is None:
            return None
        return self.last_supervision + SUPERVISION_INTERVAL

    @property
    def sectors(self) -> list[tuple[str, str]]:
        """(sector, highest level held) for each sector they hold training in."""
        labels = {rank: level for level, rank in LEVEL_RANK.items()}
        return [
            (sector_words(sector), str(labels[rank].label))
            for sector, rank in sorted(best_levels(self.training).items())
        ]


def standings(
    users: Iterable[User], organisation: Organisation, *, today: datetime.date | None = None
) -> list[Standing]:
    """Each user's standing, against the organisation's expectations. Six queries in all."""
    users = list(users)
    today = today or timezone.localdate()
    settings = practice_settings(organisation)
    year_start = development_year(settings, today)
    training = training_by_user(users)
    registrations: dict[int, list[Registration]] = defaultdict(list)
    for registration in Registration.objects.filter(practitioner__in=users):
        registrations[registration.practitioner_id].append(registration)
    supervised = dict(
        SupervisionSession.objects.filter(practitioner__in=users, held_on__lte=today)
        .values("practitioner")
        .annotate(last=Max("held_on"))
        .values_list("practitioner", "last")
    )
    hours: dict[Any, Any] = dict(
        DevelopmentActivity.objects.filter(
            practitioner__in=users, done_on__gte=year_start, done_on__lte=today
        )
        .values("practitioner")
        .annotate(total=Sum("hours"))
        .values_list("practitioner", "total")
    )
    return [
        Standing(
            user=user,
            training=training.get(user.pk, []),
            registrations=registrations.get(user.pk, []),
            last_supervision=supervised.get(user.pk),
            development=development_progress(settings, hours.get(user.pk), today),
            today=today,
        )
        for user in users
    ]


def standing_of(user: User, organisation: Organisation) -> Standing:
    return standings([user], organisation)[0]
