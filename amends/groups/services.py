"""Changes to group work. Each is atomic and audited; refusals are plain-English
ValidationErrors keyed by the form field that caused them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.cases.models import Case, CaseStatus, PartyRole
from amends.cases.services import case_open, event_record, party_add
from amends.core.audit import audit_record
from amends.core.models import AuditAction, Membership, Organisation, Role
from amends.groups.models import (
    AbsenceReason,
    GroupAttendance,
    GroupCase,
    GroupKind,
    GroupMember,
    GroupSession,
    GroupWork,
    MemberStatus,
)

if TYPE_CHECKING:
    from amends.accounts.models import User
    from amends.people.models import Person
    from amends.referrals.models import HarmType

# The most a whole class counted in circle can be: a sanity limit, not a rule of practice.
LARGEST_HEADCOUNT = 200


def _check_facilitator(organisation: Organisation, user: User | None) -> None:
    if user is None:
        return
    if not Membership.objects.filter(
        organisation=organisation,
        user=user,
        is_active=True,
        role__in=[Role.COORDINATOR, Role.FACILITATOR],
    ).exists():
        raise ValidationError({"facilitator": _("Choose a facilitator from the list")})


def _lock(group: GroupWork) -> GroupWork:
    group.refresh_from_db(from_queryset=GroupWork.objects.select_for_update())
    return group


def group_create(
    *,
    organisation: Organisation,
    by: User,
    kind: str,
    name: str,
    sector: str,
    about: str = "",
    facilitator: User | None = None,
    starts_on: datetime.date | None = None,
) -> GroupWork:
    if kind not in GroupKind.values:
        raise ValidationError({"kind": _("Choose a kind of group")})
    if organisation.sectors and sector not in organisation.sectors:
        raise ValidationError({"sector": _("Choose a kind of service from the list")})
    _check_facilitator(organisation, facilitator)
    with transaction.atomic():
        group = GroupWork(
            organisation=organisation,
            kind=kind,
            name=name.strip(),
            sector=sector,
            about=about.strip(),
            facilitator=facilitator,
            starts_on=starts_on,
            created_by=by,
            updated_by=by,
        )
        group.full_clean()
        group.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=group,
            summary=f"Started the group {group.name}"[:300],
        )
    return group


def group_members_add(
    *,
    group: GroupWork,
    people: Iterable[Person],
    by: User,
    joined_on: datetime.date | None = None,
) -> list[GroupMember]:
    """Add people to the group (joining today, unless said); anyone already in it stays."""
    chosen = list(people)
    if not chosen:
        raise ValidationError({"people": _("Choose at least one person to add")})
    if any(p.organisation_id != group.organisation_id for p in chosen):
        raise ValidationError({"people": _("Choose people from this service's records")})
    with transaction.atomic():
        _lock(group)
        already = set(
            GroupMember.objects.filter(group=group, person__in=chosen).values_list(
                "person_id", flat=True
            )
        )
        added = [
            GroupMember(
                organisation_id=group.organisation_id,
                group=group,
                person=person,
                joined_on=joined_on or timezone.localdate(),
                created_by=by,
                updated_by=by,
            )
            for person in chosen
            if person.pk not in already
        ]
        GroupMember.objects.bulk_create(added)
        if added:
            audit_record(
                actor=by,
                action=AuditAction.UPDATE,
                organisation=group.organisation,
                record=group,
                summary=f"Added {len(added)} people to the group",
            )
    return added


def member_finish(
    *, member: GroupMember, status: str, by: User, on: datetime.date | None = None
) -> GroupMember:
    """Record that someone completed the programme, left it, or is taking part again."""
    if status not in MemberStatus.values:
        raise ValidationError({"status": _("Choose what happened")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"finished_on": _("The date must be today or in the past")})
    with transaction.atomic():
        _lock(member.group)
        member.refresh_from_db()
        member.status = status
        member.finished_on = None if status == MemberStatus.TAKING_PART else on
        member.updated_by = by
        member.save(update_fields=["status", "finished_on", "updated_by", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=member.group.organisation,
            record=member,
            summary=f"Marked as {member.get_status_display().lower()}",
        )
    return member


def session_add(
    *,
    group: GroupWork,
    by: User,
    held_on: datetime.date,
    topic: str,
    facilitator: User | None,
    headcount: int | None = None,
) -> GroupSession:
    """A circle or a session, on a date; who came is recorded with `attendance_record`,
    unless a whole class is counted (`headcount`)."""
    _check_facilitator(group.organisation, facilitator)
    if headcount is not None:
        if not group.is_circle:
            raise ValidationError({"headcount": _("Record who came to each session by name")})
        if held_on > timezone.localdate():
            raise ValidationError(
                {"headcount": _("Give the number taking part once the circle has been held")}
            )
        if not 1 <= headcount <= LARGEST_HEADCOUNT:
            raise ValidationError(
                {
                    "headcount": _("Number taking part must be between 1 and %(most)s")
                    % {"most": LARGEST_HEADCOUNT}
                }
            )
    with transaction.atomic():
        _lock(group)
        session = GroupSession(
            organisation_id=group.organisation_id,
            group=group,
            held_on=held_on,
            topic=topic.strip(),
            facilitator=facilitator,
            headcount=headcount,
            created_by=by,
            updated_by=by,
        )
        session.full_clean()
        session.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=group.organisation,
            record=session,
            summary=f"Added a session of {group.name} on {held_on:%-d %B %Y}"[:300],
        )
    return session


Mark = tuple[bool, str]  # (attended, reason if absent)


def attendance_record(
    *, session: GroupSession, marks: Mapping[int, Mark], by: User
) -> list[GroupAttendance]:
    """Who came to a session, by group member pk: all saved, or none.

    Replaces what was recorded before, so a mistake is put right by recording again.
    """
    if session.held_on > timezone.localdate():
        raise ValidationError(_("Record who came once the session has been held"))
    if session.headcount is not None:
        raise ValidationError(
            _("This circle was counted rather than named: the number taking part is recorded")
        )
    problems: dict[str, str] = {}
    for pk, (attended, reason) in marks.items():
        if not attended and reason not in AbsenceReason.values:
            problems[f"mark_{pk}"] = _("Choose why they were absent")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        _lock(session.group)
        members = {
            m.pk: m
            for m in GroupMember.objects.filter(group_id=session.group_id, pk__in=list(marks))
        }
        if set(marks) - set(members):
            raise ValidationError(_("Someone on the list is no longer in the group: start again"))
        GroupAttendance.objects.filter(session=session).delete()
        rows = GroupAttendance.objects.bulk_create(
            [
                GroupAttendance(
                    organisation_id=session.organisation_id,
                    session=session,
                    member=members[pk],
                    attended=attended,
                    absence_reason="" if attended else reason,
                    created_by=by,
                    updated_by=by,
                )
                for pk, (attended, reason) in marks.items()
            ]
        )
        came = sum(1 for attended, _ in marks.values() if attended)
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=session.group.organisation,
            record=session,
            summary=f"Recorded attendance: {came} of {len(marks)} came",
        )
    return rows


def group_case_open(
    *,
    member: GroupMember,
    by: User,
    harm_summary: str,
    planned_process: str,
    harm_type: HarmType | None = None,
    incident_date: datetime.date | None = None,
) -> Case:
    """Open a case from someone's place in a group, with them as the person responsible.

    The case is opened and joined by the same services as any other case; the group is
    recorded as where it came from.
    """
    group = member.group
    if harm_type is not None and harm_type.organisation_id != group.organisation_id:
        raise ValidationError({"harm_type": _("Choose a kind of harm from the list")})
    if incident_date is not None and incident_date > timezone.localdate():
        raise ValidationError({"incident_date": _("The date of the incident must be in the past")})
    with transaction.atomic():
        _lock(group)
        open_already = (
            GroupCase.objects.filter(member=member)
            .exclude(case__status=CaseStatus.CLOSED)
            .select_related("case")
            .first()
        )
        if open_already is not None:
            raise ValidationError(
                _("%(name)s already has a case opened from this group: %(reference)s")
                % {"name": member.person.full_name, "reference": open_already.case.reference}
            )
        case = case_open(
            organisation=group.organisation,
            by=by,
            sector=group.sector,
            harm_summary=harm_summary,
            harm_type=harm_type,
            incident_date=incident_date,
            planned_process=planned_process,
        )
        party_add(case=case, person=member.person, role=PartyRole.RESPONSIBLE, by=by)
        link = GroupCase(
            organisation_id=group.organisation_id, case=case, member=member, created_by=by
        )
        link.full_clean()
        link.save()
        event_record(
            case=case,
            by=by,
            code="opened_from_group",
            summary=f"Opened from the group {group.name}"[:300],
        )
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=group.organisation,
            record=member,
            summary=f"Opened {case.reference} from the group",
        )
    return case
