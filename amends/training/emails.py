"""E-mail to the people on a course: offers of a place, joining instructions, reminders.

Sent after the change is saved (`send_after_commit`), so a failed save sends
nothing; a failed send loses nothing either, because the enrolment records
what was sent and `send_training_reminders` sends what is missing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from amends.training.models import Cohort, CohortDay, Enrolment

logger = logging.getLogger(__name__)


_held = threading.local()


@contextmanager
def held() -> Iterator[None]:
    """Send nothing from inside this block (demo data: made-up people get no e-mail)."""
    _held.on = True
    try:
        yield
    finally:
        _held.on = False


def send_after_commit(send: Callable[..., int], **kwargs: Any) -> None:
    if getattr(_held, "on", False):
        return

    def run() -> None:
        try:
            send(**kwargs)
        except Exception:  # the record is saved; the scheduled run sends it again
            logger.exception("Training e-mail not sent (%s); it will be tried again", send.__name__)

    transaction.on_commit(run)


def _context(enrolment: Enrolment, cohort: Cohort) -> dict[str, Any]:
    return {
        "enrolment": enrolment,
        "cohort": cohort,
        "course": cohort.course,
        "days": list(CohortDay.objects.filter(cohort=cohort).order_by("number")),
        "organisation": cohort.organisation,
    }


def _send(subject: str, template: str, enrolment: Enrolment, context: dict[str, Any]) -> None:
    send_mail(
        subject=subject,
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=[enrolment.email],
    )


def offer_email(*, enrolment: Enrolment, cohort: Cohort, token: str) -> int:
    context = _context(enrolment, cohort)
    context["accept_url"] = settings.SITE_URL.rstrip("/") + reverse("training:offer", args=[token])
    context["expires_at"] = enrolment.offer_expires_at
    _send(
        f"A place on {cohort.course.title} is yours if you want it",
        "training/email/offer.txt",
        enrolment,
        context,
    )
    return 1


def joining_email(*, enrolment: Enrolment, cohort: Cohort) -> int:
    _send(
        f"Joining instructions: {cohort.course.title}",
        "training/email/joining.txt",
        enrolment,
        _context(enrolment, cohort),
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(joining_sent_at=timezone.now())
    return 1


def reminder_email(*, enrolment: Enrolment, cohort: Cohort) -> int:
    _send(
        f"Reminder: {cohort.course.title} starts soon",
        "training/email/reminder.txt",
        enrolment,
        _context(enrolment, cohort),
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(reminder_sent_at=timezone.now())
    return 1
