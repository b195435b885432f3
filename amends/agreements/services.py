"""Drafting and confirming outcome agreements, and following up each action.

Every function starts inside a transaction by re-reading the case under a row
lock (`case_lock_open`), then locks the agreement or action it decides on, so
two people acting at once, or a change racing a closure, cannot both win.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.agreements.models import (
    Acceptance,
    ActionKind,
    ActionStatus,
    Agreement,
    AgreementAction,
    Payment,
)
from amends.cases.models import Case, CaseStatus, Party, PartyRole
from amends.cases.services import case_lock_open, case_move, consent_state, event_record
from amends.core.concurrency import lock_and_check
from amends.core.models import Membership, Role

if TYPE_CHECKING:
    from amends.accounts.models import User
    from amends.meetings.models import Meeting


def agreement_for(*, case: Case, by: User, meeting: Meeting | None = None) -> Agreement:
    """The case's agreement, started as a draft the first time."""
    with transaction.atomic():
        case_lock_open(case)
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
            _(
                "The agreement has been confirmed, so its actions can only be followed up, not edited."
            )
        )


def _agreement_locked(agreement: Agreement, loaded_version: str | None) -> Agreement:
    """Lock the case, then the agreement; refuse if either changed in a way that matters.

    Returns the agreement as saved, with its case locked and fresh.
    """
    case_lock_open(agreement.case)
    current: Agreement = lock_and_check(agreement, loaded_version, [])
    current.case = agreement.case
    return current


def _touch(agreement: Agreement, by: User) -> None:
    """The agreement changed: a new version, so pages loaded before now are out of date."""
    agreement.updated_by = by
    agreement.save(update_fields=["updated_by", "updated_at"])


def _check_action(
    *,
    kind: str,
    owner: Party,
    case: Case,
    due_on: datetime.date,
    hours: Decimal | None,
    amount: Decimal | None,
) -> None:
    errors: dict[str, str] = {}
    if owner.case_id != case.pk:
        errors["owner"] = _("Choose someone in this case")
    if kind == ActionKind.REPARATION and not (hours and hours > 0):
        errors["hours"] = _("Enter the hours of reparation work, like 10")
    if kind == ActionKind.RESTITUTION and not (amount and amount > 0):
        errors["amount"] = _("Enter the amount to be paid, like 150.00")
    if due_on < timezone.localdate():
        errors["due_on"] = _("The due date must be today or in the future")
    if errors:
        raise ValidationError(errors)


