from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.forms_util import add_service_errors
from amends.core.models import Role
from amends.core.unsaved import form_data
from amends.core.vocabulary import (
    GroupWords,
    group_words_for,
    sector_of,
    speak_sector_of_record,
    words_for_request,
)
from amends.groups import services
from amends.groups.forms import (
    CAME,
    AddPeopleForm,
    AttendanceForm,
    GroupCaseForm,
    GroupForm,
    MemberStatusForm,
    SessionForm,
)
from amends.groups.models import (
    GroupAttendance,
    GroupCase,
    GroupKind,
    GroupMember,
    GroupSession,
    GroupWork,
    MemberStatus,
)
from amends.people.models import Person

GROUP_ROLES = (Role.COORDINATOR, Role.FACILITATOR)
FOUND_AT_MOST = 60  # people listed to choose from at once


def _group_words(request: MemberRequest) -> GroupWords:
    return group_words_for(words_for_request(request))


def _kind_label(group_words: GroupWords, kind: str) -> str:
    return str(group_words.circle if kind == GroupKind.CIRCLE else group_words.programme)


def _came(prefix: str = "") -> Count:
    return Count(f"{prefix}attendance", filter=Q(**{f"{prefix}attendance__attended": True}))


@member_required(*GROUP_ROLES)
def group_list(request: MemberRequest) -> HttpResponse:
    today = timezone.localdate()
    groups = list(
        GroupWork.objects.visible_to(request.membership)
        .select_related("facilitator")
        .annotate(
            session_count=Count("sessions", distinct=True),
            member_count=Count("members", distinct=True),
            last_held=Max("sessions__held_on", filter=Q(sessions__held_on__lte=today)),
        )
    )
    return render(
        request,
        "groups/group_list.html",
        {
            "circles": [g for g in groups if g.kind == GroupKind.CIRCLE],
            "programmes": [g for g in groups if g.kind == GroupKind.PROGRAMME],
            "group_words": _group_words(request),
        },
    )


@member_required(Role.COORDINATOR)
def group_add(request: MemberRequest) -> HttpResponse:
    member = request.membership
    kind = request.GET.get("kind", "")
    if kind not in GroupKind.values:
        kind = GroupKind.CIRCLE
    group_words = _group_words(request)
    circle = kind == GroupKind.CIRCLE
    form = GroupForm(form_data(request), member=member, group_words=group_words, circle=circle)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                organisation=member.organisation,
                by=request.user,
                kind=kind,
                name=data["name"],
                sector=data.get("sector") or sector_of(member.organisation),
                about=data["about"],
                facilitator=data["facilitator"],
                starts_on=data["starts_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(group)s is set up. Now add who takes part.") % {"group": group.name}
            )
            return redirect("groups:members_add", groupwork_pk=group.pk)
    return render(
        request,
        "groups/group_form.html",
        {"form": form, "kind_label": _kind_label(group_words, kind), "group_words": group_words},
    )


@member_required(*GROUP_ROLES)
def group_detail(request: MemberRequest, groupwork_pk: int) -> HttpResponse:
    member = request.membership
    group = get_visible_or_404(
        GroupWork.objects.select_related("facilitator"), member, pk=groupwork_pk
    )
    people = list(
        group.members.select_related("person")
        .prefetch_related("person__identifiers")
        .annotate(came=_came(), marked=Count("attendance"))
    )
    sessions = list(
        group.sessions.select_related("facilitator").annotate(
            came=_came(), marked=Count("attendance")
        )
    )
    cases: dict[int, list[GroupCase]] = {}
    if member.is_coordinator:
        for link in GroupCase.objects.filter(member__group=group).select_related("case"):
            cases.setdefault(link.member_id, []).append(link)
    for place in people:
        place.case_links = cases.get(place.pk, [])
    group_words = _group_words(request)
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "people": people,
            "sessions": sessions,
            "kind_label": _kind_label(group_words, group.kind),
            "group_words": group_words,
            "today": timezone.localdate(),
        },
    )


