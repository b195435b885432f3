"""State changes for outcome measures. Each is atomic and records its timeline and audit events.

A closed case takes no new harm measures except at-closure ones (they are
often taken at the closing conversation, after the case is closed), and
feedback (asked for after a meeting has been held or at closure). Its
Victims' Code record is part of the case's history and is not changed after
closure.
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from amends.cases.models import Case, CaseStatus, Party, PartyRole
from amends.cases.services import case_lock_open, event_record
from amends.core.audit import audit_record
from amends.core.concurrency import EditConflict, lock_and_check
from amends.core.models import AuditAction, Membership, Organisation, Role, Sector
from amends.core.vocabulary import words_for
from amends.meetings.models import MeetingStatus
from amends.notify.messages import day_in
from amends.notify.models import MessageKind
from amends.notify.rules import EMAIL, channel_refusal
from amends.notify.services import person_message
from amends.outcomes.models import (
    AUDIENCE_OF_ROLE,
    AnsweredHow,
    Delivery,
    FeedbackLink,
    FeedbackResponse,
    HarmMeasure,
    HarmQuestionSet,
    HarmRating,
    ReoffendingAnswer,
    ReoffendingCheck,
    Stage,
    VictimsCodeRecord,
    one_year_after,
    question_set_current,
)
from amends.people.models import Person

if TYPE_CHECKING:
    from amends.accounts.models import User

FEEDBACK_LINK_LIFETIME = datetime.timedelta(days=30)
FEEDBACK_FIELDS = [
    "satisfied",
    "well_prepared",
    "listened_to",
    "felt_safe",
    "would_recommend",
    "harm_put_right",
    "comments",
]
STALE_QUESTIONS = (
    "Someone else changed the questions while you were editing them, so your changes have "
    "not been saved. The form now shows the current questions: make your changes again."
)


def _lock_case(case: Case, *, closed_allowed: bool) -> Case:
    """Lock the case's row; refuse a closed case unless this change is allowed after closure."""
    if not closed_allowed:
        return case_lock_open(case)
    return Case.objects.select_for_update().get(pk=case.pk)


def meeting_held_or_closed(case: Case) -> bool:
    return (
        case.status == CaseStatus.CLOSED
        or case.meetings.filter(organisation_id=case.organisation_id)
        .filter(status=MeetingStatus.HELD)
        .exists()
    )


# Questions -------------------------------------------------------------------------


def question_set_change(
    *,
    organisation: Organisation,
    by: User,
    based_on_version: int | None,
    wording: dict[str, dict[str, str]],
) -> HarmQuestionSet:
    """Reword the organisation's questions: a new version; answers keep the wording they had.

    `wording` maps each question's key to its new `text`, `low` and `high`.
    Refused if another version was made since the form was loaded.
    """
    current = question_set_current(organisation)
    if based_on_version != current.version:
        raise ValidationError(STALE_QUESTIONS)
    questions = []
    errors: dict[str, str] = {}
    for question in current.questions:
        new = {**question, **wording.get(question["key"], {})}
        for part in ("text", "low", "high"):
            if not str(new[part]).strip():
                errors[f"{question['key']}_{part}"] = _("Enter the wording")
        questions.append(new)
    if errors:
        raise ValidationError(errors)
    if questions == current.questions:
        raise ValidationError(_("Nothing was changed"))
    try:
        with transaction.atomic():
            question_set = HarmQuestionSet(
                organisation=organisation,
                version=current.version + 1,
                questions=questions,
                created_by=by,
                updated_by=by,
            )
            question_set.full_clean(validate_constraints=False)
            question_set.save()
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                organisation=organisation,
                record=question_set,
                summary=f"Changed the harm questions (version {question_set.version})",
            )
    except IntegrityError as exc:
        # Another coordinator made this version number at the same moment.
        raise ValidationError(STALE_QUESTIONS) from exc
    return question_set


# Harm measures ---------------------------------------------------------------------


class QuestionsReworded(ValidationError):
    """The questions changed between showing the form and saving its answers."""


