"""Drafting and confirming outcome agreements, and following up each action."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from amends.agreements.models import (
    Acceptance,
    ActionKind,
    ActionStatus,
    Agreement,
    AgreementAction,
    Payment,
)
from amends.cases.models import Case, CaseStatus, Party, PartyRole
from amends.cases.services import case_move, event_record

if TYPE_CHECKING:
    from amends.accounts.models import User
    from amends.meetings.models import Meeting


def agreement_for(*, case: Case, by: User, meeting: Meeting | None = None) -> Agreement:
    """The case's agreement, started as a draft the first time."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(f"{case.reference} is closed.")
    with transaction.atomic():
        agreement, created = Agreement.objects.get_or_create(
            case=case,
            defaults={
                "organisation_id": case.organisation_id,
                "meeting": meeting,
                "created_by": by,
                "updated_by": by,
            },
        )
        if created:
            event_record(case=case, by=by, code="agreement_drafted", summary="Agreement started")
    return agreement


def _refuse_if_agreed(agreement: Agreement) -> None:
    if agreement.is_agreed:
        raise ValidationError(
            "The agreement has been confirmed, so its actions can only be followed up, not edited."
        )


def _check_action(
    *,
    kind: str,
    owner: Party,
    agreement: Agreement,
    due_on: datetime.date,
    hours: Decimal | None,
    amount: Decimal | None,
) -> None:
    errors: dict[str, str] = {}
    if owner.case_id != agreement.case_id:
        errors["owner"] = "Choose someone in this case"
    if kind == ActionKind.REPARATION and not (hours and hours > 0):
        errors["hours"] = "Enter the hours of reparation work, like 10"
    if kind == ActionKind.RESTITUTION and not (amount and amount > 0):
        errors["amount"] = "Enter the amount to be paid, like 150.00"
    if due_on < timezone.localdate():
        errors["due_on"] = "The due date must be today or in the future"
    if errors:
        raise ValidationError(errors)


def action_add(
    *,
    agreement: Agreement,
    by: User,
    owner: Party,
    kind: str,
    description: str,
    due_on: datetime.date,
    hours: Decimal | None = None,
    amount: Decimal | None = None,
) -> AgreementAction:
    _refuse_if_agreed(agreement)
    _check_action(
        kind=kind, owner=owner, agreement=agreement, due_on=due_on, hours=hours, amount=amount
    )
    with transaction.atomic():
        action = AgreementAction(
            organisation_id=agreement.organisation_id,
            agreement=agreement,
            case_id=agreement.case_id,
            owner=owner,
            kind=kind,
            description=description,
            due_on=due_on,
            hours=hours if kind == ActionKind.REPARATION else None,
            amount=amount if kind == ActionKind.RESTITUTION else None,
            created_by=by,
            updated_by=by,
        )
        action.full_clean()
        action.save()
        _clear_acceptances(agreement, by)
        event_record(
            case=agreement.case,
            by=by,
            code="action_added",
            summary=f"Action added: {action.get_kind_display().lower()} by {owner.person.full_name}",
        )
    return action


def _clear_acceptances(agreement: Agreement, by: User) -> None:
    """The agreement changed: anyone who accepted it must accept the new version."""
    if agreement.acceptances.exists():
        agreement.acceptances.all().delete()
        event_record(
            case=agreement.case,
            by=by,
            code="acceptances_cleared",
            summary="The agreement changed, so earlier acceptances were cleared",
        )


def action_remove(*, action: AgreementAction, by: User) -> None:
    _refuse_if_agreed(action.agreement)
    with transaction.atomic():
        _clear_acceptances(action.agreement, by)
        event_record(
            case=action.case,
            by=by,
            code="action_removed",
            summary=f"Action removed: {action.get_kind_display().lower()}",
        )
        action.delete()


def agreement_accept(
    *, agreement: Agreement, party: Party, accepted_on: datetime.date, by: User
) -> Acceptance:
    if party.case_id != agreement.case_id:
        raise ValidationError({"party": "Choose someone in this case"})
    if accepted_on > timezone.localdate():
        raise ValidationError({"accepted_on": "The date must be today or in the past"})
    if agreement.acceptances.filter(party=party).exists():
        raise ValidationError({"party": f"{party.person.full_name} has already accepted"})
    with transaction.atomic():
        acceptance = Acceptance.objects.create(
            organisation_id=agreement.organisation_id,
            agreement=agreement,
            case_id=agreement.case_id,
            party=party,
            accepted_on=accepted_on,
            created_by=by,
            updated_by=by,
        )
        event_record(
            case=agreement.case,
            by=by,
            code="agreement_accepted",
            summary=f"{party.person.full_name} accepted the agreement",
        )
    return acceptance


