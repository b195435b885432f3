"""State changes for cases. Each is atomic, records a timeline event and an audit record.

Refusals are ValidationErrors in plain English, keyed by the form field that
caused them where there is one.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

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
from amends.core.audit import audit_record
from amends.core.concurrency import lock_and_check
from amends.core.models import AuditAction, Membership, Organisation, Role

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


def _refuse_if_closed(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(f"{case.reference} is closed, so it cannot be changed.")


def case_lock_open(case: Case) -> Case:
    """Re-read the case under a row lock and refuse if it is closed.

    Every change to a case, or to anything that belongs to it, calls this
    first inside its transaction, so the change and a closure (or any other
    change to the case) cannot both win a race. Returns the locked case.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _refuse_if_closed(locked)
    return locked


def case_move(*, case: Case, to: str, by: User | None, reason: str = "") -> Case:
    """Move a case to a new status, if the lifecycle allows it."""
    if case.status == to:
        return case
    if to not in TRANSITIONS[case.status]:
        raise ValidationError(
            f"{case.reference} cannot move from “{case.get_status_display()}” to "
            f"“{CaseStatus(to).label}”."
        )
    old = case.get_status_display()
    case.status = to
    if to in NEXT_STEPS:
        case.next_step, days = NEXT_STEPS[to]
        case.next_step_due = timezone.localdate() + datetime.timedelta(days=days)
    case.save(update_fields=["status", "next_step", "next_step_due", "updated_at"])
    event_record(
        case=case,
        by=by,
        code="status_changed",
        summary=f"Status changed from {old} to {case.get_status_display()}"
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


def case_allocate(*, case: Case, lead: User, co: User | None, by: User) -> Case:
    _refuse_if_closed(case)
    errors: dict[str, str] = {}
    if _facilitator_membership(case.organisation, lead) is None:
        errors["lead_facilitator"] = "Choose a facilitator or coordinator of this service"
    if co is not None:
        if co == lead:
            errors["co_facilitator"] = "The co-facilitator must be someone other than the lead"
        elif _facilitator_membership(case.organisation, co) is None:
            errors["co_facilitator"] = "Choose a facilitator or coordinator of this service"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case.lead_facilitator = lead
        case.co_facilitator = co
        if case.next_step == "Allocate facilitators":
            case.next_step = "Make first contact with the parties"
            case.next_step_due = timezone.localdate() + datetime.timedelta(days=7)
        case.updated_by = by
        case.save()
        names = lead.get_full_name() + (f" with {co.get_full_name()}" if co else "")
        event_record(case=case, by=by, code="allocated", summary=f"Allocated to {names}")
    return case


def case_update(*, case: Case, by: User, loaded_version: str | None, **fields: Any) -> Case:
    """Change a case's details, refusing if someone else saved since the form was loaded."""
    _refuse_if_closed(case)
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
        old_process = case.get_planned_process_display()
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
        if case.get_planned_process_display() != old_process:
            event_record(
                case=case,
                by=by,
                code="process_changed",
                summary=f"Planned process changed from {old_process} to "
                f"{case.get_planned_process_display()}",
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
    _refuse_if_closed(case)
    if person.organisation_id != case.organisation_id:
        raise ValidationError({"person": "Choose someone from this service's records"})
    if role in ROLES_NEEDING_SUBJECT and supports is None:
        raise ValidationError({"supports": "Choose who they support"})
    if supports is not None and supports.case_id != case.pk:
        raise ValidationError({"supports": "Choose someone in this case"})
    if role == PartyRole.PARENT_CARER and supports is not None and not supports.person.is_child:
        raise ValidationError(
            {"supports": f"{supports.person.full_name} is not a child, so needs no parent or carer"}
        )
    if case.parties.filter(person=person).exists():
        raise ValidationError({"person": f"{person.full_name} is already in this case"})
    with transaction.atomic():
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
            summary=f"{person.full_name} joined as {party.get_role_display().lower()}",
        )
    return party


def party_update_notes(*, party: Party, private_notes: str, by: User) -> Party:
    _refuse_if_closed(party.case)
    with transaction.atomic():
        party.private_notes = private_notes
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


def consent_state(case: Case, *, process: str | None = None) -> dict[int, list[str]]:
    """For every party of the case, what stands between them and current consent.

    Consent means consent to take part; for a meeting of a direct `process`
    (face to face), consent to a direct meeting as well. Between "a direct
    meeting" and "indirect contact only" the later decision stands.
    Two queries whatever the number of parties or records.
    """
    parties = list(case.parties.select_related("person"))
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
                f"{name}: "
                + (
                    "has not given consent"
                    if own is None
                    else f"consent is {ConsentDecision(own).label.lower()}"
                )
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
                missing.append(f"{name} is a child: a parent or carer has not given consent")
            elif direct and not any(
                meeting_format.get((party.pk, c)) == direct_given for c in carers
            ):
                missing.append(
                    f"{name} is a child: a parent or carer has not agreed to a direct meeting"
                )
        state[party.pk] = missing
    return state


def _no_direct_meeting(latest: tuple[str, str] | None) -> str:
    if latest is None:
        return "has not agreed to a direct meeting"
    scope, decision = latest
    if scope == ConsentScope.INDIRECT_ONLY and decision == ConsentDecision.GIVEN:
        return "has agreed to indirect contact only, not a direct meeting"
    if scope == ConsentScope.DIRECT_MEETING:
        return f"consent to a direct meeting is {ConsentDecision(decision).label.lower()}"
    return "has not agreed to a direct meeting"


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
    _refuse_if_closed(case)
    if given_by.pk != party.pk and not (
        given_by.role == PartyRole.PARENT_CARER and given_by.supports_id == party.pk
    ):
        raise ValidationError(
            {
                "given_by": "Consent is given by the person themself or, for a child, their parent or carer"
            }
        )
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date must be today or in the past"})
    with transaction.atomic():
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
            summary=f"Consent {record.get_decision_display().lower()}: {who} "
            f"({record.get_scope_display().lower()})",
        )
        if case.status == CaseStatus.OPEN:
            case_move(case=case, to=CaseStatus.PREPARING, by=by)
    return record


