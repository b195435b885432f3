"""How the audit log names this app's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.meetings.models import Meeting


@register_namer("meeting")
def _name_meetings(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    meetings = Meeting.objects.visible_to(member).filter(pk__in=ids).select_related("case")
    return {
        m.pk: RecordName(
            "Meeting",
            f"{m.case.reference}, {timezone.localtime(m.scheduled_at):%-d %b %Y}",
            reverse("meetings:detail", args=[m.pk]),
        )
        for m in meetings
    }
