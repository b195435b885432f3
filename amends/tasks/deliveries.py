"""Sending deliveries from the background: tried, retried with back-off, recorded.

`delivery_create` writes the delivery in the caller's transaction and enqueues the `deliver`
task when it commits. Each run of `deliver`:

1. claims the delivery under a row lock (marked *before* sending: attempts + 1, held for a
   short while), unless it is already delivered or failed, held by another run, or not due;
2. sends it through the sender registered for its kind, outside any transaction;
3. marks it delivered (*after* sending), or schedules the next try after a delay that doubles
   each time, or, after the last try, marks it failed for a coordinator to see.

So a delivered message is never sent again however often its task runs. A worker killed
while sending leaves the delivery claimed; once the claim lapses `requeue_deliveries` (run
on a schedule and when `make run` starts) enqueues it again, and it goes with the same id,
so the receiver can tell it is a repeat.

Messages to people (e-mails and texts) are sent at most once instead: their receiver cannot
tell a repeat, and a second copy of a message can do harm. A run that finds such a delivery
claimed by a run that never finished does not send it again; it marks it failed, saying it
may have gone, and a coordinator decides whether to send it again.

A sender may also withhold a message (the person's safe-contact answers rule it out; it is
never sent) or hold it (outside their contact hours; it is tried again at the next allowed
time, without counting as a try). Both are recorded in the delivery's note.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from amends.core.audit import audit_record
from amends.core.models import AuditAction, Organisation
from amends.tasks.models import Delivery, DeliveryStatus

if TYPE_CHECKING:
    from amends.accounts.models import User

logger = logging.getLogger(__name__)

Sender = Callable[[Delivery], None]
SENDERS: dict[str, Sender] = {}
# Kinds whose receiver cannot tell a repeat: never sent again after a run died mid-send.
AT_MOST_ONCE: set[str] = set()

# How long one run may hold a delivery while it sends it.
CLAIM = datetime.timedelta(minutes=2)
LONGEST_WAIT = datetime.timedelta(hours=6)


class DeliveryFailed(Exception):
    """The receiver refused or could not be reached; the message is short and names no one."""


class DeliveryWithheld(Exception):
    """The message must not be sent at all; the message says why, naming no detail of a case."""


class DeliveryHeld(Exception):
    """The message may not be sent yet; it waits until `until`."""

    def __init__(self, reason: str, until: datetime.datetime) -> None:
        super().__init__(reason)
        self.until = until


# What a failed delivery says when a run died while sending it.
MAY_HAVE_GONE = "Sending stopped part way, so it may have gone. Check before sending it again."


def register_sender(kind: str, *, at_most_once: bool = False) -> Callable[[Sender], Sender]:
    def decorator(sender: Sender) -> Sender:
        SENDERS[kind] = sender
        if at_most_once:
            AT_MOST_ONCE.add(kind)
        return sender

    return decorator


def retry_delay(attempt: int) -> datetime.timedelta:
    """The wait after the `attempt`-th failed try: the first wait, doubled each time."""
    first = settings.AMENDS_TASK_FIRST_RETRY_SECONDS
    return min(datetime.timedelta(seconds=first * 2 ** (attempt - 1)), LONGEST_WAIT)


def delivery_create(
    *,
    organisation: Organisation,
    kind: str,
    event: str,
    sender: models.Model,
    destination: str,
    payload: dict[str, object],
    subject: models.Model | None = None,
    status: str = DeliveryStatus.PENDING,
    next_attempt_at: datetime.datetime | None = None,
    note: str = "",
) -> Delivery:
    """Record a delivery in the current transaction; it is sent once that commits (at
    `next_attempt_at` if given). A withheld one is only recorded."""
    delivery = Delivery.objects.create(
        organisation=organisation,
        kind=kind,
        event=event,
        sender_type=sender._meta.model_name or "",
        sender_id=str(sender.pk),
        subject_type=(subject._meta.model_name or "") if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        destination=destination[:500],
        payload=payload,
        status=status,
        next_attempt_at=next_attempt_at or timezone.now(),
        note=note[:300],
    )
    if status == DeliveryStatus.PENDING:
        transaction.on_commit(lambda: _enqueue(delivery))
    return delivery


def _enqueue(delivery: Delivery) -> None:
    deliver.using(run_after=delivery.next_attempt_at).enqueue(str(delivery.pk))


@task()
def deliver(delivery_id: str) -> str:
    """Try one delivery; what happened, for the task's result."""
    return delivery_attempt(delivery_id)


