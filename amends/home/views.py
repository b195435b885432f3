from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from amends.core.access import AuthedRequest, MemberRequest, member_required
from amends.core.models import ROLE_DESCRIPTIONS, Role
from amends.core.pagination import BoundedPaginator
from amends.home import queries, services
from amends.home.calendar import calendar_for
from amends.home.models import CalendarFeed
from amends.meetings.models import Meeting
from amends.training.queries import training_home

CALENDAR_ROLES = (Role.COORDINATOR, Role.FACILITATOR)
SESSION_NEW_FEED = "amends_new_calendar_feed"
REFERRALS_ON_HOME = 25


def start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return render(request, "home/start.html")


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    member = request.membership
    if member is None:
        return render(request, "home/no_organisation.html")
    context: dict[str, Any] = {"member": member}
    if member.role == Role.COORDINATOR:
        context.update(queries.coordinator_home(member))
        template = "home/coordinator.html"
    elif member.role == Role.FACILITATOR:
        last_visit = services.home_visit_record(member=member)
        context.update(queries.facilitator_home(member, last_visit))
        context["has_calendar_feed"] = CalendarFeed.objects.filter(user=request.user).exists()
        template = "home/facilitator.html"
    elif member.role == Role.TRAINER:
        context.update(training_home(member))
        template = "training/home.html"
    elif member.role == Role.REFERRER:
        page = BoundedPaginator(queries.referrer_referrals(member), REFERRALS_ON_HOME).get_page(
            request.GET.get("page")
        )
        context.update(
            {"page_obj": page, "rows": queries.referral_rows(page), "querystring_prefix": ""}
        )
        template = "home/referrer.html"
    elif member.role == Role.VIEWER:
        return redirect("reports:index")  # a viewer sees reports and nothing else
    else:
        context["role_description"] = ROLE_DESCRIPTIONS[Role(member.role)]
        template = "home/not_yet.html"
    return render(request, template, context)


@member_required(*CALENDAR_ROLES)
def week(request: MemberRequest) -> HttpResponse:
    """This week's meetings: the whole organisation's for a coordinator, one's own otherwise."""
    member = request.membership
    meetings = (
        Meeting.objects.visible_to(member) if member.is_coordinator else queries.my_meetings(member)
    )
    found, days = queries.week_of_meetings(meetings, timezone.localdate())
    return render(
        request,
        "home/week.html",
        {"week_meetings": found, "week_days": days, "whole_organisation": member.is_coordinator},
    )


@member_required(*CALENDAR_ROLES)
def calendar_settings(request: MemberRequest) -> HttpResponse:
    token = request.session.pop(SESSION_NEW_FEED, None)
    feed_url = (
        request.build_absolute_uri(reverse("home:calendar_feed", args=[token])) if token else ""
    )
    return render(
        request,
        "home/calendar.html",
        {
            "feed_url": feed_url,
            "has_feed": CalendarFeed.objects.filter(user=request.user).exists(),
        },
    )


@member_required(*CALENDAR_ROLES)
@require_POST
def calendar_issue(request: MemberRequest) -> HttpResponse:
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    request.session[SESSION_NEW_FEED] = services.calendar_feed_issue(user=request.user)
    messages.success(
        request,
        _("Your calendar has a new address. The old one has stopped working.")
        if had_feed
        else _("Your calendar feed is on."),
    )
    return redirect("home:calendar")


@member_required(*CALENDAR_ROLES)
@require_POST
def calendar_turn_off(request: MemberRequest) -> HttpResponse:
    if services.calendar_feed_turn_off(user=request.user):
        messages.success(request, _("Your calendar feed is off. Its address no longer works."))
    return redirect("home:calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no sign-in (calendar apps cannot), the unguessable token is the key."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash_token(token), user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    response = HttpResponse(calendar_for(feed.user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="amends-meetings.ics"'
    return response
