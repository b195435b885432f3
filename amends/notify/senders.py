"""The e-mail and text senders of the delivery queue.

Each checks the person's safe-contact answers again as it sends (they may have changed
since the message was made): a message that is no longer safe is withheld, one outside
their hours is held until the next allowed time. Messages to people go at most once.
"""

from __future__ import annotations

from amends.accounts.models import User
from amends.meetings.models import Meeting
from amends.notify import channels, rules
from amends.notify.messages import fill_secret
from amends.notify.services import calendar_link_line
from amends.people.models import Person
from amends.tasks.deliveries import DeliveryHeld, DeliveryWithheld, register_sender
from amends.tasks.models import Delivery, DeliveryKind


def _person_address(delivery: Delivery, channel: str) -> str:
    person = Person.objects.filter(pk=delivery.payload.get("person")).first()
    if person is None:
        raise DeliveryWithheld("Their record is no longer held")
    why = rules.channel_refusal(person, channel)
    if why:
        raise DeliveryWithheld(f"When it was due to go: {why[0].lower()}{why[1:]}")
    until = rules.next_allowed(person)
    if until is not None:
        raise DeliveryHeld(rules.held_note(until), until)
    return person.email if channel == rules.EMAIL else person.phone


def _body(delivery: Delivery) -> str:
    secret = delivery.payload.get("secret") or {}
    return fill_secret(str(delivery.payload["body"]), dict(secret))


@register_sender(DeliveryKind.EMAIL, at_most_once=True)
def email_deliver(delivery: Delivery) -> None:
    payload = delivery.payload
    if payload.get("to") == "person":
        address = _person_address(delivery, rules.EMAIL)
    else:
        user = User.objects.filter(pk=payload.get("user"), is_active=True).first()
        if user is None:
            raise DeliveryWithheld("The account is no longer active")
        address = user.email
    body = _body(delivery)
    calendar = str(payload.get("calendar") or "")
    if calendar and not channels.email_attaches_files():
        # Made only now, as it goes: a message withheld or held makes no link, and the
        # link's token is never kept in the delivery log.
        meeting = Meeting.objects.filter(pk=payload.get("meeting")).first()
        line = calendar_link_line(payload, meeting) if meeting is not None else ""
        if line:
            body = f"{body.rstrip()}\n\n{line}"
        calendar = ""
    channels.email_send(
        to=address,
        subject=str(payload["subject"]),
        body=body,
        reference=str(delivery.pk),
        calendar=calendar,
        calendar_method=str(payload.get("method") or "REQUEST"),
    )


@register_sender(DeliveryKind.TEXT, at_most_once=True)
def text_deliver(delivery: Delivery) -> None:
    number = _person_address(delivery, rules.TEXT)
    channels.text_send(to=number, body=_body(delivery), reference=str(delivery.pk))
