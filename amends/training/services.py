"""Every change to training, each in one transaction that writes the audit log.

Places on a cohort are decided under a lock on the cohort's row
(`_cohort_locked`): two people enrolling for the last place at once take turns,
so one gets the place and the other joins the waiting list. Each change that
can free a place then fills it (`_fill_places`): offers past their date lapse,
and the next person waiting is offered the place by a one-time link.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amends.core.audit import audit_record
from amends.core.concurrency import lock_and_check
from amends.core.models import AuditAction, Organisation, Role, Sector
from amends.training import emails
from amends.training.models import (
    HOLDS_A_PLACE,
    Assessment,
    Attendance,
    Audience,
    Certificate,
    Cohort,
    CohortDay,
    CohortTrainer,
    Course,
    Enrolment,
    EnrolmentStatus,
    Programme,
    offer_token_new,
)

if TYPE_CHECKING:
    from amends.accounts.models import User

# The four programmes, as first set up. Staff may change the words afterwards.
PROGRAMMES: dict[str, tuple[str, str]] = {
    Sector.JUSTICE: (
        "Restorative justice in criminal and civil justice",
        "For police, probation, youth justice and victim services: bringing together the people "
        "harmed by a crime and the people responsible, safely, at any stage from out-of-court "
        "disposals to after sentence.",
    ),
    Sector.SCHOOLS: (
        "Restorative practice in schools",
        "For teachers, pastoral teams and school leaders: restorative conversations, conferences "
        "and circles that repair harm between pupils and build relationships before harm happens.",
    ),
    Sector.COMMUNITIES: (
        "Restorative practice in communities and social housing",
        "For housing officers, anti-social behaviour teams and community mediators: resolving "
        "neighbour disputes and anti-social behaviour by bringing residents together.",
    ),
    Sector.PRISONS: (
        "Restorative justice in prisons",
        "For prison officers, chaplains and offender managers: resolving conflict on the wings "
        "and preparing prisoners for restorative work with the people they harmed.",
    ),
}


def offer_days() -> int:
    return int(getattr(settings, "TRAINING_OFFER_DAYS", 5))


def reminder_days() -> int:
    return int(getattr(settings, "TRAINING_REMINDER_DAYS", 7))


def _audit(
    by: Any, action: str, organisation_id: int, record: Any, summary: str, ip: str | None = None
) -> None:
    audit_record(
        actor=by,
        action=action,
        organisation=Organisation(pk=organisation_id),
        record=record,
        summary=summary,
        ip_address=ip,
    )


# Programmes and courses ----------------------------------------------------------------


def programmes_seed(*, organisation: Organisation, by: User | None = None) -> list[Programme]:
    """The four programmes, one per sector; those already there are left as they are."""
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        have = set(
            Programme.objects.filter(organisation=organisation).values_list("sector", flat=True)
        )
        for sector, (title, summary) in PROGRAMMES.items():
            if sector in have:
                continue
            programme = Programme.objects.create(
                organisation=organisation,
                sector=sector,
                title=title,
                summary=summary,
                created_by=by,
                updated_by=by,
            )
            _audit(by, AuditAction.CREATE, organisation.pk, programme, "Set up the programme")
    return list(Programme.objects.filter(organisation=organisation).order_by("pk"))


def programme_update(
    *, programme: Programme, by: User, loaded_version: str | None, title: str, summary: str
) -> Programme:
    with transaction.atomic():
        current: Programme = lock_and_check(programme, loaded_version, ["title", "summary"])
        current.title, current.summary, current.updated_by = title, summary, by
        current.full_clean()
        current.save()
        _audit(by, AuditAction.UPDATE, current.organisation_id, current, "Changed the programme")
    return current


COURSE_FIELDS = [
    "title",
    "level",
    "days",
    "accredited_hours",
    "summary",
    "learning_outcomes",
    "is_published",
]


def course_create(*, programme: Programme, by: User, **data: Any) -> Course:
    with transaction.atomic():
        course = Course(
            organisation_id=programme.organisation_id,
            programme=programme,
            created_by=by,
            updated_by=by,
            **{k: data[k] for k in COURSE_FIELDS if k in data},
        )
        course.full_clean()
        course.save()
        _audit(by, AuditAction.CREATE, course.organisation_id, course, "Added the course")
    return course


def course_update(*, course: Course, by: User, loaded_version: str | None, **data: Any) -> Course:
    with transaction.atomic():
        current: Course = lock_and_check(course, loaded_version, COURSE_FIELDS)
        for name in COURSE_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.updated_by = by
        current.full_clean()
        current.save()
        _audit(by, AuditAction.UPDATE, current.organisation_id, current, "Changed the course")
    return current


# Cohorts ---------------------------------------------------------------------------


def trainers_of(organisation_id: int) -> Any:
    """The people who may train a cohort: active trainers of the organisation."""
    from amends.accounts.models import User

    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role=Role.TRAINER,
        memberships__is_active=True,
    ).order_by("full_name", "pk")


def _check_cohort(course: Course, dates: list[datetime.date], data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if len(dates) != course.days:
        errors["dates"] = ngettext(
            "%(title)s runs over %(days)s day: enter a date",
            "%(title)s runs over %(days)s days: enter a date for each day",
            course.days,
        ) % {"title": course.title, "days": course.days}
    elif len(set(dates)) != len(dates):
        errors["dates"] = _("Each day must be on a different date")
    elif dates != sorted(dates):
        errors["dates"] = _("Enter the days in order, the first day first")
    if not data.get("venue") and not data.get("online_link"):
        errors["venue"] = _("Enter the venue, or an online meeting link")
    if data.get("audience") == Audience.IN_HOUSE and not data.get("client_organisation"):
        errors["client_organisation"] = _("Enter the client organisation the cohort is for")
    if errors:
        raise ValidationError(errors)


def _check_trainers(organisation_id: int, trainers: list[User]) -> None:
    allowed = set(trainers_of(organisation_id).values_list("pk", flat=True))
    if any(t.pk not in allowed for t in trainers):
        raise ValidationError({"trainers": _("Choose trainers from this organisation's trainers")})


COHORT_FIELDS = [
    "audience",
    "client_organisation",
    "venue",
    "online_link",
    "capacity",
    "price",
    "joining_instructions",
]


def _set_days(cohort: Cohort, dates: list[datetime.date], by: User) -> None:
    """Make the cohort's days the dates given, keeping the attendance of days that stay."""
    existing = {d.number: d for d in CohortDay.objects.filter(cohort=cohort)}
    for number, date in enumerate(dates, start=1):
        day = existing.pop(number, None)
        if day is None:
            CohortDay.objects.create(
                organisation_id=cohort.organisation_id,
                cohort=cohort,
                number=number,
                date=date,
                created_by=by,
                updated_by=by,
            )
        elif day.date != date:
            day.date = date
            day.updated_by = by
            day.save(update_fields=["date", "updated_by", "updated_at"])
    CohortDay.objects.filter(pk__in=[d.pk for d in existing.values()]).delete()
    cohort.starts_on, cohort.ends_on = dates[0], dates[-1]


