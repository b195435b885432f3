from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from amends.core.models import Membership, Role
from amends.core.vocabulary import words_for_request

# (label, url name, roles that see it, path prefix that marks it current)
NAVIGATION: list[tuple[str, str, tuple[str, ...], str]] = [
    ("Home", "core:dashboard", (), "/home/"),
    ("My cases", "cases:mine", (Role.FACILITATOR,), "/cases/mine/"),
    ("Cases", "cases:list", (Role.COORDINATOR,), "/cases/"),
    ("Overdue actions", "agreements:overdue", (Role.COORDINATOR, Role.FACILITATOR), "/actions/"),
    ("Referrals", "referrals:list", (Role.COORDINATOR, Role.REFERRER), "/referrals/"),
    ("People", "people:list", (Role.COORDINATOR, Role.FACILITATOR), "/people/"),
    ("Members", "core:members", (Role.COORDINATOR,), "/organisation/members/"),
    ("Organisation", "core:organisation_settings", (Role.COORDINATOR,), "/organisation/settings/"),
    ("Audit log", "core:audit_log", (Role.COORDINATOR,), "/organisation/audit/"),
    ("Website", "website:dashboard", (), "/site-admin/"),
    ("Reports", "reports:index", (Role.COORDINATOR, Role.VIEWER), "/reports/"),
    ("Practitioners", "practitioners:list", (Role.COORDINATOR,), "/practitioners/"),
    ("My practice", "practitioners:mine", (Role.FACILITATOR,), "/practice/"),
    ("Training", "training:overview", (), "/training/"),
]

# Items whose audience is not a role: the app that owns the page registers who sees it
# (for example, the website's staff), keyed by the item's url name.
NAVIGATION_CHECKS: dict[str, Callable[[HttpRequest], bool]] = {}


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    if not request.user.is_authenticated:
        return []
    member: Membership | None = getattr(request, "membership", None)
    items = []
    for label, url_name, roles, prefix in NAVIGATION:
        if roles and (member is None or not member.has_role(*roles)):
            continue
        check = NAVIGATION_CHECKS.get(url_name)
        if check is not None and not check(request):
            continue
        items.append(
            {"label": label, "href": reverse(url_name), "current": request.path.startswith(prefix)}
        )
    if getattr(request.user, "is_platform_admin", False):
        items.append(
            {
                "label": "Platform",
                "href": reverse("core:platform_organisations"),
                "current": request.path.startswith("/platform/"),
            }
        )
    return items


def amends(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"navigation": [], "switchable_memberships": []}
    memberships = getattr(request, "memberships", [])
    return {"navigation": navigation_for(request), "switchable_memberships": memberships}


def words(request: HttpRequest) -> dict[str, Any]:
    """`words`: the sector's words for the current organisation (see core.vocabulary)."""
    return {"words": words_for_request(request)}
