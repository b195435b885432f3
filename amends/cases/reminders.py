"""Follow-up reminders: each facilitator hears of their actions coming due and overdue.

Run daily by `manage.py send_reminders` (see README). One e-mail per
facilitator, naming cases by reference and actions by kind: no names, no
contact details, nothing an inbox should not hold.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.accounts.models import User
from amends.agreements.models import ActionStatus, AgreementAction
from amends.core.models import Membership

DAYS_AHEAD = 3


def reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail every active facilitator whose cases have actions due soon or overdue."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DAYS_AHEAD)
    actions = (
        AgreementAction.objects.filter(
            status=ActionStatus.OPEN, due_on__lte=soon, case__status="monitoring"
        )
        .select_related("case", "case__organisation")
        .order_by("due_on")
    )
    by_user: dict[int, list[AgreementAction]] = defaultdict(list)
    for action in actions:
        for user_id in action.case.facilitator_ids():
            by_user[user_id].append(action)
    active = set(
        Membership.objects.active()
        .filter(user_id__in=by_user)
        .filter(Q(role="facilitator") | Q(role="coordinator"))
        .values_list("user_id", "organisation_id")
    )
    sent = 0
    for user in User.objects.filter(pk__in=by_user, is_active=True):
        mine = [a for a in by_user[user.pk] if (user.pk, a.case.organisation_id) in active]
        if not mine:
            continue
        overdue = [a for a in mine if a.due_on < today]
        due_soon = [a for a in mine if a.due_on >= today]
        send_mail(
            subject=_("Amends: %(overdue)s overdue and %(soon)s due soon")
            % {"overdue": len(overdue), "soon": len(due_soon)},
            message=render_to_string(
                "cases/email/reminders.txt",
                {"user": user, "overdue": overdue, "due_soon": due_soon, "today": today},
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    return sent