def _set_trainers(cohort: Cohort, trainers: list[User], by: User) -> None:
    CohortTrainer.objects.filter(cohort=cohort).exclude(trainer__in=trainers).delete()
    have = set(CohortTrainer.objects.filter(cohort=cohort).values_list("trainer_id", flat=True))
    CohortTrainer.objects.bulk_create(
        CohortTrainer(
            organisation_id=cohort.organisation_id,
            cohort=cohort,
            trainer=t,
            created_by=by,
            updated_by=by,
        )
        for t in trainers
        if t.pk not in have
    )


def cohort_create(
    *, course: Course, by: User, dates: list[datetime.date], trainers: list[User], **data: Any
) -> Cohort:
    with transaction.atomic():
        _check_cohort(course, dates, data)
        _check_trainers(course.organisation_id, trainers)
        cohort = Cohort(
            organisation_id=course.organisation_id,
            course=course,
            created_by=by,
            updated_by=by,
            starts_on=dates[0],
            ends_on=dates[-1],
            **{k: data[k] for k in COHORT_FIELDS if k in data},
        )
        if cohort.audience == Audience.OPEN:
            cohort.client_organisation = ""
        cohort.full_clean()
        cohort.save()
        _set_days(cohort, dates, by)
        _set_trainers(cohort, trainers, by)
        _audit(by, AuditAction.CREATE, cohort.organisation_id, cohort, "Arranged the cohort")
    return cohort


def _cohort_locked(cohort: Cohort) -> Cohort:
    """The cohort's row, locked: every decision about its places is taken under this lock."""
    return Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)


