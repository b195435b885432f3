"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.groups.models import GroupMember, GroupSession, GroupWork


@register_namer("groupwork")
def _name_groups(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    groups = GroupWork.objects.visible_to(member).filter(pk__in=ids)
    return {
        g.pk: RecordName("Group", g.name, reverse("groups:detail", args=[g.pk])) for g in groups
    }


@register_namer("groupsession")
def _name_sessions(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    sessions = GroupSession.objects.visible_to(member).filter(pk__in=ids).select_related("group")
    return {
        s.pk: RecordName(
            "Group session",
            f"{s.group.name}, {s.held_on:%-d %B %Y}",
            reverse("groups:detail", args=[s.group_id]),
        )
        for s in sessions
    }


@register_namer("groupmember")
def _name_members(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    places = (
        GroupMember.objects.visible_to(member).filter(pk__in=ids).select_related("group", "person")
    )
    return {
        p.pk: RecordName(
            "Place in a group",
            f"{p.person.full_name} in {p.group.name}",
            reverse("groups:member", args=[p.pk]),
        )
        for p in places
    }
