"""Contact details stay hidden until revealed, and revealing asks for the second factor again.

Every person's phone, e-mail, address and safe-contact notes are masked on every
page until a member reveals them for that person. Revealing needs a second factor
proved in the last 15 minutes (ASVS 7.5.3): a code from the authenticator app.
Each reveal is audited and lasts 15 minutes for that one person, in this session.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from amends.accounts.mfa import SESSION_SECOND_FACTOR_KEY
from amends.core.audit import audit_record, client_ip
from amends.core.models import AuditAction
from amends.people.models import Person

STEP_UP_SECONDS = 15 * 60
REVEAL_SECONDS = 15 * 60
SESSION_REVEALED_KEY = "amends_contact_revealed"
# The fields a reveal shows; everything else on the contact block stays visible.
CONTACT_FIELDS = ("phone", "email", "address", "safe_contact_notes")


def second_factor_is_recent(request: HttpRequest) -> bool:
    used = request.session.get(SESSION_SECOND_FACTOR_KEY)
    if not isinstance(used, dict) or used.get("user") != request.user.pk:
        return False
    return time.time() - float(used.get("at", 0)) <= STEP_UP_SECONDS


def second_factor_proved_again(request: HttpRequest) -> None:
    """A fresh code was given: restart the step-up window (the kind of factor is unchanged)."""
    used = dict(request.session.get(SESSION_SECOND_FACTOR_KEY) or {})
    used["at"] = time.time()
    request.session[SESSION_SECOND_FACTOR_KEY] = used


def contact_revealed(request: HttpRequest | None, person: Any) -> bool:
    if request is None or person is None or getattr(person, "pk", None) is None:
        return False
    revealed = request.session.get(SESSION_REVEALED_KEY) or {}
    at = revealed.get(str(person.pk))
    return at is not None and time.time() - float(at) <= REVEAL_SECONDS


def contact_reveal(request: HttpRequest, *, person: Person) -> None:
    """Show `person`'s contact details to this session for a while, and audit it."""
    revealed = {
        pk: at
        for pk, at in (request.session.get(SESSION_REVEALED_KEY) or {}).items()
        if time.time() - float(at) <= REVEAL_SECONDS
    }
    revealed[str(person.pk)] = time.time()
    request.session[SESSION_REVEALED_KEY] = revealed
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        organisation=person.organisation,
        record=person,
        summary="Revealed contact details",
        ip_address=client_ip(request),
    )
