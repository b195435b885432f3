from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from amends.agreements.forms import ActionForm
from amends.agreements.models import Agreement
from amends.agreements.views import action_add_from_form, actions_of
from amends.cases.forms import case_parties
from amends.cases.models import INDIRECT_PROCESSES, Case
from amends.cases.services import closed_message
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.concurrency import EditConflict
from amends.core.forms_util import add_service_errors, confirm_then, form_submit
from amends.core.models import Role
from amends.core.unsaved import form_data
from amends.meetings import services
from amends.meetings.forms import (
    MarkHeldForm,
    MeetingArrangeForm,
    MeetingChangeForm,
    MessageForm,
    StageNotesForm,
)
from amends.meetings.models import (
    STAGES,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    names_in_the_room,
)

MEETING_ROLES = (Role.COORDINATOR, Role.FACILITATOR)


def _meeting(request: MemberRequest, meeting_pk: int) -> Meeting:
    return get_visible_or_404(Meeting, request.membership, pk=meeting_pk)


@member_required(*MEETING_ROLES)
def meeting_arrange(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    form = MeetingArrangeForm(form_data(request), case=case)

    def arrange(data: dict[str, Any]) -> Meeting:
        return services.meeting_arrange(
            case=case,
            by=request.user,
            process=data["process"],
            scheduled_at=data["scheduled_at"],
            venue=data["venue"],
            facilitator=data["facilitator"],
            co_facilitator=data["co_facilitator"],
            attendees=list(data["attendees"]),
        )

    if request.method == "POST" and (meeting := form_submit(form, arrange)):
        messages.success(
            request,
            _("The %(process)s is arranged.") % {"process": meeting.get_process_display().lower()},
        )
        return redirect("meetings:detail", meeting_pk=meeting.pk)
    return render(request, "meetings/meeting_arrange.html", {"case": case, "form": form})


def _invited(meeting: Meeting) -> list[MeetingAttendee]:
    return list(meeting.attendees.select_related("party__person").order_by("pk"))


def _meeting_page(
    request: MemberRequest, meeting: Meeting, held_form: MarkHeldForm | None = None
) -> HttpResponse:
    invited = _invited(meeting)
    attendees = [a.party for a in invited]
    is_indirect = meeting.process in INDIRECT_PROCESSES
    can_change = meeting.status == MeetingStatus.ARRANGED and not meeting.case.is_closed
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "invited": invited,
            "attendees": attendees,
            "attended": [a.party for a in invited if a.attended],
            "can_change": can_change,
            "can_record": meeting.status != MeetingStatus.CANCELLED and not meeting.case.is_closed,
            "problems": services.meeting_problems(meeting, attendees) if can_change else [],
            "held_form": held_form or MarkHeldForm(meeting=meeting, invited=attendees),
            "is_indirect": is_indirect,
            "carried": (
                meeting.messages.select_related("from_party__person", "to_party__person")
                if is_indirect
                else []
            ),
        },
    )


@member_required(*MEETING_ROLES)
def meeting_detail(request: MemberRequest, meeting_pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(request, meeting_pk))


@member_required(*MEETING_ROLES)
def meeting_change(request: MemberRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, meeting_pk)
    if meeting.status != MeetingStatus.ARRANGED or meeting.case.is_closed:
        return redirect("meetings:detail", meeting_pk=meeting.pk)
    invited = [a.party for a in _invited(meeting)]
    form = MeetingChangeForm(form_data(request), meeting=meeting, invited=invited)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_change(
                meeting=meeting,
                by=request.user,
                loaded_version=data["version"] or None,
                scheduled_at=data["scheduled_at"],
                venue=data["venue"],
                facilitator=data["facilitator"],
                co_facilitator=data["co_facilitator"],
                attendees=list(data["attendees"]),
            )
        except EditConflict as exc:
            conflict = exc
            saved = cast(Meeting, exc.current)
            form = MeetingChangeForm(meeting=saved, invited=[a.party for a in _invited(saved)])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting's changes are saved."))
            return redirect("meetings:detail", meeting_pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_change.html",
        {"meeting": meeting, "case": meeting.case, "form": form, "conflict": conflict},
    )


@member_required(*MEETING_ROLES)
def meeting_mark_held(request: MemberRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, meeting_pk)
    if request.method != "POST":
        return redirect("meetings:detail", meeting_pk=meeting.pk)
    form = MarkHeldForm(request.POST, meeting=meeting, invited=[a.party for a in _invited(meeting)])

    def mark_held(data: dict[str, Any]) -> Meeting:
        return services.meeting_mark_held(
            meeting=meeting,
            by=request.user,
            held_at=data["held_at"],
            attended=list(data["attended"]),
            duration_minutes=data["duration_minutes"],
            early_reason=data["early_reason"],
            outcome_notes=data["outcome_notes"],
        )

    if form_submit(form, mark_held):
        messages.success(request, _("The meeting is recorded as held."))
        return redirect("meetings:detail", meeting_pk=meeting.pk)
    meeting.refresh_from_db()
    return _meeting_page(request, meeting, held_form=form)


@member_required(*MEETING_ROLES)
def meeting_cancel(request: MemberRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, meeting_pk)
    back = reverse("meetings:detail", args=[meeting.pk])
    return confirm_then(
        request,
        do=lambda: services.meeting_cancel(meeting=meeting, by=request.user),
        done=_("The meeting is cancelled."),
        next_url=back,
        context={
            "case": meeting.case,
            "heading": _("Cancel the %(process)s on %(when)s?")
            % {
                "process": meeting.get_process_display().lower(),
                "when": date_format(timezone.localtime(meeting.scheduled_at), "j F Y"),
            },
            "detail": _("The meeting stays in the case's record as cancelled."),
            "button": _("Cancel the meeting"),
            "back_url": back,
            "back_label": _("Back to the meeting"),
        },
    )


