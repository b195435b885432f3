"""Facilitators are reminded of actions coming due and overdue, without names in the e-mail."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from amends.agreements.models import AgreementAction
from tests.factories import AgreementActionFactory, AgreementFactory

TODAY = timezone.localdate()


def action_due(org, case, days, **kwargs):
    agreement = AgreementFactory(organisation=org, case=case, agreed_on=TODAY)
    action = AgreementActionFactory(organisation=org, agreement=agreement, **kwargs)
    AgreementAction.objects.filter(pk=action.pk).update(
        due_on=TODAY + datetime.timedelta(days=days)
    )
    return action


def test_facilitator_gets_one_digest_of_overdue_and_due_soon(case, bob, org, capsys):
    case.status = "monitoring"
    case.save()
    action_due(org, case, -4, kind="restitution", amount=50)
    owner = case.actions.get().owner
    later = AgreementActionFactory(organisation=org, agreement=case.agreement, owner=owner)
    AgreementAction.objects.filter(pk=later.pk).update(due_on=TODAY + datetime.timedelta(days=2))
    AgreementActionFactory(
        organisation=org, agreement=case.agreement, owner=owner
    )  # due in 14 days: not yet

    call_command("send_reminders", "--now")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [bob.email]
    assert "1 overdue and 1 due soon" in message.subject
    assert case.reference in message.body and "financial restitution" in message.body
    # Names and contact details stay out of inboxes.
    assert owner.person.family_name not in message.body
    assert "Sent 1 reminder e-mail." in capsys.readouterr().out


def test_no_reminders_for_closed_cases_or_deactivated_facilitators(case, bob, org):
    case.status = "monitoring"
    case.save()
    action_due(org, case, -1)
    bob.memberships.update(is_active=False)
    call_command("send_reminders", "--now")
    assert mail.outbox == []
