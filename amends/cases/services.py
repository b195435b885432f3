"""State changes for cases. Each is atomic, records a timeline event and an audit record.

Refusals are ValidationErrors in plain English, keyed by the form field that
caused them where there is one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amends.cases.models import (
    EXTRA_CARE_CONCERNS,
    INDIRECT_PROCESSES,
    MEETING_FORMAT_SCOPES,
    NOT_PROCEEDED,
    RISK_CONCERNS,
    ROLES_NEEDING_SUBJECT,
    Case,
    CaseEvent,
    CaseReferenceCounter,
    CaseStatus,
    ClosureOutcome,
    ConsentDecision,
    ConsentRecord,
    ConsentScope,
    ContactLogEntry,
    Party,
    PartyRole,
    ProcessType,
    RiskAssessment,
    RiskDecision,
    Side,
)
from amends.cases.notifications import allocation_notify
from amends.core.audit import audit_record, english_display
from amends.core.concurrency import (
    MISSING_VERSION_MESSAGE,
    EditConflict,
    lock_and_check,
    version_of,
)
from amends.core.models import AuditAction, Membership, Organisation, Role
from amends.practitioners.models import AllocationOverride
from amends.practitioners.standing import allocation_gap

if TYPE_CHECKING:
    from amends.accounts.models import User
    from amends.people.models import Person
    from amends.referrals.models import HarmType, Referral

# Which statuses a case may move to from each status (closing is case_close's).
TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.PREPARING, CaseStatus.MEETING_ARRANGED},
    CaseStatus.PREPARING: {CaseStatus.MEETING_ARRANGED},
    CaseStatus.MEETING_ARRANGED: {CaseStatus.PREPARING, CaseStatus.MONITORING},
    CaseStatus.MONITORING: set(),
    CaseStatus.CLOSED: set(),
}


# The usual next step when a case reaches a status, and how many days it takes.
NEXT_STEPS: dict[str, tuple[str, int]] = {
    CaseStatus.PREPARING: ("Prepare the parties and assess risk", 14),
    CaseStatus.MEETING_ARRANGED: ("Hold the meeting", 21),
}


def event_record(*, case: Case, by: User | None, code: str, summary: str) -> CaseEvent:
    """Add to the case's timeline and the audit log. Summaries never hold sensitive values."""
    event = CaseEvent.objects.create(
        organisation_id=case.organisation_id, case=case, code=code, summary=summary, created_by=by
    )
    audit_record(
        actor=by,
        action=AuditAction.UPDATE if code != "case_opened" else AuditAction.CREATE,
        organisation=case.organisation,
        record=case,
        summary=summary,
    )
    return event


# Reasons restorative work on a case is paused, asked before it moves on or a meeting is held.
# An app that can pause a case (a school's safeguarding hand-off) appends a function that
# returns why the case is paused, or "" when it is not.
PAUSES: list[Callable[[Case], str]] = []


def case_paused(case: Case) -> str:
    """Why restorative work on `case` is paused, or "" if it may go on."""
    for pause in PAUSES:
        reason = pause(case)
        if reason:
            return reason
    return ""


def closed_message(case: Case) -> str:
    return _("%(reference)s is closed, so it cannot be changed. A coordinator can reopen it.") % {
        "reference": case.reference
    }


def _refuse_if_closed(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(closed_message(case))


def case_lock(case: Case) -> Case:
    """Re-read the case in place under a row lock (PostgreSQL; on SQLite the
    write transaction taken at BEGIN does the same). Call inside a transaction."""
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())
    return case


def case_lock_open(case: Case) -> Case:
    """Re-read the case under a row lock and refuse if it is closed.

    Every change to a case, or to anything that belongs to it, calls this
    first inside its transaction, so the change and a closure (or any other
    change to the case) cannot both win a race. The case is refreshed in
    place, so the caller's object shows what was decided on; it is returned.
    """
    case_lock(case)
    _refuse_if_closed(case)
    return case


