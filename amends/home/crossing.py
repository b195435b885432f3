"""No dead ends across organisations.

Someone who works in two organisations may follow a link (from an e-mail, a
colleague, their history) to a record of the organisation they are not working
in just now. That is a 404 where they are; if they are an active member of the
record's organisation, in a role whose view of it would open it there, the 404
page offers to switch. Everyone else gets the ordinary 404, so nothing is learnt
about records they may not see.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from amends.agreements.models import AgreementAction
from amends.cases.models import Case, Party
from amends.core.models import Membership
from amends.documents.models import Document
from amends.meetings.models import Meeting
from amends.people.models import Person
from amends.referrals.models import Referral

# The URL arguments that name a record, and the record each names.
RECORD_ARGUMENTS: dict[str, Any] = {
    "case_pk": Case,
    "party_pk": Party,
    "meeting_pk": Meeting,
    "agreement_action_pk": AgreementAction,
    "document_pk": Document,
    "person_pk": Person,
    "referral_pk": Referral,
}


def membership_that_opens(request: HttpRequest) -> Membership | None:
    """The user's other membership in which this page's records would open, if there is one."""
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    current: Membership | None = getattr(request, "membership", None)
    others = [
        m for m in getattr(request, "memberships", []) if current is None or m.pk != current.pk
    ]
    if not others:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    roles = getattr(match.func, "amends_roles", None)
    if roles is None or not match.kwargs:
        return None
    records = []
    for name, value in match.kwargs.items():
        model = RECORD_ARGUMENTS.get(name)
        if model is None:
            return None
        records.append((model, value))
    for member in others:
        if roles and not member.has_role(*roles):
            continue
        if all(model.objects.visible_to(member).filter(pk=pk).exists() for model, pk in records):
            return member
    return None