def harm_measure_record(
    *,
    party: Party,
    stage: str,
    answered_on: datetime.date,
    ratings: dict[str, int],
    by: User,
    loaded_version: str | None = None,
    asked_version: int | None = None,
) -> HarmMeasure:
    """Record a person's answers (0 to 10) at a stage, or change them if already recorded.

    A new measure asks the organisation's current questions; a change keeps
    the questions (and wording) first asked. `asked_version` is the version of
    the questions the form showed: if they were reworded since, the answers are
    refused, so no answer is stored against wording that was not asked.
    """
    case = party.case
    audience = AUDIENCE_OF_ROLE.get(party.role)
    if audience is None:
        words = words_for(case.organisation, case.sector)
        raise ValidationError(
            _("Harm measures are for %(harmed)s and %(responsible)s only.")
            % {"harmed": words.harmed_plural, "responsible": words.responsible_plural}
        )
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose when these answers were given")})
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("The date answered must be today or in the past")})
    with transaction.atomic():
        case = _lock_case(case, closed_allowed=True)
        if case.status == CaseStatus.CLOSED and stage != Stage.CLOSURE:
            raise ValidationError(
                {
                    "stage": _("%(reference)s is closed: only answers at closure can be recorded")
                    % {"reference": case.reference}
                }
            )
        if (
            stage == Stage.AFTER_MEETING
            and not case.meetings.filter(organisation_id=case.organisation_id)
            .filter(status=MeetingStatus.HELD)
            .exists()
        ):
            raise ValidationError(
                {"stage": _("No meeting or exchange has been held yet, so choose another stage")}
            )
        existing = HarmMeasure.objects.filter(party=party, stage=stage).first()
        if existing is not None:
            if not loaded_version:
                raise EditConflict(
                    [],
                    existing,
                    "Answers at this stage were recorded by someone else while you were "
                    "entering yours, so yours have not been saved. The form now shows the "
                    "saved answers: change them if you need to.",
                )
            existing.answered_on = answered_on
            measure = lock_and_check(existing, loaded_version, ["answered_on"])
            questions = [
                {
                    "key": r.question_key,
                    "text": r.question,
                    "low": r.low_label,
                    "high": r.high_label,
                }
                for r in measure.ratings.order_by("position")
            ]
        else:
            question_set = question_set_current(case.organisation)
            if asked_version is not None and asked_version != question_set.version:
                raise QuestionsReworded(
                    "The questions were reworded while you were entering the answers, so "
                    "they have not been saved. The form now shows the new wording: read the "
                    "questions to them again."
                )
            questions = question_set.for_audience(audience)
            measure = HarmMeasure(
                organisation_id=case.organisation_id,
                case=case,
                party=party,
                stage=stage,
                question_set_version=question_set.version,
                created_by=by,
            )
        errors = {
            f"q_{q['key']}": "Choose a number from 0 to 10"
            for q in questions
            if not isinstance(ratings.get(q["key"]), int) or not 0 <= ratings[q["key"]] <= 10
        }
        if errors:
            raise ValidationError(errors)
        measure.answered_on = answered_on
        measure.updated_by = by
        measure.full_clean(validate_constraints=False)
        measure.save()
        for position, question in enumerate(questions, start=1):
            HarmRating.objects.update_or_create(
                measure=measure,
                question_key=question["key"],
                defaults={"rating": ratings[question["key"]], "updated_by": by},
                create_defaults={
                    "organisation_id": case.organisation_id,
                    "case": case,
                    "party": party,
                    "question": question["text"],
                    "low_label": question["low"],
                    "high_label": question["high"],
                    "position": position,
                    "rating": ratings[question["key"]],
                    "created_by": by,
                    "updated_by": by,
                },
            )
        event_record(
            case=case,
            by=by,
            code="harm_measures",
            summary=f"Harm measures {'changed' if existing else 'recorded'} for "
            f"{party.person.full_name}: {measure.get_stage_display().lower()}",
        )
    return measure


# Feedback --------------------------------------------------------------------------


def email_is_safe(person: Person) -> bool:
    """Amends e-mails a person only at an address on record, and only when they said
    e-mail is safe: an e-mail read by someone else can put them at risk."""
    return not channel_refusal(person, EMAIL)