def case_move(*, case: Case, to: str, by: User | None, reason: str = "") -> Case:
    """Move a case to a new status, if the lifecycle allows it."""
    with transaction.atomic():
        case_lock_open(case)
        if case.status == to:
            return case
        if paused := case_paused(case):
            raise ValidationError(paused)
        if to not in TRANSITIONS[case.status]:
            raise ValidationError(
                _("%(reference)s cannot move from “%(from)s” to “%(to)s”.")
                % {
                    "reference": case.reference,
                    "from": case.get_status_display(),
                    "to": CaseStatus(to).label,
                }
            )
        old = english_display(case, "status")
        case.status = to
        if to in NEXT_STEPS:
            case.next_step, days = NEXT_STEPS[to]
            case.next_step_due = timezone.localdate() + datetime.timedelta(days=days)
        case.save(update_fields=["status", "next_step", "next_step_due", "updated_at"])
        event_record(
            case=case,
            by=by,
            code="status_changed",
            summary=f"Status changed from {old} to {english_display(case, 'status')}"
            + (f": {reason}" if reason else ""),
        )
    return case


def _next_reference(organisation: Organisation, year: int) -> str:
    """The next case reference, safe when two cases open at the same moment.

    The counter row is locked (PostgreSQL) or the write transaction is taken
    at BEGIN (SQLite, transaction_mode IMMEDIATE), so each number is used once.
    """
    CaseReferenceCounter.objects.get_or_create(organisation=organisation, year=year)
    counter = CaseReferenceCounter.objects.select_for_update().get(
        organisation=organisation, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{organisation.case_reference_prefix}-{year}-{counter.last_number:04d}"


def case_open(
    *,
    organisation: Organisation,
    by: User,
    sector: str,
    harm_summary: str,
    harm_type: HarmType | None = None,
    incident_date: datetime.date | None = None,
    justice_stage: str = "",
    planned_process: str = ProcessType.CONFERENCE,
    referral: Referral | None = None,
) -> Case:
    with transaction.atomic():
        today = timezone.localdate()
        case = Case(
            organisation=organisation,
            reference=_next_reference(organisation, today.year),
            referral=referral,
            sector=sector,
            harm_type=harm_type,
            harm_summary=harm_summary,
            incident_date=incident_date,
            justice_stage=justice_stage,
            planned_process=planned_process,
            opened_on=today,
            next_step="Allocate facilitators",
            next_step_due=today + datetime.timedelta(days=5),
            created_by=by,
            updated_by=by,
        )
        case.full_clean()
        case.save()
        event_record(case=case, by=by, code="case_opened", summary="Case opened")
    return case


def _facilitator_membership(organisation: Organisation, user: User | None) -> Membership | None:
    if user is None:
        return None
    return (
        Membership.objects.active()
        .filter(organisation=organisation, user=user, role__in=[Role.FACILITATOR, Role.COORDINATOR])
        .first()
    )


ALLOCATE_ANYWAY = gettext_lazy("Record their training, or give a reason to allocate anyway.")


def case_allocate(
    *, case: Case, lead: User, co: User | None, by: User, override_reason: str = ""
) -> Case:
    """Give the case to a lead (and co-) facilitator. The lead must hold the training the
    case needs (amends.practitioners.standing), unless a coordinator gives a reason."""
    override_reason = " ".join(override_reason.split())
    with transaction.atomic():
        current = case_lock_open(case)
        errors: dict[str, str] = {}
        gap = None
        if _facilitator_membership(case.organisation, lead) is None:
            errors["lead_facilitator"] = _("Choose a facilitator or coordinator of this service")
        elif (gap := allocation_gap(lead, case)) and not override_reason:
            errors["lead_facilitator"] = f"{gap} {ALLOCATE_ANYWAY}"
        if co is not None:
            if co == lead:
                errors["co_facilitator"] = _(
                    "The co-facilitator must be someone other than the lead"
                )
            elif _facilitator_membership(case.organisation, co) is None:
                errors["co_facilitator"] = _("Choose a facilitator or coordinator of this service")
        if errors:
            raise ValidationError(errors)
        # Told by e-mail once the allocation is saved: anyone new to the case, unless they
        # allocated themself.
        newly_allocated = {
            user.pk: part
            for user, part in ((lead, "lead"), (co, "co"))
            if user is not None and user.pk not in current.facilitator_ids() and user.pk != by.pk
        }
        if newly_allocated:
            transaction.on_commit(
                partial(allocation_notify, case=case, newly_allocated=newly_allocated)
            )
        case.lead_facilitator = lead
        case.co_facilitator = co
        if case.next_step == "Allocate facilitators":
            case.next_step = "Make first contact with the parties"
            case.next_step_due = timezone.localdate() + datetime.timedelta(days=7)
        case.updated_by = by
        case.save()
        names = lead.get_full_name() + (f" with {co.get_full_name()}" if co else "")
        event_record(case=case, by=by, code="allocated", summary=f"Allocated to {names}")
        if gap:
            override = AllocationOverride(
                organisation_id=case.organisation_id,
                case=case,
                facilitator=lead,
                missing=gap,
                reason=override_reason,
                created_by=by,
                updated_by=by,
            )
            override.full_clean()
            override.save()
            summary = (
                f"Allocated without the training the case needs ({gap.rstrip('.')}). "
                f"Reason: {override_reason}"
            )
            event_record(
                case=case,
                by=by,
                code="allocation_override",
                summary=summary if len(summary) <= 300 else summary[:299] + "…",
            )
    return case


def case_update(*, case: Case, by: User, loaded_version: str | None, **fields: Any) -> Case:
    """Change a case's details, refusing if someone else saved since the form was loaded."""
    allowed = {
        "harm_summary",
        "harm_type",
        "incident_date",
        "justice_stage",
        "planned_process",
        "next_step",
        "next_step_due",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"case_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        saved = Case.objects.select_for_update().get(pk=case.pk)
        _refuse_if_closed(saved)
        old_process = english_display(saved, "planned_process")
        for name, value in fields.items():
            setattr(case, name, value)
        lock_and_check(case, loaded_version, list(fields))
        case.updated_by = by
        case.full_clean()
        case.save()
        changed = sorted(name.replace("_", " ") for name in fields)
        event_record(
            case=case, by=by, code="details_changed", summary="Changed " + ", ".join(changed)
        )
        if english_display(case, "planned_process") != old_process:
            event_record(
                case=case,
                by=by,
                code="process_changed",
                summary=f"Planned process changed from {old_process} to "
                f"{english_display(case, 'planned_process')}",
            )
    return case


def _side_for(role: str, supports: Party | None) -> str:
    if role == PartyRole.HARMED:
        return Side.HARMED
    if role == PartyRole.RESPONSIBLE:
        return Side.RESPONSIBLE
    if role in ROLES_NEEDING_SUBJECT and supports is not None:
        return supports.side
    return Side.COMMUNITY


def party_add(
    *, case: Case, person: Person, role: str, by: User, supports: Party | None = None
) -> Party:
    with transaction.atomic():
        case_lock_open(case)
        if person.organisation_id != case.organisation_id:
            raise ValidationError({"person": _("Choose someone from this service's records")})
        if role in ROLES_NEEDING_SUBJECT and supports is None:
            raise ValidationError({"supports": _("Choose who they support")})
        if supports is not None and supports.case_id != case.pk:
            raise ValidationError({"supports": _("Choose someone in this case")})
        if role == PartyRole.PARENT_CARER and supports is not None and not supports.person.is_child:
            raise ValidationError(
                {
                    "supports": _("%(name)s is not a child, so needs no parent or carer")
                    % {"name": supports.person.full_name}
                }
            )
        if case.parties.filter(person=person).exists():
            raise ValidationError(
                {"person": _("%(name)s is already in this case") % {"name": person.full_name}}
            )
        party = Party(
            organisation_id=case.organisation_id,
            case=case,
            person=person,
            role=role,
            supports=supports if role in ROLES_NEEDING_SUBJECT else None,
            side=_side_for(role, supports),
            created_by=by,
            updated_by=by,
        )
        party.full_clean()
        party.save()
        event_record(
            case=case,
            by=by,
            code="party_added",
            summary=f"{person.full_name} joined as {english_display(party, 'role').lower()}",
        )
    return party


def party_update_notes(
    *, party: Party, private_notes: str, by: User, loaded_version: str | None
) -> Party:
    """Change a party's private notes, refusing if someone else saved them since the page loaded."""
    with transaction.atomic():
        case_lock_open(party.case)
        party.private_notes = private_notes
        lock_and_check(party, loaded_version, ["private_notes"])
        party.updated_by = by
        party.full_clean()
        party.save()
        event_record(
            case=party.case,
            by=by,
            code="party_notes",
            summary=f"Changed private notes on {party.person.full_name}",
        )
    return party


# Consent -------------------------------------------------------------------


def consent_state(
    case: Case, *, process: str | None = None, parties: list[Party] | None = None
) -> dict[int, list[str]]:
    """For every party of the case, what stands between them and current consent.

    Consent means consent to take part; for a meeting of a direct `process`
    (face to face), consent to a direct meeting as well. Between "a direct
    meeting" and "indirect contact only" the later decision stands.
    Two queries whatever the number of parties or records; one where the caller has read the
    case's `parties` (with their people) already.
    """
    if parties is None:
        parties = list(
            case.parties.filter(organisation_id=case.organisation_id).select_related("person")
        )
    latest: dict[tuple[int, int, str], str] = {}
    # (party, given by): the latest (scope, decision) on how they may meet.
    meeting_format: dict[tuple[int, int], tuple[str, str]] = {}
    for record in ConsentRecord.objects.filter(case=case).order_by("decided_on", "pk"):
        if record.scope in MEETING_FORMAT_SCOPES:
            meeting_format[(record.party_id, record.given_by_id)] = (record.scope, record.decision)
        else:
            latest[(record.party_id, record.given_by_id, record.scope)] = record.decision
    direct_given = (ConsentScope.DIRECT_MEETING.value, ConsentDecision.GIVEN.value)
    direct = process is not None and process not in INDIRECT_PROCESSES
    state: dict[int, list[str]] = {}
    for party in parties:
        name = party.person.full_name
        missing = []
        own = latest.get((party.pk, party.pk, ConsentScope.TAKE_PART))
        if own != ConsentDecision.GIVEN:
            missing.append(
                _("%(name)s: has not given consent") % {"name": name}
                if own is None
                else _("%(name)s: consent is %(decision)s")
                % {"name": name, "decision": ConsentDecision(own).label.lower()}
            )
        if direct:
            meeting = meeting_format.get((party.pk, party.pk))
            if meeting != direct_given:
                missing.append(f"{name}: {_no_direct_meeting(meeting)}")
        if party.person.is_child:
            carers = [
                p.pk
                for p in parties
                if p.role == PartyRole.PARENT_CARER and p.supports_id == party.pk
            ]
            if not any(
                latest.get((party.pk, c, ConsentScope.TAKE_PART)) == ConsentDecision.GIVEN
                for c in carers
            ):
                missing.append(
                    _("%(name)s is a child: a parent or carer has not given consent")
                    % {"name": name}
                )
            elif direct and not any(
                meeting_format.get((party.pk, c)) == direct_given for c in carers
            ):
                missing.append(
                    _("%(name)s is a child: a parent or carer has not agreed to a direct meeting")
                    % {"name": name}
                )
        state[party.pk] = missing
    return state


def _no_direct_meeting(latest: tuple[str, str] | None) -> str:
    if latest is None:
        return _("has not agreed to a direct meeting")
    scope, decision = latest
    if scope == ConsentScope.INDIRECT_ONLY and decision == ConsentDecision.GIVEN:
        return _("has agreed to indirect contact only, not a direct meeting")
    if scope == ConsentScope.DIRECT_MEETING:
        return _("consent to a direct meeting is %(decision)s") % {
            "decision": ConsentDecision(decision).label.lower()
        }
    return _("has not agreed to a direct meeting")


def consent_missing(party: Party, *, process: str | None = None) -> list[str]:
    """What stands between this party and current consent, in plain English; empty if none."""
    return consent_state(party.case, process=process)[party.pk]


def consent_record(
    *,
    party: Party,
    given_by: Party,
    decision: str,
    method: str,
    decided_on: datetime.date,
    note: str,
    by: User,
    scope: str = ConsentScope.TAKE_PART,
) -> ConsentRecord:
    case = party.case
    with transaction.atomic():
        case_lock_open(case)
        if given_by.pk != party.pk and not (
            given_by.role == PartyRole.PARENT_CARER and given_by.supports_id == party.pk
        ):
            raise ValidationError(
                {
                    "given_by": _(
                        "Consent is given by the person themself or, "
                        "for a child, their parent or carer"
                    )
                }
            )
        if decided_on > timezone.localdate():
            raise ValidationError({"decided_on": _("The date must be today or in the past")})
        record = ConsentRecord(
            organisation_id=case.organisation_id,
            case=case,
            party=party,
            given_by=given_by,
            scope=scope,
            decision=decision,
            method=method,
            decided_on=decided_on,
            note=note,
            created_by=by,
            updated_by=by,
        )
        record.full_clean()
        record.save()
        who = (
            party.person.full_name
            if given_by.pk == party.pk
            else f"{given_by.person.full_name} for {party.person.full_name}"
        )
        event_record(
            case=case,
            by=by,
            code="consent",
            summary=f"Consent {english_display(record, 'decision').lower()}: {who} "
            f"({english_display(record, 'scope').lower()})",
        )
        if case.status == CaseStatus.OPEN:
            case_move(case=case, to=CaseStatus.PREPARING, by=by)
    return record


# Risk ------------------------------------------------------------------------


def risk_current(case: Case) -> RiskAssessment | None:
    return (
        case.risk_assessments.filter(organisation_id=case.organisation_id)
        .select_related("created_by")
        .order_by("-assessed_on", "-pk")
        .first()
    )


RISK_OUT_OF_DATE = gettext_lazy(
    "Someone else recorded a risk assessment after you opened this page, so yours has not "
    "been saved. The page now shows the current assessment: check it, then record yours again."
)


def risk_version(case: Case) -> str:
    """The version of a case's risk assessment: the newest one's, or "none" before the first."""
    current = risk_current(case)
    return f"{current.pk}:{version_of(current)}" if current else "none"


def risk_assess(
    *, case: Case, by: User, loaded_version: str | None, **fields: Any
) -> RiskAssessment:
    """Record a new risk assessment, made from a page showing the current one.

    A page loaded before someone else recorded an assessment is out of date:
    the new assessment would be made without having seen theirs.
    """
    with transaction.atomic():
        case_lock_open(case)
        current = risk_current(case)
        if not loaded_version:
            raise EditConflict([], current or case, MISSING_VERSION_MESSAGE)
        if loaded_version != risk_version(case):
            raise EditConflict([], current or case, str(RISK_OUT_OF_DATE))
        return _risk_record(case=case, by=by, **fields)


def _risk_record(*, case: Case, by: User, **fields: Any) -> RiskAssessment:
    decision = fields.get("decision")
    flagged = [name for name, _question in RISK_CONCERNS if fields.get(name)]
    if fields.get("assessed_on") and fields["assessed_on"] > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date must be today or in the past")})
    if (
        decision == RiskDecision.SUITABLE_WITH_MITIGATIONS
        and not fields.get("mitigations", "").strip()
    ):
        raise ValidationError({"mitigations": _("List the mitigations that make it suitable")})
    extra = sorted(set(flagged) & EXTRA_CARE_CONCERNS)
    if extra and decision == RiskDecision.SUITABLE:
        raise ValidationError(
            {
                "decision": _(
                    "Domestic abuse, sexual harm, stalking and hate need extra care: "
                    "choose “suitable with the listed mitigations” and list them, or “not suitable”"
                )
            }
        )
    assessment = RiskAssessment(
        organisation_id=case.organisation_id, case=case, created_by=by, updated_by=by, **fields
    )
    assessment.full_clean()
    assessment.save()
    event_record(
        case=case,
        by=by,
        code="risk_assessed",
        summary=f"Risk assessed: {english_display(assessment, 'decision').lower()}",
    )
    if case.status == CaseStatus.OPEN:
        case_move(case=case, to=CaseStatus.PREPARING, by=by)
    return assessment


# Contact log -----------------------------------------------------------------


FIRST_CONTACT_STEP = "Make first contact with the parties"


def _is_contact_step(next_step: str) -> bool:
    return next_step == FIRST_CONTACT_STEP or next_step.startswith("Contact ")


def _next_contact_becomes_next_step(
    case: Case, next_contact_on: datetime.date, party: Party | None
) -> bool:
    """Set the case's next step from a contact's "next contact" date, where that makes sense:
    when the case has none, when it is already about contact, or while the parties are
    being prepared and the contact comes sooner. A meeting or agreement step stays."""
    sensible = (
        not case.next_step
        or not case.next_step_due
        or _is_contact_step(case.next_step)
        or (
            case.status in {CaseStatus.OPEN, CaseStatus.PREPARING}
            and next_contact_on < case.next_step_due
        )
    )
    if not sensible:
        return False
    case.next_step = f"Contact {party.person.full_name} again" if party else "Make the next contact"
    case.next_step_due = next_contact_on
    case.save(update_fields=["next_step", "next_step_due", "updated_at"])
    return True


def contact_log(
    *,
    case: Case,
    by: User,
    kind: str,
    contact_on: datetime.date,
    minutes: int,
    note: str = "",
    party: Party | None = None,
    outcome: str = "",
    next_contact_on: datetime.date | None = None,
) -> ContactLogEntry:
    with transaction.atomic():
        case_lock_open(case)
        errors = {}
        if contact_on > timezone.localdate():
            errors["contact_on"] = _("The date must be today or in the past")
        if not 1 <= minutes <= 24 * 60:
            errors["minutes"] = _("Minutes spent must be between 1 and 1440")
        if party is not None and party.case_id != case.pk:
            errors["party"] = _("Choose someone in this case")
        if next_contact_on is not None and next_contact_on < contact_on:
            errors["next_contact_on"] = _(
                "Next contact must be on or after the date of this contact"
            )
        if errors:
            raise ValidationError(errors)
        entry = ContactLogEntry(
            organisation_id=case.organisation_id,
            case=case,
            party=party,
            kind=kind,
            contact_on=contact_on,
            minutes=minutes,
            outcome=outcome,
            next_contact_on=next_contact_on,
            note=note,
            created_by=by,
            updated_by=by,
        )
        entry.full_clean()
        entry.save()
        with_whom = f" with {party.person.full_name}" if party else ""
        result = f": {english_display(entry, 'outcome').lower()}" if outcome else ""
        event_record(
            case=case,
            by=by,
            code="contact",
            summary=f"{english_display(entry, 'kind')}{with_whom} ({minutes} minutes){result}",
        )
        if case.status == CaseStatus.OPEN:
            case_move(case=case, to=CaseStatus.PREPARING, by=by)
        if next_contact_on is not None and _next_contact_becomes_next_step(
            case, next_contact_on, party
        ):
            event_record(
                case=case,
                by=by,
                code="next_step",
                summary=f"Next step: {case.next_step}, by {next_contact_on:%-d %B %Y}",
            )
    return entry


# Closure -----------------------------------------------------------------------


# An agreed action counts as carried out when done, or done as a coordinator varied it.
CARRIED_OUT = {"done", "varied"}


def case_close(*, case: Case, outcome: str, note: str, by: User) -> Case:
    """Close a case with one of the fixed outcomes, if nothing stands in the way.

    The case and its actions are re-read under lock, so an action added or
    reopened at the same moment cannot slip past the checks.
    """
    with transaction.atomic():
        case_lock_open(case)
        previous_status = case.status
        if outcome not in ClosureOutcome.values:
            raise ValidationError({"outcome": _("Choose an outcome from the list")})
        actions = list(case.actions.select_for_update().order_by("due_on", "pk"))
        open_actions = [a for a in actions if a.status == "open"]
        if open_actions:
            listed = "; ".join(
                _("%(kind)s due %(due)s")
                % {"kind": a.get_kind_display(), "due": f"{a.due_on:%-d %B %Y}"}
                for a in open_actions
            )
            raise ValidationError(
                {
                    "outcome": _(
                        "%(reference)s has actions still open: %(listed)s. "
                        "Record how each ended first."
                    )
                    % {"reference": case.reference, "listed": listed}
                }
            )
        has_agreement = hasattr(case, "agreement") and case.agreement.is_agreed
        if outcome == ClosureOutcome.AGREEMENT_COMPLETED:
            if not has_agreement:
                raise ValidationError({"outcome": _("There is no agreement to complete")})
            unfinished = [a for a in actions if a.status not in CARRIED_OUT]
            if unfinished:
                listed = "; ".join(
                    f"{a.get_kind_display()} ({a.get_status_display().lower()})" for a in unfinished
                )
                raise ValidationError(
                    {
                        "outcome": _(
                            "The agreement is completed only when every action is done "
                            "or varied. Not yet: %(listed)s. A coordinator can record a variation."
                        )
                        % {"listed": listed}
                    }
                )
        if outcome == ClosureOutcome.AGREEMENT_NOT_COMPLETED:
            if not has_agreement:
                raise ValidationError(
                    {"outcome": _("There is no agreement to close as not completed")}
                )
            if all(a.status in CARRIED_OUT for a in actions):
                raise ValidationError(
                    {
                        "outcome": _(
                            "Every action in the agreement is done or varied: "
                            "choose “Agreement completed”"
                        )
                    }
                )
        if outcome == ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT and has_agreement:
            raise ValidationError(
                {"outcome": _("This case has an agreement: choose “Agreement completed”")}
            )
        if (
            outcome == ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT
            and not case.meetings.filter(organisation_id=case.organisation_id)
            .filter(status="held")
            .exists()
        ):
            raise ValidationError(
                {
                    "outcome": _(
                        "No meeting or exchange has been held, so the process was not completed"
                    )
                }
            )
        if outcome in NOT_PROCEEDED and case.status == CaseStatus.MONITORING:
            raise ValidationError(
                {
                    "outcome": _(
                        "An agreement has been made, so the case did proceed: choose how it ended"
                    )
                }
            )
        case.status = CaseStatus.CLOSED
        case.closure_outcome = outcome
        case.closure_note = note
        case.closed_at = timezone.now()
        case.next_step = ""
        case.next_step_due = None
        case.updated_by = by
        case.save()
        event_record(
            case=case,
            by=by,
            # The status it closed from travels with the event, so reopening can return to it.
            code=f"{CLOSED_FROM}{previous_status}",
            summary=f"Case closed: {english_display(case, 'closure_outcome')}",
        )
        # Outcomes builds on cases, so it is imported here rather than at the top.
        from amends.outcomes.services import reoffending_check_on_close

        reoffending_check_on_close(case=case, by=by)
    return case


CLOSED_FROM = "case_closed:"
REOPEN_REASON_MAX = 200


def status_before_closing(case: Case) -> str:
    """The status the case had when it was last closed; Open if the timeline does not say."""
    closing = (
        case.events.filter(organisation_id=case.organisation_id)
        .filter(code__startswith=CLOSED_FROM)
        .order_by("-at", "-pk")
        .first()
    )
    status = closing.code.removeprefix(CLOSED_FROM) if closing else ""
    if status in CaseStatus.values and status != CaseStatus.CLOSED:
        return status
    return CaseStatus.OPEN


def case_reopen(*, case: Case, reason: str, by: User) -> Case:
    """Reopen a closed case, back at the status it had before closing. Coordinators only."""
    with transaction.atomic():
        case_lock(case)
        if case.status != CaseStatus.CLOSED:
            raise ValidationError(_("%(reference)s is not closed.") % {"reference": case.reference})
        if (
            not Membership.objects.active()
            .filter(organisation_id=case.organisation_id, user=by, role=Role.COORDINATOR)
            .exists()
        ):
            raise ValidationError(_("Only a coordinator can reopen a case."))
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": _("Enter why the case is being reopened")})
        if len(reason) > REOPEN_REASON_MAX:
            raise ValidationError(
                {
                    "reason": _("The reason must be %(max)s characters or fewer")
                    % {"max": REOPEN_REASON_MAX}
                }
            )
        case.status = status_before_closing(case)
        case.closure_outcome = ""
        case.closure_note = ""
        case.closed_at = None
        case.next_step = "Review the reopened case"
        case.next_step_due = timezone.localdate() + datetime.timedelta(days=7)
        case.updated_by = by
        case.save()
        event_record(
            case=case,
            by=by,
            code="case_reopened",
            summary=f"Case reopened, back to {english_display(case, 'status').lower()}: {reason}",
        )
        from amends.outcomes.services import reoffending_check_on_reopen

        reoffending_check_on_reopen(case=case)
    return case
