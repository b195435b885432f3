from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from amends.core.models import Membership, Role
from amends.core.vocabulary import words_for_request

ORG = "Organisation"  # the group of a coordinator's pages about running the organisation

# (label, url name, roles that see it, path prefix that marks it current, group). Items of a
# group share one place in the menu, named after the group, and are listed in a sub-navigation
# on the group's pages: a coordinator's menu stays short enough to read at a glance.
NAVIGATION: list[tuple[str, str, tuple[str, ...], str, str]] = [
    ("Home", "core:dashboard", (), "/home/", ""),
    ("My cases", "cases:mine", (Role.FACILITATOR,), "/cases/mine/", ""),
    ("Cases", "cases:list", (Role.COORDINATOR,), "/cases/", ""),
    (
        "Conversations",
        "schools:conversations",
        (Role.COORDINATOR, Role.FACILITATOR),
        "/schools/conversations/",
        "",
    ),
    (
        "Overdue actions",
        "agreements:overdue",
        (Role.COORDINATOR, Role.FACILITATOR),
        "/actions/",
        "",
    ),
    ("Referrals", "referrals:list", (Role.COORDINATOR, Role.REFERRER), "/referrals/", ""),
    ("People", "people:list", (Role.COORDINATOR, Role.FACILITATOR), "/people/", ""),
    ("Households", "housing:list", (Role.COORDINATOR, Role.FACILITATOR), "/households/", ""),
    ("Reports", "reports:index", (Role.COORDINATOR, Role.VIEWER), "/reports/", ""),
    ("Custody", "custody:overview", (Role.COORDINATOR,), "/custody/", ""),
    ("Settings", "core:organisation_settings", (Role.COORDINATOR,), "/organisation/settings/", ORG),
    ("Members", "core:members", (Role.COORDINATOR,), "/organisation/members/", ORG),
    ("Practitioners", "practitioners:list", (Role.COORDINATOR,), "/practitioners/", ORG),
    ("Homes", "housing:settings", (Role.COORDINATOR,), "/organisation/homes/", ORG),
    ("Audit log", "core:audit_log", (Role.COORDINATOR,), "/organisation/audit/", ORG),
    ("Imports", "imports:list", (Role.COORDINATOR,), "/organisation/imports/", ORG),
    ("Messages", "notify:list", (Role.COORDINATOR,), "/organisation/messages/", ORG),
    ("Deliveries", "deliveries:list", (Role.COORDINATOR,), "/organisation/deliveries/", ORG),
    ("Website", "website:dashboard", (), "/site-admin/", ""),
    ("My practice", "practitioners:mine", (Role.FACILITATOR,), "/practice/", ""),
    ("Training", "training:overview", (), "/training/", ""),
    ("Groups", "groups:list", (Role.COORDINATOR, Role.FACILITATOR), "/groups/", ""),
    ("School", "schools:settings", (Role.COORDINATOR,), "/schools/settings/", ORG),
]

# Items whose audience is not a role: the app that owns the page registers who sees it
# (for example, the website's staff), keyed by the item's url name.
NAVIGATION_CHECKS: dict[str, Callable[[HttpRequest], bool]] = {}


def _visible_items(request: HttpRequest) -> list[dict[str, Any]]:
    member: Membership | None = getattr(request, "membership", None)
    items = []
    for label, url_name, roles, prefix, group in NAVIGATION:
        if roles and (member is None or not member.has_role(*roles)):
            continue
        check = NAVIGATION_CHECKS.get(url_name)
        if check is not None and not check(request):
            continue
        items.append(
            {
                "label": label,
                "href": reverse(url_name),
                "current": request.path.startswith(prefix),
                "group": group,
            }
        )
    return items


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The menu: each item, or for a group one item leading to the group's first page."""
    if not request.user.is_authenticated:
        return []
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in _visible_items(request):
        group = item.pop("group")
        if not group:
            items.append(item)
        elif group not in groups:
            groups[group] = {**item, "label": group, "children": [item]}
            items.append(groups[group])
        else:
            groups[group]["children"].append(item)
            groups[group]["current"] = groups[group]["current"] or item["current"]
    if getattr(request.user, "is_platform_admin", False):
        items.append(
            {
                "label": "Platform",
                "href": reverse("core:platform_organisations"),
                "current": request.path.startswith("/platform/"),
            }
        )
    return items


def sub_navigation_for(navigation: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The pages of the current item's group, shown beneath the menu on each of them."""
    for item in navigation:
        if item.get("children") and item["current"]:
            return item
    return None


def amends(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"navigation": [], "sub_navigation": None, "switchable_memberships": []}
    memberships = getattr(request, "memberships", [])
    navigation = navigation_for(request)
    return {
        "navigation": navigation,
        "sub_navigation": sub_navigation_for(navigation),
        "switchable_memberships": memberships,
    }


def words(request: HttpRequest) -> dict[str, Any]:
    """`words`: the sector's words for the current organisation (see core.vocabulary)."""
    return {"words": words_for_request(request)}