def delivery_attempt(delivery_id: str) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return "gone"
        if delivery.status != DeliveryStatus.PENDING:
            return f"already {delivery.status}"
        if delivery.claimed_until is not None and delivery.claimed_until > now:
            return "held by another run"
        if delivery.next_attempt_at > now:
            return "not due yet"
        if delivery.claimed_until is not None and delivery.kind in AT_MOST_ONCE:
            # A run claimed it and never said how it went: it may have been sent.
            delivery.status = DeliveryStatus.FAILED
            delivery.claimed_until = None
            delivery.last_error = MAY_HAVE_GONE
            delivery.save(update_fields=["status", "claimed_until", "last_error"])
            return "failed"
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.claimed_until = now + CLAIM
        delivery.save(update_fields=["attempts", "last_attempt_at", "claimed_until"])
    try:
        SENDERS[delivery.kind](delivery)
    except DeliveryWithheld as exc:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.WITHHELD,
            claimed_until=None,
            note=str(exc)[:300],
            payload=_without_secret(delivery.payload),
        )
        return "withheld"
    except DeliveryHeld as exc:
        return _record_hold(delivery, exc)
    except Exception as exc:
        return _record_failure(delivery, exc)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        claimed_until=None,
        last_error="",
        payload=_without_secret(delivery.payload),
    )
    return "delivered"


def _without_secret(payload: dict[str, object]) -> dict[str, object]:
    """The payload kept once a message has gone or never will: a one-time link is not kept."""
    return {key: value for key, value in payload.items() if key != "secret"}


def _record_hold(delivery: Delivery, held: DeliveryHeld) -> str:
    """Wait until the next allowed time; a hold is not a failed try."""
    with transaction.atomic():
        delivery.next_attempt_at = held.until
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=max(delivery.attempts - 1, 0),
            next_attempt_at=held.until,
            claimed_until=None,
            note=str(held)[:300],
        )
        transaction.on_commit(lambda: _enqueue(delivery))
    return "held"


def _record_failure(delivery: Delivery, exc: Exception) -> str:
    # A refusal we described says what went wrong; anything else only names its kind, as an
    # unexpected error's message could carry personal data into the log.
    error = str(exc) if isinstance(exc, DeliveryFailed) else f"Unexpected {type(exc).__name__}"
    logger.warning("Delivery %s try %s failed: %s", delivery.pk, delivery.attempts, error)
    with transaction.atomic():
        if delivery.attempts >= settings.AMENDS_TASK_MAX_ATTEMPTS:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, claimed_until=None, last_error=error[:300]
            )
            return "failed"
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
        Delivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=delivery.next_attempt_at, claimed_until=None, last_error=error[:300]
        )
        transaction.on_commit(lambda: _enqueue(delivery))
    return "will try again"


def deliveries_requeue(*, grace_seconds: int = 300) -> int:
    """Enqueue again every pending delivery whose task was lost; how many."""
    stalled = list(Delivery.objects.stalled(grace_seconds=grace_seconds))
    for delivery in stalled:
        delivery.next_attempt_at = timezone.now()
        _enqueue(delivery)
    return len(stalled)


def delivery_retry(*, delivery: Delivery, by: User) -> Delivery:
    """A coordinator asks for a failed delivery to be tried again, from the first try."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status != DeliveryStatus.FAILED:
            raise ValidationError(_("Only a delivery that failed can be tried again"))
        locked.status = DeliveryStatus.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=locked.organisation,
            record=locked,
            summary=f"Asked for a failed {locked.kind} delivery to be tried again",
        )
        transaction.on_commit(lambda: _enqueue(locked))
    return locked