def cohort_update(
    *,
    cohort: Cohort,
    by: User,
    loaded_version: str | None,
    dates: list[datetime.date],
    trainers: list[User],
    **data: Any,
) -> Cohort:
    with transaction.atomic():
        current: Cohort = lock_and_check(cohort, loaded_version, COHORT_FIELDS)
        current.course = cohort.course
        _check_cohort(current.course, dates, data)
        _check_trainers(current.organisation_id, trainers)
        taken = current.enrolments.holding_places().count()
        if data.get("capacity") is not None and data["capacity"] < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)s places are taken: the cohort needs at least %(taken)s places"
                    )
                    % {"taken": taken}
                }
            )
        for name in COHORT_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        if current.audience == Audience.OPEN:
            current.client_organisation = ""
        current.updated_by = by
        _set_days(current, dates, by)
        current.full_clean()
        current.save()
        _set_trainers(current, trainers, by)
        _audit(by, AuditAction.UPDATE, current.organisation_id, current, "Changed the cohort")
        _fill_places(current, by=by)
    return current


# Places, the waiting list and offers ---------------------------------------------------------


def places_taken(cohort: Cohort) -> int:
    return Enrolment.objects.filter(cohort=cohort, status__in=HOLDS_A_PLACE).count()


OFFER_EXPIRED = "The offer of a place expired"


def offer_state(enrolment: Enrolment | None) -> str:
    """What a person's offer link can do: "open", or why not ("unknown", "used", "expired").
    The link keeps working only to say what became of it."""
    if enrolment is None:
        return "unknown"
    if enrolment.status == EnrolmentStatus.OFFERED:
        if enrolment.offer_expires_at is None or enrolment.offer_expires_at <= timezone.now():
            return "expired"
        return "open"
    return "expired" if enrolment.withdrawn_reason == OFFER_EXPIRED else "used"


def _offer(enrolment: Enrolment, cohort: Cohort, by: User | None) -> None:
    token, token_hash = offer_token_new()
    now = timezone.now()
    enrolment.status = EnrolmentStatus.OFFERED
    enrolment.offered_at = now
    enrolment.offer_expires_at = now + datetime.timedelta(days=offer_days())
    enrolment.offer_token_hash = token_hash
    enrolment.updated_by = by
    enrolment.save()
    _audit(by, AuditAction.UPDATE, cohort.organisation_id, enrolment, "Offered a place")
    emails.send_after_commit(emails.offer_email, enrolment=enrolment, cohort=cohort, token=token)


def _fill_places(cohort: Cohort, *, by: User | None) -> int:
    """With the cohort locked: lapse offers past their date, then offer each free place to the
    next person waiting. Returns the number of offers made. Nothing is offered once the
    cohort has started."""
    now = timezone.now()
    lapsed = list(
        Enrolment.objects.select_for_update().filter(
            cohort=cohort, status=EnrolmentStatus.OFFERED, offer_expires_at__lte=now
        )
    )
    for enrolment in lapsed:
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.withdrawn_reason = OFFER_EXPIRED
        enrolment.save()
        _audit(by, AuditAction.UPDATE, cohort.organisation_id, enrolment, "The offer expired")
    if cohort.starts_on is not None and cohort.starts_on <= timezone.localdate():
        return 0
    free = cohort.capacity - places_taken(cohort)
    if free <= 0:
        return 0
    offered = 0
    for enrolment in Enrolment.objects.select_for_update().filter(cohort=cohort).waiting()[:free]:
        _offer(enrolment, cohort, by)
        offered += 1
    return offered


def enrolment_add(
    *, cohort: Cohort, by: User, name: str, email: str, organisation_name: str = ""
) -> Enrolment:
    """Enrol someone if there is a place; otherwise put them on the waiting list."""
    email = email.strip().lower()
    with transaction.atomic():
        cohort = _cohort_locked(cohort)
        _fill_places(cohort, by=by)
        if Enrolment.objects.filter(
            cohort=cohort,
            email=email,
            status__in=[
                *HOLDS_A_PLACE,
                EnrolmentStatus.WAITING,
            ],
        ).exists():
            raise ValidationError(
                {"email": _("%(email)s is already on this cohort") % {"email": email}}
            )
        waiting = Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.WAITING).exists()
        has_place = places_taken(cohort) < cohort.capacity and not waiting
        now = timezone.now()
        enrolment = Enrolment(
            organisation_id=cohort.organisation_id,
            cohort=cohort,
            name=name.strip(),
            email=email,
            organisation_name=organisation_name.strip(),
            status=EnrolmentStatus.ENROLLED if has_place else EnrolmentStatus.WAITING,
            waiting_since=None if has_place else now,
            created_by=by,
            updated_by=by,
        )
        enrolment.full_clean()
        enrolment.save()
        _audit(
            by,
            AuditAction.CREATE,
            cohort.organisation_id,
            enrolment,
            "Enrolled" if has_place else "Added to the waiting list",
        )
        if has_place:
            emails.send_after_commit(emails.joining_email, enrolment=enrolment, cohort=cohort)
    return enrolment