def _school_classes(member: Any) -> list[tuple[str, str]]:
    """The year groups and forms on the roll, as (value, label) choices."""
    pairs = (
        Person.objects.visible_to(member)
        .exclude(form_group="")
        .order_by("year_group", "form_group")
        .values_list("year_group", "form_group")
        .distinct()
    )
    return [(f"{year}|{form}", f"{year}, {form}" if year else form) for year, form in pairs]


@member_required(Role.COORDINATOR)
def members_add(request: MemberRequest, groupwork_pk: int) -> HttpResponse:
    member = request.membership
    group = get_visible_or_404(GroupWork, member, pk=groupwork_pk)
    query = request.GET.get("q", "").strip()[:100]
    chosen_class = request.GET.get("class", "")
    classes = _school_classes(member)
    in_group = group.members.values("person_id")
    candidates = Person.objects.visible_to(member).exclude(pk__in=in_group)
    # The list to choose from: the form group or search the page was opened with (a
    # refused choice shows it again), else on a POST the people ticked.
    if chosen_class in dict(classes):
        year, _bar, form_group = chosen_class.partition("|")
        found = list(candidates.filter(year_group=year, form_group=form_group)[:FOUND_AT_MOST])
    elif query:
        found = list(candidates.search(query)[:FOUND_AT_MOST])
    elif request.method == "POST":
        ids = [v for v in request.POST.getlist("people") if v.isdigit()]
        found = list(candidates.filter(pk__in=ids[:FOUND_AT_MOST]))
    else:
        found = []
    form = AddPeopleForm(
        request.POST if request.method == "POST" else None,
        found=found,
        initial={"people": [p.pk for p in found]} if chosen_class else None,
    )
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["people"])
        try:
            added = services.group_members_add(
                group=group, people=[p for p in found if p.pk in wanted], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person is added to %(group)s.",
                    "%(count)s people are added to %(group)s.",
                    len(added),
                )
                % {"count": len(added), "group": group.name},
            )
            return redirect("groups:detail", groupwork_pk=group.pk)
    return render(
        request,
        "groups/members_add.html",
        {
            "group": group,
            "form": form,
            "found": found,
            "query": query,
            "classes": classes,
            "chosen_class": chosen_class,
            "searched": bool(query or chosen_class),
            "group_words": _group_words(request),
        },
    )