@member_required(*MEETING_ROLES)
def message_add(request: MemberRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, meeting_pk)
    form = MessageForm(form_data(request), case=meeting.case)
    if request.method == "POST" and (
        message := form_submit(
            form, lambda data: services.message_carry(meeting=meeting, by=request.user, **data)
        )
    ):
        if message.is_letter:
            messages.success(request, _("The letter is recorded."))
        else:
            messages.success(request, _("The message is recorded."))
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#messages")
    return render(
        request,
        "meetings/message_form.html",
        {"meeting": meeting, "case": meeting.case, "form": form},
    )


# Facilitation mode --------------------------------------------------------------------


def _stage_forms(
    meeting: Meeting, bound: StageNotesForm | None = None
) -> list[tuple[str, str, list[str], list[str], StageNotesForm]]:
    stages = []
    for name, label, for_responsible, for_harmed in STAGES:
        if bound is not None and bound.stage == name:
            form = bound
        else:
            form = StageNotesForm(
                stage=name, label=label, initial={"notes": getattr(meeting, name)}
            )
        stages.append((name, label, for_responsible, for_harmed, form))
    return stages


def _room_names(meeting: Meeting) -> dict[int, str]:
    """Every party in the case, named as facilitation mode names them."""
    return names_in_the_room(list(case_parties(meeting.case)))


def _draft_context(
    meeting: Meeting, names: dict[int, str], action_form: ActionForm | None = None
) -> dict[str, Any]:
    agreement = Agreement.objects.filter(case_id=meeting.case_id).first()
    action_form = action_form or ActionForm(case=meeting.case)
    # Two people with the same first name are told apart here too.
    owner: Any = action_form.fields["owner"]
    owner.label_from_instance = lambda party: names.get(party.pk, party.first_name)
    return {
        "meeting": meeting,
        "agreement": agreement,
        "actions": actions_of(agreement),
        "action_form": action_form,
        "names": names,
        "can_add": meeting.status != MeetingStatus.CANCELLED
        and not meeting.case.is_closed
        and not (agreement and agreement.is_agreed),
    }


def _facilitate_page(
    request: MemberRequest,
    meeting: Meeting,
    notes_form: StageNotesForm | None = None,
    action_form: ActionForm | None = None,
) -> HttpResponse:
    names = _room_names(meeting)
    taking_part = [
        names[party_id] for party_id in meeting.attendees.values_list("party_id", flat=True)
    ]
    return render(
        request,
        "meetings/facilitate.html",
        {
            "case": meeting.case,
            "taking_part": taking_part,
            "stages": _stage_forms(meeting, notes_form),
            "notes_form": notes_form,
            "can_write": meeting.status != MeetingStatus.CANCELLED and not meeting.case.is_closed,
            **_draft_context(meeting, names, action_form),
        },
    )


@member_required(*MEETING_ROLES)
def facilitate(request: MemberRequest, meeting_pk: int) -> HttpResponse:
    return _facilitate_page(request, _meeting(request, meeting_pk))


STAGE_LABELS = {name: label for name, label, *_questions in STAGES}


@member_required(*MEETING_ROLES)
def stage_notes_save(request: MemberRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, meeting_pk)
    stage = request.POST.get("stage", "")
    if request.method != "POST" or stage not in STAGE_LABELS:
        return redirect("meetings:facilitate", meeting_pk=meeting.pk)
    form = StageNotesForm(request.POST, stage=stage, label=STAGE_LABELS[stage])
    saved = form_submit(
        form,
        lambda data: services.meeting_save_notes(
            meeting=meeting, by=request.user, **{stage: data["notes"]}
        ),
    )
    if request.htmx:  # type: ignore[attr-defined]
        # Only the stage's status line changes, so focus stays where the facilitator is typing.
        return render(
            request,
            "meetings/_stage_status.html",
            {
                "label": STAGE_LABELS[stage],
                "saved_at": timezone.localtime() if saved else None,
                "errors": [*form.non_field_errors(), *form.errors.get("notes", [])],
            },
        )
    if saved:
        messages.success(
            request, _("Notes on “%(stage)s” are saved.") % {"stage": STAGE_LABELS[stage].lower()}
        )
        return redirect(reverse("meetings:facilitate", args=[meeting.pk]) + f"#stage-{stage}")
    return _facilitate_page(request, meeting, notes_form=form)


@member_required(*MEETING_ROLES)
def facilitate_action_add(request: MemberRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, meeting_pk)
    if request.method != "POST":
        return redirect("meetings:facilitate", meeting_pk=meeting.pk)
    form = ActionForm(request.POST, case=meeting.case)
    action = None
    if meeting.case.is_closed:
        form.add_error(None, closed_message(meeting.case))
    elif meeting.status == MeetingStatus.CANCELLED:
        form.add_error(None, _("This meeting was cancelled, so no action can be added here."))
    else:
        action = action_add_from_form(request, meeting.case, form, meeting=meeting)
    if request.htmx:  # type: ignore[attr-defined]
        context = _draft_context(meeting, _room_names(meeting), None if action else form)
        context["added"] = action
        context["added_name"] = action and context["names"].get(action.owner_id, "")
        return render(request, "meetings/_draft_agreement.html", context)
    if action is not None:
        messages.success(request, _("The action is added to the draft agreement."))
        return redirect(reverse("meetings:facilitate", args=[meeting.pk]) + "#agreement")
    return _facilitate_page(request, meeting, action_form=form)