def agreement_confirm(*, agreement: Agreement, agreed_on: datetime.date, by: User) -> Agreement:
    """Confirm the agreement once it has actions and every harmed and responsible person accepted."""
    _refuse_if_agreed(agreement)
    case = agreement.case
    problems = []
    if not case.meetings.filter(status="held").exists():
        problems.append("no meeting or exchange has been held yet")
    if not agreement.actions.exists():
        problems.append("it has no actions")
    accepted = set(agreement.acceptances.values_list("party_id", flat=True))
    for party in case.parties.filter(
        role__in=[PartyRole.HARMED, PartyRole.RESPONSIBLE]
    ).select_related("person"):
        if party.pk not in accepted:
            problems.append(f"{party.person.full_name} has not accepted it")
    if agreed_on > timezone.localdate():
        problems.append("the date is in the future")
    if problems:
        raise ValidationError("The agreement cannot be confirmed: " + "; ".join(problems) + ".")
    with transaction.atomic():
        agreement.agreed_on = agreed_on
        agreement.updated_by = by
        agreement.save()
        event_record(case=case, by=by, code="agreement_confirmed", summary="Agreement confirmed")
        case_move(case=case, to=CaseStatus.MONITORING, by=by)
        case.next_step = "Follow up the agreed actions"
        case.next_step_due = (
            agreement.actions.order_by("due_on").values_list("due_on", flat=True).first()
        )
        case.save(update_fields=["next_step", "next_step_due", "updated_at"])
    return agreement


def action_resolve(
    *, action: AgreementAction, status: str, resolved_on: datetime.date, note: str, by: User
) -> AgreementAction:
    """Record how an action ended, and who verified it."""
    if not action.agreement.is_agreed:
        raise ValidationError("Confirm the agreement before following up its actions.")
    if action.status != ActionStatus.OPEN:
        raise ValidationError(
            f"This action is already recorded as {action.get_status_display().lower()}."
        )
    errors: dict[str, str] = {}
    if status not in {
        ActionStatus.DONE,
        ActionStatus.PARTLY_DONE,
        ActionStatus.NOT_DONE,
        ActionStatus.VARIED,
    }:
        errors["status"] = "Choose how the action ended"
    if resolved_on > timezone.localdate():
        errors["resolved_on"] = "The date must be today or in the past"
    if (
        status in {ActionStatus.PARTLY_DONE, ActionStatus.NOT_DONE, ActionStatus.VARIED}
        and not note.strip()
    ):
        errors["note"] = "Say what happened"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action.status = status
        action.resolved_on = resolved_on
        action.verified_by = by
        action.verification_note = note
        action.updated_by = by
        action.save()
        case = action.case
        event_record(
            case=case,
            by=by,
            code="action_resolved",
            summary=f"{action.get_kind_display()} recorded as {action.get_status_display().lower()}, "
            f"verified by {by.get_full_name()}",
        )
        next_due = case.actions.filter(status=ActionStatus.OPEN).order_by("due_on").first()
        if next_due is None:
            case.next_step = "Close the case: every action is resolved"
            case.next_step_due = timezone.localdate() + datetime.timedelta(days=7)
        else:
            case.next_step_due = next_due.due_on
        case.save(update_fields=["next_step", "next_step_due", "updated_at"])
    return action


def payment_record(
    *, action: AgreementAction, amount: Decimal, paid_on: datetime.date, by: User
) -> Payment:
    if action.kind != ActionKind.RESTITUTION:
        raise ValidationError("Payments are recorded only against financial restitution.")
    errors: dict[str, str] = {}
    if amount <= 0:
        errors["amount"] = "Enter an amount more than £0"
    if paid_on > timezone.localdate():
        errors["paid_on"] = "The date must be today or in the past"
    paid = action.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if action.amount is not None and amount > 0 and paid + amount > action.amount:
        errors["amount"] = (
            f"This would take the total paid to £{paid + amount:.2f}, more than the £{action.amount:.2f} agreed"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = Payment.objects.create(
            organisation_id=action.organisation_id,
            action=action,
            case_id=action.case_id,
            amount=amount,
            paid_on=paid_on,
            created_by=by,
            updated_by=by,
        )
        event_record(
            case=action.case, by=by, code="payment", summary=f"Payment of £{amount:.2f} recorded"
        )
    return payment
