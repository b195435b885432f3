"""A school's pages: the one-minute restorative conversation, its follow-up, parents and
carers kept informed, safeguarding hand-offs and the school's safeguarding lead."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from amends.cases.models import Case, Party
from amends.cases.views import closed_case_page
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import audit_record
from amends.core.forms_util import add_service_errors
from amends.core.models import AuditAction, Role, Sector
from amends.core.unsaved import form_data
from amends.schools import services
from amends.schools.forms import (
    NOT_INVOLVED,
    PARTS,
    ROLL_SHOWN,
    ConversationForm,
    ExclusionForm,
    FollowUpForm,
    ParentInformedForm,
    RaiseConcernForm,
    ResolveConcernForm,
    SchoolSettingsForm,
    chosen_parts,
    roll,
    roll_groups,
)
from amends.schools.models import SafeguardingHandOff, SchoolSettings

CASE_ROLES = (Role.COORDINATOR, Role.FACILITATOR)
PAGE_SIZE = 25


def _case(request: MemberRequest, case_pk: int) -> Case:
    return get_visible_or_404(
        Case.objects.select_related("organisation"), request.membership, pk=case_pk
    )


def _speak_schools(request: MemberRequest) -> None:
    """Pages of a school's own work speak the school's words, whatever else it does."""
    request.amends_sector = Sector.SCHOOLS  # type: ignore[attr-defined]


# Conversations ----------------------------------------------------------------------


@member_required(*CASE_ROLES)
def conversations(request: MemberRequest) -> HttpResponse:
    _speak_schools(request)
    today = timezone.localdate()
    visible = (
        Case.objects.visible_to(request.membership)
        .filter(school__is_conversation=True)
        .select_related("school")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("person").order_by("pk"))
        )
    )
    due = list(
        visible.open()
        .filter(
            school__followed_up_on__isnull=True,
            school__follow_up_on__lte=today + datetime.timedelta(7),
        )
        .order_by("school__follow_up_on", "pk")[:PAGE_SIZE]
    )
    recent = Paginator(visible.order_by("-school__held_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "schools/conversation_list.html",
        {"due": due, "page_obj": recent, "today": today},
    )


def _filters(source: Any) -> dict[str, str]:
    return {
        "year": (source.get("year") or "").strip()[:20],
        "form": (source.get("form") or "").strip()[:20],
        "q": (source.get("q") or "").strip()[:100],
    }


@member_required(*CASE_ROLES)
def conversation_new(request: MemberRequest) -> HttpResponse:
    """One page, quick on a phone: the pupils picked from the roll, what happened, what was
    agreed and when to follow up. "Show pupils" re-reads the roll without saving anything."""
    _speak_schools(request)
    organisation = request.membership.organisation
    data = form_data(request)
    filtering = request.method == "POST" and "show" in request.POST
    filters = _filters(data if data is not None else request.GET)
    form = ConversationForm(data, organisation=organisation)
    parts, all_known = chosen_parts(data or {}, organisation)
    pupil_error = ""
    if request.method == "POST" and not filtering:
        valid = form.is_valid()
        if not all_known:
            pupil_error = _("Choose pupils on the school's roll")
        elif not parts:
            pupil_error = _("Choose the pupils who took part")
        if pupil_error:
            form.add_error("pupils", pupil_error)
        elif valid:
            people = {p.pk: p for p in roll(organisation).filter(pk__in=parts)}
            by_part: dict[str, list[Any]] = {"harmed": [], "responsible": [], "took_part": []}
            for pk, part in parts.items():
                by_part[part].append(people[pk])
            data_ = form.cleaned_data
            try:
                case = services.conversation_record(
                    organisation=organisation,
                    by=request.user,
                    harmed=by_part["harmed"],
                    responsible=by_part["responsible"],
                    took_part=by_part["took_part"],
                    what_happened=data_["what_happened"],
                    agreed=data_["agreed"],
                    held_on=data_["held_on"],
                    follow_up_on=data_["follow_up_on"],
                    harm_type=data_["harm_type"],
                    dfe_reason=data_["dfe_reason"],
                    sanction_considered=data_["sanction_considered"],
                    sanction_avoided=data_["sanction_avoided"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                pupil_error = "; ".join(str(e) for e in form.errors.get("pupils", []))
            else:
                assert case.next_step_due is not None  # the follow-up the conversation set
                messages.success(
                    request,
                    _("The conversation is recorded as %(reference)s. Follow it up by %(due)s.")
                    % {
                        "reference": case.reference,
                        "due": date_format(case.next_step_due, "j F Y"),
                    },
                )
                return redirect("schools:conversations")
    elif filtering:
        # Re-show what was typed, without judging it yet.
        form.full_clean()
        form.errors.clear()
    shown: Any = roll(organisation)
    if filters["year"]:
        shown = shown.filter(year_group=filters["year"])
    if filters["form"]:
        shown = shown.filter(form_group=filters["form"])
    if filters["q"]:
        shown = shown.search(filters["q"])
    chosen = list(roll(organisation).filter(pk__in=parts))
    # Until a year group, form or name is given, only the pupils already chosen are shown:
    # the page stays short on a phone.
    searched = any(filters.values())
    others = list(shown.exclude(pk__in=parts)[: ROLL_SHOWN + 1]) if searched else []
    more = len(others) > ROLL_SHOWN
    pupils = [(p, parts[p.pk]) for p in chosen] + [(p, NOT_INVOLVED) for p in others[:ROLL_SHOWN]]
    years, forms_ = roll_groups(organisation)
    return render(
        request,
        "schools/conversation_form.html",
        {
            "form": form,
            "pupils": pupils,
            "parts": PARTS,
            "more": more,
            "filters": filters,
            "years": years,
            "form_groups": forms_,
            "pupil_error": pupil_error,
            "searched": searched,
            "roll_size": roll(organisation).count(),
        },
    )


@member_required(*CASE_ROLES)
def follow_up(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    details = getattr(case, "school", None)
    form = FollowUpForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.conversation_follow_up(
                case=case,
                by=request.user,
                followed_up_on=form.cleaned_data["followed_up_on"],
                held=form.cleaned_data["held"] == "yes",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The follow-up of %(reference)s is recorded.") % {"reference": case.reference},
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(
        request, "schools/follow_up.html", {"case": case, "form": form, "details": details}
    )


@member_required(*CASE_ROLES)
def exclusion(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    details = getattr(case, "school", None)
    initial = {}
    if details is not None:
        initial = {
            "dfe_reason": details.dfe_reason,
            "sanction_considered": details.sanction_considered,
            "sanction_avoided": {True: "yes", False: "no"}.get(details.sanction_avoided, ""),
        }
    form = ExclusionForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.exclusion_record(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Suspension and exclusion on %(reference)s are recorded.")
                % {"reference": case.reference},
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(request, "schools/exclusion.html", {"case": case, "form": form})


# Parents and carers ------------------------------------------------------------------


@member_required(*CASE_ROLES)
def parent_informed(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    initial = {"pupil": request.GET["pupil"]} if request.GET.get("pupil", "").isdigit() else {}
    form = ParentInformedForm(form_data(request), case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.parent_informed_record(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The parent or carer being informed is recorded."))
            return redirect("cases:detail", case_pk=case.pk)
    records = case.parents_informed.select_related("pupil__person", "created_by")
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        organisation=case.organisation,
        record=case,
        summary="Viewed the parents and carers informed",
    )
    return render(
        request,
        "schools/parent_informed.html",
        {"case": case, "form": form, "records": records},
    )


# Safeguarding -------------------------------------------------------------------------


@member_required(*CASE_ROLES)
def safeguarding_raise(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    leads = services.safeguarding_leads(case.organisation)
    form = RaiseConcernForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.safeguarding_raise(
                case=case, by=request.user, told_in_person=form.cleaned_data["told_in_person"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if leads:
                names = " and ".join(u.get_full_name() for u in leads)
                messages.success(
                    request,
                    _(
                        "Restorative work on %(reference)s is paused. %(names)s "
                        "has been told by e-mail that you raised a concern: pass the concern "
                        "itself on now, through the school's safeguarding procedure."
                    )
                    % {"reference": case.reference, "names": names},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Restorative work on %(reference)s is paused. No designated "
                        "safeguarding lead is named in Amends: tell your safeguarding lead "
                        "yourself, now."
                    )
                    % {"reference": case.reference},
                )
            return redirect("cases:detail", case_pk=case.pk)
    return render(
        request,
        "schools/safeguarding_raise.html",
        {"case": case, "form": form, "leads": leads},
    )


@member_required(Role.COORDINATOR)
def safeguarding_resolve(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    open_handoffs = list(
        SafeguardingHandOff.objects.visible_to(request.membership)
        .filter(case=case)
        .pausing()
        .select_related("created_by")
    )
    if not open_handoffs:
        messages.info(
            request,
            _("Restorative work on %(reference)s is not paused.") % {"reference": case.reference},
        )
        return redirect("cases:detail", case_pk=case.pk)
    form = ResolveConcernForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.safeguarding_resolve(
                case=case, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Restorative work on %(reference)s may continue.")
                % {"reference": case.reference},
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(
        request,
        "schools/safeguarding_resolve.html",
        {"case": case, "form": form, "handoffs": open_handoffs},
    )


@member_required(Role.COORDINATOR)
def school_settings(request: MemberRequest) -> HttpResponse:
    _speak_schools(request)
    organisation = request.membership.organisation
    current = SchoolSettings.objects.filter(organisation=organisation).first()
    initial = {}
    if current is not None:
        initial = {
            "safeguarding_lead": current.safeguarding_lead_id,
            "deputy_safeguarding_lead": current.deputy_safeguarding_lead_id,
        }
    form = SchoolSettingsForm(form_data(request), organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.school_settings_save(
            organisation=organisation,
            by=request.user,
            safeguarding_lead=form.cleaned_data["safeguarding_lead"],
            deputy=form.cleaned_data["deputy_safeguarding_lead"],
        )
        messages.success(request, _("The school's safeguarding leads are saved."))
        return redirect("schools:settings")
    return render(request, "schools/settings.html", {"form": form})
