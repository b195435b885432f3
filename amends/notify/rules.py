"""A person's safe-contact answers, applied to a message: which way it may go, and when.

Every message to a person passes here twice: when it is made (so the delivery log says at
once that it was withheld or is waiting) and again as it is sent (the answers may have
changed in between).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from amends.people.models import ContactMethod, Person, SafeToUse

EMAIL = "email"
TEXT = "text"

DAY_STARTS = datetime.time(0, 0)


def channel_refusal(person: Person, channel: str) -> str:
    """Why a message may not go to `person` this way; empty when it may."""
    if channel == EMAIL:
        if person.email_safe != SafeToUse.YES:
            return (
                "They said e-mail is not safe"
                if person.email_safe == SafeToUse.NO
                else "Nobody has asked them yet whether e-mail is safe"
            )
        if not person.email:
            return "No e-mail address is recorded"
        return ""
    if not settings.AMENDS_TEXT_SERVICE:
        return "Text messages are not set up for this service"
    if person.text_safe != SafeToUse.YES:
        return (
            "They said text messages are not safe"
            if person.text_safe == SafeToUse.NO
            else "Nobody has asked them yet whether text messages are safe"
        )
    if not person.phone:
        return "No mobile number is recorded"
    return ""


def channels_in_order(person: Person) -> list[str]:
    """The ways to try, the person's preferred way first."""
    if person.preferred_contact == ContactMethod.TEXT:
        return [TEXT, EMAIL]
    return [EMAIL, TEXT]


def channel_choose(person: Person, *, e_mail_only: bool = False) -> tuple[str, str]:
    """(channel, "") for the first allowed way, or ("", why none is) when none is."""
    reasons = []
    for channel in channels_in_order(person):
        if e_mail_only and channel != EMAIL:
            continue
        why = channel_refusal(person, channel)
        if not why:
            return channel, ""
        label = "E-mail" if channel == EMAIL else "Text"
        reasons.append(f"{label}: {why[0].lower()}{why[1:]}.")
    return "", " ".join(reasons)


def now() -> datetime.datetime:
    return timezone.now()


def next_allowed(person: Person, at: datetime.datetime | None = None) -> datetime.datetime | None:
    """None when a message may go now; otherwise the next moment inside the hours they
    gave (no hours given: any time; only a start or an end: from or until midnight)."""
    if person.contact_from is None and person.contact_until is None:
        return None
    now = timezone.localtime(at or globals()["now"]())
    start = person.contact_from or DAY_STARTS
    end = person.contact_until
    if start <= now.time() and (end is None or now.time() < end):
        return None
    day = now.date() if now.time() < start else now.date() + datetime.timedelta(days=1)
    # Made in UK time, so a window that opens at 09:00 opens at 09:00 either side of the
    # clock change.
    return timezone.make_aware(datetime.datetime.combine(day, start))


def held_note(until: datetime.datetime) -> str:
    local = timezone.localtime(until)
    return f"Held until {local:%H:%M} on {local:%-d %B %Y}: outside the hours they gave for contact"
