from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from amends.core.models import Membership, Role
from amends.core.vocabulary import words_for_request

# The group of a coordinator's pages about running the organisation.
ORG = gettext_noop("Organisation")

# (label, url name, roles that see it, path prefix that marks it current, group). Labels are
# marked here and translated when the menu is made, in the language of the page. Items of a
# group share one place in the menu, named after the group, and are listed in a sub-navigation
# on the group's pages: a coordinator's menu stays short enough to read at a glance.
NAVIGATION: list[tuple[str, str, tuple[str, ...], str, str]] = [
    (gettext_noop("Home"), "core:dashboard", (), "/home/", ""),
    (gettext_noop("My cases"), "cases:mine", (Role.FACILITATOR,), "/cases/mine/", ""),
    (gettext_noop("Cases"), "cases:list", (Role.COORDINATOR,), "/cases/", ""),
    (
        gettext_noop("Conversations"),
        "schools:conversations",
        (Role.COORDINATOR, Role.FACILITATOR),
        "/schools/conversations/",
        "",
    ),
    (
        gettext_noop("Overdue actions"),
        "agreements:overdue",
        (Role.COORDINATOR, Role.FACILITATOR),
        "/actions/",
        "",
    ),
    (
        gettext_noop("Referrals"),
        "referrals:list",
        (Role.COORDINATOR, Role.REFERRER),
        "/referrals/",
        "",
    ),
    (gettext_noop("People"), "people:list", (Role.COORDINATOR, Role.FACILITATOR), "/people/", ""),
    (
        gettext_noop("Households"),
        "housing:list",
        (Role.COORDINATOR, Role.FACILITATOR),
        "/households/",
        "",
    ),
    (gettext_noop("Reports"), "reports:index", (Role.COORDINATOR, Role.VIEWER), "/reports/", ""),
    (gettext_noop("Custody"), "custody:overview", (Role.COORDINATOR,), "/custody/", ""),
    (
        gettext_noop("Settings"),
        "core:organisation_settings",
        (Role.COORDINATOR,),
        "/organisation/settings/",
        ORG,
    ),
    (gettext_noop("Members"), "core:members", (Role.COORDINATOR,), "/organisation/members/", ORG),
    (
        gettext_noop("Practitioners"),
        "practitioners:list",
        (Role.COORDINATOR,),
        "/practitioners/",
        ORG,
    ),
    (gettext_noop("Homes"), "housing:settings", (Role.COORDINATOR,), "/organisation/homes/", ORG),
    (gettext_noop("Audit log"), "core:audit_log", (Role.COORDINATOR,), "/organisation/audit/", ORG),
    (gettext_noop("Imports"), "imports:list", (Role.COORDINATOR,), "/organisation/imports/", ORG),
    (gettext_noop("Messages"), "notify:list", (Role.COORDINATOR,), "/organisation/messages/", ORG),
    (
        gettext_noop("Deliveries"),
        "deliveries:list",
        (Role.COORDINATOR,),
        "/organisation/deliveries/",
        ORG,
    ),
    (gettext_noop("Website"), "website:dashboard", (), "/site-admin/", ""),
    (gettext_noop("My practice"), "practitioners:mine", (Role.FACILITATOR,), "/practice/", ""),
    (gettext_noop("Training"), "training:overview", (), "/training/", ""),
    (gettext_noop("Groups"), "groups:list", (Role.COORDINATOR, Role.FACILITATOR), "/groups/", ""),
    (gettext_noop("School"), "schools:settings", (Role.COORDINATOR,), "/schools/settings/", ORG),
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
                "label": gettext(label),
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
            groups[group] = {**item, "label": gettext(group), "children": [item]}
            items.append(groups[group])
        else:
            groups[group]["children"].append(item)
            groups[group]["current"] = groups[group]["current"] or item["current"]
    if getattr(request.user, "is_platform_admin", False):
        items.append(
            {
                "label": gettext("Platform"),
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