def enrolment_withdraw(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """Take someone off the cohort (or its waiting list); their place goes to the next waiting."""
    with transaction.atomic():
        cohort = _cohort_locked(enrolment.cohort)
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if current.status not in (
            EnrolmentStatus.ENROLLED,
            EnrolmentStatus.WAITING,
            EnrolmentStatus.OFFERED,
        ):
            raise ValidationError(
                _("%(name)s cannot be withdrawn: they are recorded as %(status)s.")
                % {"name": current.name, "status": current.get_status_display().lower()}
            )
        if not reason.strip():
            raise ValidationError({"reason": _("Enter why they are withdrawing")})
        current.status = EnrolmentStatus.WITHDRAWN
        current.withdrawn_reason = reason.strip()
        current.offer_token_hash = None
        current.updated_by = by
        current.save()
        _audit(by, AuditAction.UPDATE, cohort.organisation_id, current, "Withdrawn")
        _fill_places(cohort, by=by)
    return current


class OfferUnusable(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def offer_for_token(token: str) -> Enrolment | None:
    return (
        Enrolment.objects.select_related("cohort__course")
        .filter(offer_token_hash=Enrolment.hash_token(token))
        .first()
    )


def _offer_locked(token: str) -> tuple[Cohort, Enrolment]:
    enrolment = offer_for_token(token)
    if enrolment is None:
        raise OfferUnusable("unknown")
    cohort = _cohort_locked(enrolment.cohort)
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    state = offer_state(current)
    if state != "open":
        raise OfferUnusable(state)
    return cohort, current


def offer_accept(*, token: str) -> Enrolment:
    """The person offered a place takes it, by their one-time link (no sign-in)."""
    with transaction.atomic():
        cohort, enrolment = _offer_locked(token)
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.updated_by = None
        enrolment.save()
        _audit(
            None,
            AuditAction.UPDATE,
            cohort.organisation_id,
            enrolment,
            "Accepted the offer of a place",
            # The person has no account: the log names them by their enrolment.
        )
        emails.send_after_commit(emails.joining_email, enrolment=enrolment, cohort=cohort)
    return enrolment


def offer_decline(*, token: str) -> Enrolment:
    with transaction.atomic():
        cohort, enrolment = _offer_locked(token)
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.withdrawn_reason = "Turned down the offer of a place"
        enrolment.save()
        _audit(None, AuditAction.UPDATE, cohort.organisation_id, enrolment, "Declined the offer")
        _fill_places(cohort, by=None)
    return enrolment


def offers_expire() -> int:
    """Lapse every offer past its date and pass each place on. Run by `expire_training_offers`
    (and done anyway by each change to a cohort). Returns the number of offers that lapsed."""
    now = timezone.now()
    cohort_ids = set(
        Enrolment.objects.filter(
            status=EnrolmentStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("cohort_id", flat=True)
    )
    lapsed = 0
    for cohort in Cohort.objects.filter(pk__in=cohort_ids).order_by("pk"):
        with transaction.atomic():
            locked = _cohort_locked(cohort)
            lapsed += Enrolment.objects.filter(
                cohort=locked, status=EnrolmentStatus.OFFERED, offer_expires_at__lte=now
            ).count()
            _fill_places(locked, by=None)
    return lapsed


# Attendance and results ---------------------------------------------------------------


def attendance_record(
    *, cohort: Cohort, day: CohortDay, by: User, present: set[int], shown: dict[int, bool]
) -> int:
    """Save the register for one day. Only the marks this page changed are written, so two
    people marking the same day on two devices do not undo each other's ticks."""
    with transaction.atomic():
        cohort = _cohort_locked(cohort)
        if day.cohort_id != cohort.pk:
            raise ValidationError(_("That day is not one of this cohort's days"))
        if day.date > timezone.localdate():
            raise ValidationError(
                _("Day %(number)s is on %(date)s: mark the register on the day")
                % {"number": day.number, "date": date_format(day.date, "j F Y")}
            )
        on_register = set(
            Enrolment.objects.filter(cohort=cohort, pk__in=shown)
            .filter(
                status__in=[
                    EnrolmentStatus.ENROLLED,
                    EnrolmentStatus.COMPLETED,
                    EnrolmentStatus.NOT_COMPLETED,
                ]
            )
            .values_list("pk", flat=True)
        )
        marks = {a.enrolment_id: a for a in Attendance.objects.filter(day=day)}
        changed = 0
        for enrolment_id in on_register:
            now_present = enrolment_id in present
            if now_present == shown[enrolment_id]:
                continue
            mark = marks.get(enrolment_id)
            if mark is None:
                Attendance.objects.create(
                    organisation_id=cohort.organisation_id,
                    enrolment_id=enrolment_id,
                    day=day,
                    present=now_present,
                    created_by=by,
                    updated_by=by,
                )
            else:
                mark.present = now_present
                mark.updated_by = by
                mark.save(update_fields=["present", "updated_by", "updated_at"])
            changed += 1
        if changed:
            _audit(
                by,
                AuditAction.UPDATE,
                cohort.organisation_id,
                cohort,
                f"Marked the register for day {day.number}",
            )
    return changed


def days_attended(enrolment_ids: list[int]) -> dict[int, int]:
    return dict(
        Attendance.objects.filter(enrolment_id__in=enrolment_ids, present=True)
        .values("enrolment_id")
        .annotate(n=Count("pk"))
        .values_list("enrolment_id", "n")
    )


def _issue_certificate(enrolment: Enrolment, cohort: Cohort, by: User) -> Certificate:
    course = cohort.course
    certificate = Certificate.objects.create(
        organisation_id=cohort.organisation_id,
        enrolment=enrolment,
        holder_name=enrolment.name,
        course_title=course.title,
        level=course.level,
        sector=course.programme.sector,
        completed_on=enrolment.completed_on or timezone.localdate(),
        accredited_hours=course.accredited_hours,
        created_by=by,
        updated_by=by,
    )
    _audit(by, AuditAction.CREATE, cohort.organisation_id, certificate, "Issued the certificate")
    return certificate


def _cohort_days(cohort: Cohort) -> int:
    # The cohort's own days: a course lengthened later does not change a cohort that ran.
    return CohortDay.objects.filter(cohort=cohort).count()


def _missing_for_completion(enrolment: Enrolment, days: int, attended: int) -> list[str]:
    missing = []
    if attended < days:
        missing.append(
            ngettext(
                "attended %(attended)s of %(days)s day",
                "attended %(attended)s of %(days)s days",
                days,
            )
            % {"attended": attended, "days": days}
        )
    if enrolment.assessment == Assessment.NOT_YET:
        missing.append(_("assessed as not yet competent"))
    return missing


def _refuse_before_the_last_day(cohort: Cohort) -> None:
    if cohort.ends_on is None or cohort.ends_on > timezone.localdate():
        raise ValidationError(
            _("Results can be recorded from the cohort's last day, %(date)s.")
            % {"date": date_format(cohort.ends_on, "j F Y")}
            if cohort.ends_on
            else _("Results can be recorded from the cohort's last day.")
        )


def enrolment_result(
    *,
    enrolment: Enrolment,
    by: User,
    loaded_version: str | None,
    status: str,
    assessment: str,
    notes: str,
) -> Enrolment:
    """Record how someone did. Completing issues their certificate; it needs every day
    attended and no assessment of "not yet competent"."""
    with transaction.atomic():
        cohort = _cohort_locked(enrolment.cohort)
        current: Enrolment = lock_and_check(enrolment, loaded_version, ["status", "assessment"])
        if status not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED):
            raise ValidationError({"status": _("Select whether they completed the course")})
        if current.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.NOT_COMPLETED):
            raise ValidationError(
                _("%(name)s is recorded as %(status)s: results are recorded for people enrolled.")
                % {"name": current.name, "status": current.get_status_display().lower()}
            )
        _refuse_before_the_last_day(cohort)
        current.assessment = assessment
        current.notes = notes
        if status == EnrolmentStatus.COMPLETED:
            attended = days_attended([current.pk]).get(current.pk, 0)
            missing = _missing_for_completion(current, _cohort_days(cohort), attended)
            if missing:
                raise ValidationError(
                    {
                        "status": _("%(name)s cannot complete: they %(missing)s")
                        % {"name": current.name, "missing": _(" and ").join(missing)}
                    }
                )
            current.completed_on = cohort.ends_on
        current.status = status
        current.updated_by = by
        current.full_clean()
        current.save()
        _audit(by, AuditAction.UPDATE, cohort.organisation_id, current, "Recorded the result")
        if status == EnrolmentStatus.COMPLETED:
            _issue_certificate(current, cohort, by)
    return current


@dataclass
class Results:
    completed: int
    not_completed: int


def cohort_results(*, cohort: Cohort, by: User) -> Results:
    """Everyone still enrolled: completed (with a certificate) if they attended every day
    and were not assessed as not yet competent; otherwise did not complete."""
    with transaction.atomic():
        cohort = _cohort_locked(cohort)
        _refuse_before_the_last_day(cohort)
        enrolled = list(
            Enrolment.objects.select_for_update().filter(
                cohort=cohort, status=EnrolmentStatus.ENROLLED
            )
        )
        if not enrolled:
            raise ValidationError(_("Nobody is waiting for a result: every result is recorded."))
        attended = days_attended([e.pk for e in enrolled])
        days = _cohort_days(cohort)
        done = Results(0, 0)
        for enrolment in enrolled:
            if _missing_for_completion(enrolment, days, attended.get(enrolment.pk, 0)):
                enrolment.status = EnrolmentStatus.NOT_COMPLETED
                done.not_completed += 1
            else:
                enrolment.status = EnrolmentStatus.COMPLETED
                enrolment.completed_on = cohort.ends_on
                done.completed += 1
            enrolment.updated_by = by
            enrolment.save()
            if enrolment.status == EnrolmentStatus.COMPLETED:
                _issue_certificate(enrolment, cohort, by)
        _audit(
            by,
            AuditAction.UPDATE,
            cohort.organisation_id,
            cohort,
            f"Recorded results: {done.completed} completed, {done.not_completed} did not",
        )
    return done


def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if current.is_revoked:
            raise ValidationError(_("This certificate is already revoked."))
        if not reason.strip():
            raise ValidationError({"reason": _("Enter why the certificate is revoked")})
        current.revoked_at = timezone.now()
        current.revoked_by = by
        current.revoked_reason = reason.strip()
        current.updated_by = by
        current.save()
        _audit(by, AuditAction.UPDATE, current.organisation_id, current, "Revoked the certificate")
    return current


def certificate_for_code(typed: str) -> Certificate | None:
    from amends.training.models import normalise_code

    code = normalise_code(typed)
    if not code:
        return None
    return Certificate.objects.filter(code=code).first()


# E-mail that runs on a schedule -------------------------------------------------------------


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Joining instructions not yet sent (a failed send is tried again here), and a reminder
    to each person enrolled on a cohort that starts in `TRAINING_REMINDER_DAYS` days or fewer.
    Run daily by `send_training_reminders`. Returns the number of e-mails sent."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=reminder_days())
    sent = 0
    due = (
        Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED, cohort__starts_on__gte=today)
        .filter(
            Q(joining_sent_at__isnull=True)
            | Q(reminder_sent_at__isnull=True, cohort__starts_on__lte=soon)
        )
        .select_related("cohort__course")
        .order_by("pk")
    )
    for enrolment in due:
        if enrolment.joining_sent_at is None:
            sent += emails.joining_email(enrolment=enrolment, cohort=enrolment.cohort)
        elif emails.reminder_email(enrolment=enrolment, cohort=enrolment.cohort):
            sent += 1
    return sent


# For other apps ------------------------------------------------------------------------------


class CompletedTraining(NamedTuple):
    sector: str
    level: str
    course_title: str
    completed_on: datetime.date
    certificate_code: str


def completed_training_for(email: str) -> list[CompletedTraining]:
    """What a person (by e-mail address) completed, with a current certificate: the record a
    practitioner's training is joined from. Revoked certificates do not count."""
    return [
        CompletedTraining(c.sector, c.level, c.course_title, c.completed_on, c.code)
        for c in Certificate.objects.current()
        .filter(enrolment__email=email.strip().lower())
        .order_by("-completed_on", "pk")
    ]


def price_text(price: Decimal | None) -> str:
    if price is None:
        return ""
    return "Free" if price == 0 else f"£{price:,.2f}"