def feedback_link_create(*, party: Party, delivery: str, by: User) -> tuple[FeedbackLink, str]:
    """Make a one-time feedback link for a participant; e-mail it if asked and safe.

    Returns the link and its token (shown once; only its hash is kept). A link
    still waiting for an answer is replaced, so one person has one live link.
    """
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": _("Choose how to give them the link")})
    person = party.person
    if delivery == Delivery.EMAIL and not email_is_safe(person):
        raise ValidationError(
            {
                "delivery": _(
                    "%(name)s has not said e-mail is safe, so show the link on screen instead"
                )
                % {"name": person.full_name}
            }
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        case = _lock_case(party.case, closed_allowed=True)
        if not meeting_held_or_closed(case):
            raise ValidationError(
                _("Feedback is asked for after a meeting or exchange has been held, or at closure.")
            )
        now = timezone.now()
        FeedbackLink.objects.usable().filter(party=party).update(expires_at=now)
        link = FeedbackLink(
            organisation_id=case.organisation_id,
            case=case,
            party=party,
            token_hash=FeedbackLink.hash_token(token),
            delivery=delivery,
            expires_at=now + FEEDBACK_LINK_LIFETIME,
            created_by=by,
            updated_by=by,
        )
        link.full_clean()
        link.save()
        how = "e-mailed to" if delivery == Delivery.EMAIL else "made for"
        event_record(
            case=case,
            by=by,
            code="feedback_link",
            summary=f"Feedback link {how} {person.full_name}",
        )
        if delivery == Delivery.EMAIL:
            person_message(
                person=person,
                kind=MessageKind.FEEDBACK_LINK,
                values={"link_expires": day_in(link.expires_at, person.message_language)},
                secret={"link": settings.SITE_URL + reverse("outcomes:feedback", args=[token])},
            )
    return link, token


def feedback_link_for_token(token: str) -> FeedbackLink | None:
    """The link a token opens, used or not; None for a token that was never issued."""
    if not token or len(token) > 100:
        return None
    return FeedbackLink.objects.filter(token_hash=FeedbackLink.hash_token(token)).first()


class LinkUnusable(Exception):
    """The link was used or has expired (the page says which, kindly)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _feedback_save(
    *,
    case: Case,
    party: Party,
    answers: dict[str, Any],
    how: str,
    link: FeedbackLink | None,
    by: User | None,
) -> FeedbackResponse:
    response = FeedbackResponse(
        organisation_id=case.organisation_id,
        case=case,
        party=party,
        link=link,
        answered_how=how,
        answered_on=timezone.localdate(),
        created_by=by,
        updated_by=by,
        **{name: answers.get(name, "") for name in FEEDBACK_FIELDS},
    )
    response.full_clean(validate_constraints=False)
    response.save()
    return response


def feedback_submit(*, link: FeedbackLink, answers: dict[str, Any]) -> FeedbackResponse:
    """A participant's answers through their one-time link. Uses the link up."""
    with transaction.atomic():
        locked = FeedbackLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None:
            raise LinkUnusable("used")
        if locked.expires_at <= timezone.now():
            raise LinkUnusable("expired")
        party = Party.objects.select_related("person", "case").get(pk=locked.party_id)
        response = _feedback_save(
            case=party.case,
            party=party,
            answers=answers,
            how=AnsweredHow.ONLINE,
            link=locked,
            by=None,
        )
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at", "updated_at"])
        event_record(
            case=party.case,
            by=None,
            code="feedback",
            summary=f"Feedback received from {party.person.full_name} by one-time link",
        )
    return response


def feedback_record_by_phone(
    *, party: Party, answers: dict[str, Any], by: User
) -> FeedbackResponse:
    """Answers a participant gave by phone, recorded by the facilitator (and marked so)."""
    with transaction.atomic():
        case = _lock_case(party.case, closed_allowed=True)
        if not meeting_held_or_closed(case):
            raise ValidationError(
                _("Feedback is asked for after a meeting or exchange has been held, or at closure.")
            )
        response = _feedback_save(
            case=case, party=party, answers=answers, how=AnsweredHow.BY_PHONE, link=None, by=by
        )
        # A link still waiting is no longer needed: they have answered.
        FeedbackLink.objects.usable().filter(party=party).update(expires_at=timezone.now())
        event_record(
            case=case,
            by=by,
            code="feedback",
            summary=f"Feedback from {party.person.full_name} recorded by phone",
        )
    return response


# The Victims' Code -------------------------------------------------------------------


VICTIMS_CODE_FIELDS = ["crime_reported_on", "informed_on", "informed_by", "informed_how"]


def victims_code_save(
    *, party: Party, by: User, loaded_version: str | None, **fields: Any
) -> VictimsCodeRecord:
    """Record (or correct) when a harmed person was first told about restorative justice."""
    unknown = set(fields) - set(VICTIMS_CODE_FIELDS)
    if unknown:
        raise ValueError(f"victims_code_save cannot change {sorted(unknown)}")
    if party.role != PartyRole.HARMED:
        harmed = words_for(party.case.organisation, party.case.sector).harmed_plural
        raise ValidationError(
            _("The Victims' Code record is for %(harmed)s only.") % {"harmed": harmed}
        )
    today = timezone.localdate()
    errors = {}
    reported, informed = fields.get("crime_reported_on"), fields.get("informed_on")
    if reported and reported > today:
        errors["crime_reported_on"] = _(
            "The date the crime was reported must be today or in the past"
        )
    if informed and informed > today:
        errors["informed_on"] = _(
            "The date they were given information must be today or in the past"
        )
    if reported and informed and informed < reported and "informed_on" not in errors:
        errors["informed_on"] = _(
            "The date they were given information must be the same as or after the date "
            "the crime was reported"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = case_lock_open(party.case)
        record = VictimsCodeRecord.objects.filter(party=party).first()
        if record is not None:
            for name, value in fields.items():
                setattr(record, name, value)
            record = lock_and_check(record, loaded_version, list(fields))
        else:
            record = VictimsCodeRecord(
                organisation_id=case.organisation_id, case=case, party=party, created_by=by
            )
        for name, value in fields.items():
            setattr(record, name, value)
        record.updated_by = by
        record.full_clean()
        record.save()
        event_record(
            case=case,
            by=by,
            code="victims_code",
            summary=f"Victims' Code information recorded for {party.person.full_name}",
        )
    return record


# Prevented: the reoffending check ------------------------------------------------------

REOFFENDING_FIELDS = ["answer", "source"]


def reoffending_check_on_close(*, case: Case, by: User) -> ReoffendingCheck | None:
    """A justice-sector case has just closed: its reoffending check falls due twelve
    months after the date it closed. Other sectors have none. An answer already
    recorded (before a reopening) is kept as it was. Call inside the closing transaction."""
    if case.sector != Sector.JUSTICE or case.closed_at is None:
        return None
    due_on = one_year_after(timezone.localdate(case.closed_at))
    check = ReoffendingCheck.objects.filter(case=case).first()
    if check is not None:
        if not check.is_answered:
            check.due_on = due_on
            check.updated_by = by
            check.save(update_fields=["due_on", "updated_by", "updated_at"])
        return check
    return ReoffendingCheck.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        due_on=due_on,
        created_by=by,
        updated_by=by,
    )


def reoffending_check_on_reopen(*, case: Case) -> None:
    """A reopened case has no follow-up to make: an unanswered check is removed (closing
    again makes it anew). An answered one stays, set aside while the case is open."""
    ReoffendingCheck.objects.filter(case=case, answer="").delete()


def reoffending_check_record(
    *, check: ReoffendingCheck, answer: str, source: str, by: User, loaded_version: str | None
) -> ReoffendingCheck:
    """Record (or correct) the answer to a case's reoffending check. Coordinators only."""
    errors = {}
    if answer not in ReoffendingAnswer.values:
        errors["answer"] = _("Choose whether they have offended again, or that it is not known")
    source = source.strip()
    if not source:
        errors["source"] = _("Enter where the answer came from")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=check.case_id)
        if case.status != CaseStatus.CLOSED:
            raise ValidationError(
                _(
                    "%(reference)s has been reopened, so its reoffending check is set aside "
                    "until it closes again."
                )
                % {"reference": case.reference}
            )
        if check.due_on > timezone.localdate():
            raise ValidationError(
                _(
                    "The check is due on %(due)s, twelve months after %(reference)s closed: "
                    "it can be answered from then."
                )
                % {"due": date_format(check.due_on, "j F Y"), "reference": case.reference}
            )
        if (
            not Membership.objects.active()
            .filter(organisation_id=case.organisation_id, user=by, role=Role.COORDINATOR)
            .exists()
        ):
            raise ValidationError(_("Only a coordinator can record a reoffending check."))
        check.answer, check.source = answer, source
        check = lock_and_check(check, loaded_version, REOFFENDING_FIELDS)
        was_answered = check.is_answered
        check.answer, check.source = answer, source
        check.recorded_at = timezone.now()
        check.recorded_by = by
        check.updated_by = by
        check.full_clean()
        check.save()
        event_record(
            case=case,
            by=by,
            code="reoffending_check",
            summary=f"Reoffending check {'changed' if was_answered else 'recorded'}: "
            f"{check.get_answer_display().lower()}",
        )
    return check