def action_add(
    *,
    case: Case,
    by: User,
    loaded_version: str | None,
    owner: Party,
    kind: str,
    description: str,
    due_on: datetime.date,
    hours: Decimal | None = None,
    amount: Decimal | None = None,
    meeting: Meeting | None = None,
) -> AgreementAction:
    """Add an action to the case's agreement, starting the draft if there is none yet.

    Refused if the agreement changed since the page was loaded, or was started
    by someone else in the meantime.
    """
    with transaction.atomic():
        case_lock_open(case)
        existing = Agreement.objects.select_for_update().filter(case=case).first()
        if existing is None:
            # Nothing existed to be out of date: this action starts the draft.
            agreement = agreement_for(case=case, by=by, meeting=meeting)
        else:
            agreement = _agreement_locked(existing, loaded_version)
        _refuse_if_agreed(agreement)
        _check_action(kind=kind, owner=owner, case=case, due_on=due_on, hours=hours, amount=amount)
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
        _touch(agreement, by)
        event_record(
            case=case,
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


def action_remove(*, action: AgreementAction, by: User, loaded_version: str | None) -> None:
    """Remove an action from a draft agreement, if the agreement is as the page showed it."""
    with transaction.atomic():
        agreement = _agreement_locked(action.agreement, loaded_version)
        _refuse_if_agreed(agreement)
        locked = AgreementAction.objects.select_for_update().filter(pk=action.pk).first()
        if locked is None:
            raise ValidationError(_("This action has already been removed."))
        _clear_acceptances(agreement, by)
        event_record(
            case=agreement.case,
            by=by,
            code="action_removed",
            summary=f"Action removed: {locked.get_kind_display().lower()}",
        )
        locked.delete()
        _touch(agreement, by)


def parties_to(agreement: Agreement) -> list[Party]:
    """The harmed and responsible people, and everyone who owns one of its actions."""
    owners = agreement.actions.values("owner_id")
    return list(
        agreement.case.parties.filter(
            role__in=[PartyRole.HARMED, PartyRole.RESPONSIBLE]
        ).select_related("person")
        | agreement.case.parties.filter(pk__in=owners).select_related("person")
    )


def consent_missing_from(agreement: Agreement) -> list[Party]:
    """The parties to the agreement without current consent (withdrawn, declined or never given)."""
    state = consent_state(agreement.case)
    return [p for p in sorted(parties_to(agreement), key=lambda p: p.pk) if state.get(p.pk)]


def _refuse_without_consent(agreement: Agreement, doing: str) -> None:
    missing = consent_missing_from(agreement)
    if missing:
        names = [f"{p.first_name} ({p.get_role_display().lower()})" for p in missing]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        raise ValidationError(
            _(
                "The agreement cannot be %(doing)s: consent is missing from %(listed)s. "
                "Record their consent first."
            )
            % {"doing": doing, "listed": listed}
        )


def agreement_accept(
    *,
    agreement: Agreement,
    party: Party,
    accepted_on: datetime.date,
    by: User,
    loaded_version: str | None,
) -> Acceptance:
    with transaction.atomic():
        agreement = _agreement_locked(agreement, loaded_version)
        _refuse_if_agreed(agreement)
        if party.case_id != agreement.case_id:
            raise ValidationError({"party": _("Choose someone in this case")})
        if accepted_on > timezone.localdate():
            raise ValidationError({"accepted_on": _("The date must be today or in the past")})
        if agreement.acceptances.filter(party=party).exists():
            raise ValidationError(
                {"party": _("%(name)s has already accepted") % {"name": party.person.full_name}}
            )
        _refuse_without_consent(agreement, _("accepted"))
        acceptance = Acceptance.objects.create(
            organisation_id=agreement.organisation_id,
            agreement=agreement,
            case_id=agreement.case_id,
            party=party,
            accepted_on=accepted_on,
            created_by=by,
            updated_by=by,
        )
        _touch(agreement, by)
        event_record(
            case=agreement.case,
            by=by,
            code="agreement_accepted",
            summary=f"{party.person.full_name} accepted the agreement",
        )
    return acceptance


def agreement_confirm(
    *, agreement: Agreement, agreed_on: datetime.date, by: User, loaded_version: str | None
) -> Agreement:
    """Confirm the agreement once it has actions, every harmed and responsible person
    accepted it, and everyone party to it still consents."""
    with transaction.atomic():
        agreement = _agreement_locked(agreement, loaded_version)
        _refuse_if_agreed(agreement)
        case = agreement.case
        problems = []
        if not case.meetings.filter(status="held").exists():
            problems.append(_("no meeting or exchange has been held yet"))
        if not agreement.actions.exists():
            problems.append(_("it has no actions"))
        accepted = set(agreement.acceptances.values_list("party_id", flat=True))
        for party in case.parties.filter(
            role__in=[PartyRole.HARMED, PartyRole.RESPONSIBLE]
        ).select_related("person"):
            if party.pk not in accepted:
                problems.append(
                    _("%(name)s has not accepted it") % {"name": party.person.full_name}
                )
        if agreed_on > timezone.localdate():
            problems.append(_("the date is in the future"))
        if problems:
            raise ValidationError(
                _("The agreement cannot be confirmed: %(problems)s.")
                % {"problems": "; ".join(problems)}
            )
        _refuse_without_consent(agreement, _("confirmed"))
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


# Follow-up ----------------------------------------------------------------------------


def _action_locked(
    action: AgreementAction, loaded_version: str | None, *, edit: bool = True
) -> AgreementAction:
    """Lock the case, then the action, and return the action as saved.

    An edit of the action refuses a page loaded before its last change, or a
    save without a version; adding a payment to it is not an edit of it.
    """
    case = case_lock_open(action.case)
    if edit:
        current: AgreementAction = lock_and_check(action, loaded_version, [])
    else:
        current = AgreementAction.objects.select_for_update().get(pk=action.pk)
    current.case = case
    if not current.agreement.is_agreed:
        raise ValidationError(_("Confirm the agreement before following up its actions."))
    return current


def paid_towards(action: AgreementAction) -> Decimal:
    total: Decimal | None = action.payments.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def _refuse_if_resolved(action: AgreementAction) -> None:
    if action.status != ActionStatus.OPEN:
        raise ValidationError(
            _("This action is already recorded as %(status)s.")
            % {"status": action.get_status_display().lower()}
        )


def _next_step_after_follow_up(case: Case) -> None:
    next_due = case.actions.filter(status=ActionStatus.OPEN).order_by("due_on").first()
    if next_due is None:
        case.next_step = "Close the case: every action is resolved"
        case.next_step_due = timezone.localdate() + datetime.timedelta(days=7)
    else:
        case.next_step_due = next_due.due_on
    case.save(update_fields=["next_step", "next_step_due", "updated_at"])


def _mark(
    action: AgreementAction, *, status: str, resolved_on: datetime.date, note: str, by: User
) -> None:
    action.status = status
    action.resolved_on = resolved_on
    action.verified_by = by
    action.verification_note = note
    action.updated_by = by
    action.save()
    event_record(
        case=action.case,
        by=by,
        code="action_resolved",
        summary=f"{action.get_kind_display()} recorded as {action.get_status_display().lower()}, "
        f"verified by {by.get_full_name()}",
    )
    _next_step_after_follow_up(action.case)


RESOLUTIONS = {ActionStatus.DONE, ActionStatus.PARTLY_DONE, ActionStatus.NOT_DONE}


def action_resolve(
    *,
    action: AgreementAction,
    status: str,
    resolved_on: datetime.date,
    note: str,
    by: User,
    loaded_version: str | None,
    hours_done: Decimal | None = None,
) -> AgreementAction:
    """Record how an action ended, and who verified it.

    Restitution is done only when the payments recorded reach the amount
    agreed, and reparation only when the hours worked reach the hours agreed;
    a change of terms is a variation, which a coordinator records.
    """
    with transaction.atomic():
        action = _action_locked(action, loaded_version)
        _refuse_if_resolved(action)
        errors: dict[str, str] = {}
        if status not in RESOLUTIONS:
            errors["status"] = _("Choose how the action ended")
        if resolved_on > timezone.localdate():
            errors["resolved_on"] = _("The date must be today or in the past")
        if status in {ActionStatus.PARTLY_DONE, ActionStatus.NOT_DONE} and not note.strip():
            errors["note"] = _("Say what happened")
        if status == ActionStatus.DONE and action.amount is not None:
            owed = action.amount - paid_towards(action)
            if owed > 0:
                errors["status"] = _(
                    "£%(owed)s of the £%(amount)s agreed is still owed. Record the "
                    "payments, or ask a coordinator to record a variation."
                ) % {"owed": f"{owed:,.2f}", "amount": f"{action.amount:,.2f}"}
        if action.hours is not None and status != ActionStatus.NOT_DONE:
            if hours_done is None:
                errors["hours_done"] = _("Enter the hours they worked, like 7.5")
            elif status == ActionStatus.DONE and hours_done < action.hours:
                errors["hours_done"] = (
                    _(
                        "%(done)s of the %(agreed)s agreed was worked: %(left)s still to do. "
                        "Record it as partly done, or ask a coordinator to record a variation."
                    )
                    if hours_done == 1
                    else _(
                        "%(done)s of the %(agreed)s agreed were worked: %(left)s still to do. "
                        "Record it as partly done, or ask a coordinator to record a variation."
                    )
                ) % {
                    "done": _hours(hours_done),
                    "agreed": _hours(action.hours),
                    "left": _hours(action.hours - hours_done),
                }
        if errors:
            raise ValidationError(errors)
        if action.hours is not None:
            action.hours_done = hours_done
        _mark(action, status=status, resolved_on=resolved_on, note=note, by=by)
    return action


def _hours(value: Decimal) -> str:
    number = f"{value.normalize():f}"
    return f"{number} hour" if value == 1 else f"{number} hours"


VARIABLE = {ActionStatus.OPEN, ActionStatus.PARTLY_DONE, ActionStatus.NOT_DONE}


def action_vary(
    *,
    action: AgreementAction,
    terms: str,
    reason: str,
    varied_on: datetime.date,
    by: User,
    loaded_version: str | None,
) -> AgreementAction:
    """Record new terms for an action, and why. Coordinators only; the action then counts as varied."""
    with transaction.atomic():
        action = _action_locked(action, loaded_version)
        if (
            not Membership.objects.active()
            .filter(organisation_id=action.organisation_id, user=by, role=Role.COORDINATOR)
            .exists()
        ):
            raise ValidationError(_("Only a coordinator can record a variation."))
        if action.status not in VARIABLE:
            raise ValidationError(
                _("This action is already recorded as %(status)s.")
                % {"status": action.get_status_display().lower()}
            )
        errors: dict[str, str] = {}
        if not terms.strip():
            errors["terms"] = _("Enter the new terms that were agreed")
        if not reason.strip():
            errors["reason"] = _("Enter why the terms changed")
        if varied_on > timezone.localdate():
            errors["varied_on"] = _("The date must be today or in the past")
        if errors:
            raise ValidationError(errors)
        action.variation_terms = terms.strip()
        _mark(action, status=ActionStatus.VARIED, resolved_on=varied_on, note=reason.strip(), by=by)
    return action


def payment_record(
    *, action: AgreementAction, amount: Decimal, paid_on: datetime.date, by: User
) -> Payment:
    """Record a payment towards restitution; the payment that reaches the amount completes it."""
    with transaction.atomic():
        action = _action_locked(action, None, edit=False)
        if action.kind != ActionKind.RESTITUTION:
            raise ValidationError(_("Payments are recorded only against financial restitution."))
        _refuse_if_resolved(action)
        errors: dict[str, str] = {}
        if amount <= 0:
            errors["amount"] = _("Enter an amount more than £0")
        if paid_on > timezone.localdate():
            errors["paid_on"] = _("The date must be today or in the past")
        paid = paid_towards(action)
        if action.amount is not None and amount > 0 and paid + amount > action.amount:
            errors["amount"] = _(
                "This would take the total paid to £%(total)s, more than the "
                "£%(amount)s agreed (£%(owed)s is still owed)"
            ) % {
                "total": f"{paid + amount:,.2f}",
                "amount": f"{action.amount:,.2f}",
                "owed": f"{action.amount - paid:,.2f}",
            }
        if errors:
            raise ValidationError(errors)
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
        if action.amount is not None and paid + amount == action.amount:
            _mark(
                action,
                status=ActionStatus.DONE,
                resolved_on=paid_on,
                note=f"Paid in full: £{action.amount:,.2f}",
                by=by,
            )
    return payment