@member_required(*GROUP_ROLES)
def session_add(request: MemberRequest, groupwork_pk: int) -> HttpResponse:
    member = request.membership
    group = get_visible_or_404(GroupWork, member, pk=groupwork_pk)
    form = SessionForm(
        form_data(request),
        member=member,
        circle=group.is_circle,
        initial={"held_on": timezone.localdate(), "facilitator": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_add(
                group=group,
                by=request.user,
                held_on=data["held_on"],
                topic=data["topic"],
                facilitator=data["facilitator"],
                headcount=data.get("headcount"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if session.headcount is not None or session.held_on > timezone.localdate():
                messages.success(
                    request,
                    _("The session on %(day)s is saved.")
                    % {"day": date_format(session.held_on, "j F Y")},
                )
                return redirect("groups:detail", groupwork_pk=group.pk)
            return redirect("groups:attendance", groupsession_pk=session.pk)
    group_words = _group_words(request)
    return render(
        request,
        "groups/session_form.html",
        {
            "group": group,
            "form": form,
            "kind_label": _kind_label(group_words, group.kind),
            "group_words": group_words,
        },
    )


@member_required(*GROUP_ROLES)
def attendance(request: MemberRequest, groupsession_pk: int) -> HttpResponse:
    member = request.membership
    session = get_visible_or_404(
        GroupSession.objects.select_related("group", "facilitator"), member, pk=groupsession_pk
    )
    group = session.group
    speak_sector_of_record(group)
    recorded = {a.member_id: a for a in GroupAttendance.objects.filter(session=session)}
    people = [
        m
        for m in group.members.select_related("person")
        if m.pk in recorded or m.status == MemberStatus.TAKING_PART
    ]
    initial: dict[str, str] = {}
    for place in people:
        mark = recorded.get(place.pk)
        absent = mark is not None and not mark.attended
        initial[f"mark_{place.pk}"] = mark.absence_reason if mark and absent else CAME
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, members=people, initial=initial
    )
    refusal = ""
    if session.held_on > timezone.localdate():
        refusal = _("Record who came once the session has been held.")
    elif session.headcount is not None:
        refusal = _("This circle was counted rather than named: %(headcount)s took part.") % {
            "headcount": session.headcount
        }
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.attendance_record(session=session, marks=form.marks(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            came = sum(1 for attended, _ in form.marks().values() if attended)
            messages.success(
                request,
                _("Attendance is saved: %(came)s of %(people)s came.")
                % {"came": came, "people": len(people)},
            )
            return redirect("groups:detail", groupwork_pk=group.pk)
    return render(
        request,
        "groups/attendance.html",
        {
            "session": session,
            "group": group,
            "form": form,
            "people": people,
            "refusal": refusal,
            "already": bool(recorded),
            "group_words": _group_words(request),
        },
    )


def _member_or_404(request: MemberRequest, groupmember_pk: int) -> GroupMember:
    place = get_visible_or_404(
        GroupMember.objects.select_related("group", "person"),
        request.membership,
        pk=groupmember_pk,
    )
    speak_sector_of_record(place.group)
    return place


@member_required(*GROUP_ROLES)
def member_detail(request: MemberRequest, groupmember_pk: int) -> HttpResponse:
    place = _member_or_404(request, groupmember_pk)
    marks = {a.session_id: a for a in place.attendance.all()}
    sessions = [(s, marks.get(s.pk)) for s in place.group.sessions.order_by("held_on", "pk")]
    links = list(place.cases.select_related("case")) if request.membership.is_coordinator else []
    form = MemberStatusForm(initial={"status": place.status, "finished_on": place.finished_on})
    return render(
        request,
        "groups/member_detail.html",
        {
            "place": place,
            "group": place.group,
            "sessions": sessions,
            "came": sum(1 for _, m in sessions if m is not None and m.attended),
            "links": links,
            "form": form,
            "group_words": _group_words(request),
        },
    )


@member_required(*GROUP_ROLES)
def member_status(request: MemberRequest, groupmember_pk: int) -> HttpResponse:
    place = _member_or_404(request, groupmember_pk)
    form = MemberStatusForm(
        form_data(request), initial={"status": place.status, "finished_on": place.finished_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_finish(
                member=place,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["finished_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": place.person.full_name, "status": place.get_status_display().lower()},
            )
            return redirect("groups:member", groupmember_pk=place.pk)
    return render(
        request,
        "groups/member_status.html",
        {"place": place, "group": place.group, "form": form},
    )


@member_required(Role.COORDINATOR)
def case_open(request: MemberRequest, groupmember_pk: int) -> HttpResponse:
    place = _member_or_404(request, groupmember_pk)
    words = words_for_request(request)
    form = GroupCaseForm(form_data(request), member=request.membership, words=words)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.group_case_open(
                member=place,
                by=request.user,
                harm_summary=data["harm_summary"],
                harm_type=data["harm_type"],
                incident_date=data["incident_date"],
                planned_process=data["planned_process"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(reference)s is opened from %(group)s, with %(name)s as the "
                    "%(responsible)s. Allocate a facilitator."
                )
                % {
                    "reference": case.reference,
                    "group": place.group.name,
                    "name": place.person.full_name,
                    "responsible": words.responsible,
                },
            )
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "groups/case_open.html",
        {"place": place, "group": place.group, "form": form, "group_words": _group_words(request)},
    )