# Risk ------------------------------------------------------------------------


def risk_current(case: Case) -> RiskAssessment | None:
    return case.risk_assessments.order_by("-assessed_on", "-pk").first()


def risk_assess(*, case: Case, by: User, **fields: Any) -> RiskAssessment:
    _refuse_if_closed(case)
    decision = fields.get("decision")
    flagged = [name for name, _question in RISK_CONCERNS if fields.get(name)]
    if fields.get("assessed_on") and fields["assessed_on"] > timezone.localdate():
        raise ValidationError({"assessed_on": "The date must be today or in the past"})
    if (
        decision == RiskDecision.SUITABLE_WITH_MITIGATIONS
        and not fields.get("mitigations", "").strip()
    ):
        raise ValidationError({"mitigations": "List the mitigations that make it suitable"})
    extra = sorted(set(flagged) & EXTRA_CARE_CONCERNS)
    if extra and decision == RiskDecision.SUITABLE:
        raise ValidationError(
            {
                "decision": "Domestic abuse, sexual harm, stalking and hate need extra care: "
                "choose “suitable with the listed mitigations” and list them, or “not suitable”"
            }
        )
    with transaction.atomic():
        assessment = RiskAssessment(
            organisation_id=case.organisation_id, case=case, created_by=by, updated_by=by, **fields
        )
        assessment.full_clean()
        assessment.save()
        event_record(
            case=case,
            by=by,
            code="risk_assessed",
            summary=f"Risk assessed: {assessment.get_decision_display().lower()}",
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
    _refuse_if_closed(case)
    errors = {}
    if contact_on > timezone.localdate():
        errors["contact_on"] = "The date must be today or in the past"
    if not 1 <= minutes <= 24 * 60:
        errors["minutes"] = "Minutes spent must be between 1 and 1440"
    if party is not None and party.case_id != case.pk:
        errors["party"] = "Choose someone in this case"
    if next_contact_on is not None and next_contact_on < contact_on:
        errors["next_contact_on"] = "Next contact must be on or after the date of this contact"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
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
        result = f": {entry.get_outcome_display().lower()}" if outcome else ""
        event_record(
            case=case,
            by=by,
            code="contact",
            summary=f"{entry.get_kind_display()}{with_whom} ({minutes} minutes){result}",
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


def case_close(*, case: Case, outcome: str, note: str, by: User) -> Case:
    """Close a case with one of the fixed outcomes, if nothing stands in the way."""
    _refuse_if_closed(case)
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": "Choose an outcome from the list"})
    open_actions = list(case.actions.filter(status="open").order_by("due_on"))
    if open_actions:
        listed = "; ".join(f"{a.get_kind_display()} due {a.due_on:%-d %B %Y}" for a in open_actions)
        raise ValidationError(
            {
                "outcome": f"{case.reference} has actions still open: {listed}. Record how each ended first."
            }
        )
    has_agreement = hasattr(case, "agreement") and case.agreement.is_agreed
    if outcome == ClosureOutcome.AGREEMENT_COMPLETED and not has_agreement:
        raise ValidationError({"outcome": "There is no agreement to complete"})
    if outcome == ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT and has_agreement:
        raise ValidationError(
            {"outcome": "This case has an agreement: choose “Agreement completed”"}
        )
    if (
        outcome == ClosureOutcome.COMPLETED_WITHOUT_AGREEMENT
        and not case.meetings.filter(status="held").exists()
    ):
        raise ValidationError(
            {"outcome": "No meeting or exchange has been held, so the process was not completed"}
        )
    if outcome in NOT_PROCEEDED and case.status == CaseStatus.MONITORING:
        raise ValidationError(
            {"outcome": "An agreement has been made, so the case did proceed: choose how it ended"}
        )
    with transaction.atomic():
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
            code="case_closed",
            summary=f"Case closed: {case.get_closure_outcome_display()}",
        )
    return case
