"""Request-wide rules: session limits, the current membership, no caching of personal data."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.core.models import Membership
from amends.core.unsaved import stash_unsaved_form

Handler = Callable[[HttpRequest], HttpResponse]
SESSION_MEMBERSHIP_KEY = "amends_membership_id"
# How finely the idle limit is measured, in seconds.
SESSION_SEEN_GRANULARITY = 60


def note_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in (the user_logged_in signal) a session's clocks start and its organisation
    is chosen, so the pages after it write the session only when the idle time is next noted."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session["amends_started"] = now
    request.session["amends_last_seen"] = now
    memberships = list(Membership.objects.active().filter(user=user).order_by("organisation__name"))
    if memberships and SESSION_MEMBERSHIP_KEY not in request.session:
        request.session[SESSION_MEMBERSHIP_KEY] = _starting_membership(memberships).pk


class SessionLimitsMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS idle or SESSION_ABSOLUTE_SECONDS in all."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("amends_started", now)
            last_seen = request.session.get("amends_last_seen", now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            too_long = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_long:
                user_pk = request.user.pk
                posted = request.POST.copy() if request.method == "POST" else None
                logout(request)
                messages.info(
                    request,
                    gettext("You were signed out because you had not used Amends for 30 minutes.")
                    if idle
                    else gettext(
                        "You were signed out because you had been signed in for 12 hours."
                    ),
                )
                if posted is not None:
                    # Kept in the new signed-out session until they sign in again.
                    stash_unsaved_form(request, user_pk=user_pk, fields=posted)
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account_login')}?{query}")
            if (
                now - last_seen >= SESSION_SEEN_GRANULARITY
                or "amends_last_seen" not in request.session
            ):
                # Noted once a minute, not on every request: a signed-in GET writes no session.
                request.session["amends_last_seen"] = now
        return self.get_response(request)


def active_memberships(request: HttpRequest) -> list[Membership]:
    """The signed-in user's active memberships with their organisations: one query a request,
    shared by the second-factor check and the choice of where they are working."""
    user = request.user
    if not user.is_authenticated:
        return []
    read_for, memberships = getattr(request, "_amends_active_memberships", (None, []))
    if read_for != user.pk:
        memberships = list(
            Membership.objects.active()
            .select_related("organisation")
            .filter(user=user)
            .order_by("organisation__name")
        )
        request._amends_active_memberships = (user.pk, memberships)  # type: ignore[attr-defined]
    return memberships


def _memberships(request: HttpRequest) -> tuple[list[Membership], Membership | None]:
    """All the user's active memberships (one query) and the one they are working in."""
    if not request.user.is_authenticated:
        return [], None
    memberships = active_memberships(request)
    chosen = request.session.get(SESSION_MEMBERSHIP_KEY)
    membership = next((m for m in memberships if m.pk == chosen), None)
    if membership is None and memberships:
        membership = _starting_membership(memberships)
        request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
    return memberships, membership


def _starting_membership(memberships: list[Membership]) -> Membership:
    """A new session starts in the organisation they last chose, else the first by name."""
    never = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return max(memberships, key=lambda m: m.last_chosen_at or never)


def work_in(request: HttpRequest, membership: Membership) -> None:
    """Make `membership` the one this session works in, and the one the user signs in to next."""
    request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
    membership.last_chosen_at = timezone.now()
    Membership.objects.filter(pk=membership.pk).update(last_chosen_at=membership.last_chosen_at)


class CurrentMembershipMiddleware:
    """Sets request.membership: the user's role in the organisation they are working in,
    and request.memberships: all of the user's active memberships.

    A user whose last active membership is deactivated is signed out at once.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        memberships, membership = _memberships(request)
        user = request.user
        if (
            user.is_authenticated
            and membership is None
            and not getattr(user, "is_platform_admin", False)
            and request.session.get(SESSION_MEMBERSHIP_KEY) is not None
        ):
            logout(request)
            messages.info(
                request, _("Your access to Amends has ended. Ask a coordinator if this is wrong.")
            )
            return redirect("account_login")
        request.membership = membership  # type: ignore[attr-defined]
        # The header's organisation switcher lists these, without asking again.
        request.memberships = memberships  # type: ignore[attr-defined]
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for signed-in people may carry personal data: never cache them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/accounts/"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
