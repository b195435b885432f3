"""Changes the home pages make: the visit they remember and the calendar feed's address."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from amends.accounts.models import User
from amends.core.audit import audit_record
from amends.core.models import AuditAction, Membership
from amends.home.models import CalendarFeed, HomeVisit


def home_visit_record(*, member: Membership) -> datetime.datetime | None:
    """Note this visit to the home page; returns when they last visited before it."""
    now = timezone.now()
    with transaction.atomic():
        visit, created = HomeVisit.objects.select_for_update().get_or_create(
            user_id=member.user_id,
            organisation_id=member.organisation_id,
            defaults={"seen_at": now},
        )
        if created:
            return None
        previous = visit.seen_at
        HomeVisit.objects.filter(pk=visit.pk).update(seen_at=now)
    return previous


def calendar_feed_issue(*, user: User) -> str:
    """Give the user a new private calendar address; any earlier one stops working at once.

    Returns the token, which is shown to them once and stored only as a hash.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            user=user,
            defaults={"token_hash": CalendarFeed.hash_token(token), "created_at": timezone.now()},
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            organisation=None,
            record=feed,
            summary="Calendar feed turned on" if created else "Calendar feed address reset",
        )
    return token


def calendar_feed_turn_off(*, user: User) -> bool:
    """End the user's calendar address. Returns whether there was one."""
    with transaction.atomic():
        feed = CalendarFeed.objects.filter(user=user).first()
        if feed is None:
            return False
        audit_record(
            actor=user,
            action=AuditAction.DELETE,
            organisation=None,
            record=feed,
            summary="Calendar feed turned off",
        )
        feed.delete()
    return True
