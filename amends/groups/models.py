"""Group work: proactive circles and group programmes, their sessions and who came.

Group work is not a case. Nobody in a circle has harmed anyone; a group programme
works on harm in general, not on one incident between named people. So it has no
parties, consent or risk assessment of its own. When someone in a group asks for a
restorative meeting, a case is opened from their place in the group (`GroupCase`),
and the case follows the one lifecycle every case follows.
See docs/decisions/0019-group-work-is-not-a-case.md.
"""

from __future__ import annotations

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amends.core.models import Membership, OrganisationOwned, OrganisationQuerySet, Role


class GroupKind(models.TextChoices):
    CIRCLE = "circle", _("Proactive circle")
    PROGRAMME = "programme", _("Group programme")


class MemberStatus(models.TextChoices):
    TAKING_PART = "taking_part", _("Taking part")
    COMPLETED = "completed", _("Completed")
    LEFT = "left", _("Left before the end")


class AbsenceReason(models.TextChoices):
    ILL = "ill", _("Ill")
    ELSEWHERE = "elsewhere", _("Needed elsewhere (a visit, appointment or other activity)")
    CHOSE_NOT = "chose_not", _("Chose not to come")
    NO_LONGER_HERE = "no_longer_here", _("No longer here (left, moved or transferred)")
    NOT_KNOWN = "not_known", _("Not known")


class GroupWorkQuerySet(OrganisationQuerySet):
    def visible_to(self, member: Membership) -> Self:
        """Coordinators see every group of their organisation; a facilitator, the groups
        they run or have facilitated a session of."""
        queryset = super().visible_to(member)
        if member is not None and member.role == Role.FACILITATOR:
            ran_a_session = GroupSession.objects.filter(
                organisation_id=member.organisation_id, facilitator_id=member.user_id
            ).values("group_id")
            return queryset.filter(Q(facilitator_id=member.user_id) | Q(pk__in=ran_a_session))
        return queryset


class GroupWork(OrganisationOwned):
    """A circle group (a form group meeting in circle each week) or a group programme
    (a course on the harm crime causes, run over several sessions)."""

    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    name = models.CharField(_("Name"), max_length=120)
    sector = models.CharField(max_length=20)
    about = models.CharField(_("What it is for"), max_length=500, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("Start date"), null=True, blank=True)

    objects = GroupWorkQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "pk"]
        indexes = [models.Index(fields=["organisation", "kind", "name"])]
        verbose_name = _("group")

    def __str__(self) -> str:
        return self.name

    @property
    def is_circle(self) -> bool:
        return self.kind == GroupKind.CIRCLE


class GroupChildQuerySet(OrganisationQuerySet):
    """A group's sessions and members are visible exactly when the group is."""

    def visible_to(self, member: Membership) -> Self:
        return self.filter(group__in=GroupWork.objects.visible_to(member))


class GroupMember(OrganisationOwned):
    """Someone's place in a group."""

    group = models.ForeignKey(GroupWork, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=MemberStatus.choices, default=MemberStatus.TAKING_PART
    )
    joined_on = models.DateField(default=datetime.date.today)
    finished_on = models.DateField(null=True, blank=True)

    objects = GroupChildQuerySet.as_manager()

    class Meta:
        ordering = ["person__family_name", "person__given_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "group", "person"], name="group_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.group}"


class GroupSession(OrganisationOwned):
    """One circle, or one session of a programme."""

    group = models.ForeignKey(GroupWork, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("Date"))
    topic = models.CharField(_("Topic"), max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A whole class in circle is counted rather than named; a session counted so has no
    # attendance records.
    headcount = models.PositiveSmallIntegerField(_("Number taking part"), null=True, blank=True)

    objects = GroupChildQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self) -> str:
        return f"{self.group} on {self.held_on:%-d %B %Y}"


class GroupAttendance(OrganisationOwned):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, on_delete=models.CASCADE, related_name="attendance")
    attended = models.BooleanField()
    absence_reason = models.CharField(max_length=20, choices=AbsenceReason.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "session", "member"], name="attendance_once"
            )
        ]


class GroupCase(OrganisationOwned):
    """A case opened from someone's place in a group: where the case came from."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="from_group")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="cases")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case} from {self.member.group}"
