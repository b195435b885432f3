from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.forms_util import add_service_errors
from amends.core.models import Role
from amends.core.unsaved import form_data
from amends.referrals import services
from amends.referrals.forms import AcceptForm, DeclineForm, HarmTypeForm, ReferralForm, people_forms
from amends.referrals.models import HarmType, Referral, ReferralStatus

REFERRAL_ROLES = (Role.COORDINATOR, Role.REFERRER)


@member_required(*REFERRAL_ROLES)
def referral_list(request: MemberRequest) -> HttpResponse:
    member = request.membership
    referrals = Referral.objects.visible_to(member).select_related("harm_type", "case")
    if member.role == Role.REFERRER:
        page = Paginator(referrals.order_by("-received_on", "-pk"), 25).get_page(
            request.GET.get("page")
        )
        rows = [(r, services.referral_progress(r)) for r in page]
        return render(request, "referrals/my_referrals.html", {"page_obj": page, "rows": rows})
    waiting = referrals.waiting()
    decided = referrals.exclude(status=ReferralStatus.NEW).order_by("-decided_at")[:20]
    return render(request, "referrals/triage.html", {"waiting": waiting, "decided": decided})


@member_required(*REFERRAL_ROLES)
def referral_new(request: MemberRequest) -> HttpResponse:
    member = request.membership
    data = request.POST if request.method == "POST" else None
    form = ReferralForm(data, organisation=member.organisation)
    people = people_forms(data)
    if member.role == Role.REFERRER and data is None:
        form.fields["referrer_name"].initial = request.user.get_full_name()
        form.fields["referrer_contact"].initial = request.user.email
    if request.method == "POST":
        people_valid = [
            p.is_valid() for p in people
        ]  # validate every section, not just the first bad one
        if form.is_valid() and all(people_valid):
            proposed = [
                {
                    "role": p.cleaned_data["role"],
                    "given_name": p.cleaned_data["given_name"],
                    "family_name": p.cleaned_data["family_name"],
                    "date_of_birth": p.cleaned_data["date_of_birth"],
                    "phone": p.cleaned_data["phone"],
                }
                for p in people
                if p.is_filled()
            ]
            try:
                services.referral_create(
                    organisation=member.organisation,
                    by=request.user,
                    people=proposed,
                    by_referrer=member.role == Role.REFERRER,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, "The referral is made. The service's coordinator will triage it."
                )
                return redirect("referrals:list")
    return render(request, "referrals/referral_form.html", {"form": form, "people": people})


@member_required(*REFERRAL_ROLES)
def referral_detail(request: MemberRequest, referral_pk: int) -> HttpResponse:
    member = request.membership
    referral = get_visible_or_404(
        Referral.objects.select_related("harm_type", "case"), member, pk=referral_pk
    )
    if member.role == Role.REFERRER:
        return render(
            request,
            "referrals/referral_status.html",
            {"referral": referral, "progress": services.referral_progress(referral)},
        )
    return _triage_page(request, referral, _accept_form(request, referral, None))


def _lookups(request: MemberRequest, referral: Referral) -> dict[int, str]:
    """What the coordinator searched for, per proposed person: `find_<pk>` (GET or POST)."""
    params = request.POST if request.method == "POST" else request.GET
    found = {}
    for item in referral.people.all():
        text = params.get(f"find_{item.pk}", "").strip()[:100]
        if text:
            found[item.pk] = text
    return found


def _accept_form(request: MemberRequest, referral: Referral, data: Any) -> AcceptForm:
    proposed = list(referral.people.select_related("person"))
    matches = (
        services.triage_matches(
            referral=referral, member=request.membership, lookups=_lookups(request, referral)
        )
        if referral.status == ReferralStatus.NEW
        else {}
    )
    return AcceptForm(data, proposed=proposed, matches=matches)


def _triage_page(
    request: MemberRequest, referral: Referral, accept_form: AcceptForm
) -> HttpResponse:
    """The coordinator's view of a referral: each proposed person with the people already
    recorded who may be them, and the accept form (with any refusal on it)."""
    people = list(referral.people.select_related("person"))
    lookups = _lookups(request, referral)
    triage = [
        {
            "proposed": item,
            "matches": accept_form.matches.get(item.pk, []),
            "field": accept_form[f"person_{item.pk}"]
            if f"person_{item.pk}" in accept_form.fields
            else None,
            "lookup": lookups.get(item.pk, ""),
        }
        for item in people
    ]
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "people": people,
            "triage": triage,
            "lookups": lookups,
            "accept_form": accept_form,
        },
    )


@member_required(Role.COORDINATOR)
def referral_accept(request: MemberRequest, referral_pk: int) -> HttpResponse:
    referral = get_visible_or_404(Referral, request.membership, pk=referral_pk)
    form = _accept_form(request, referral, form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.referral_accept(
                referral=referral,
                by=request.user,
                planned_process=form.cleaned_data["planned_process"],
                people=form.chosen_people(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Referral accepted: case {case.reference} is open. Allocate its facilitators.",
            )
            return redirect("cases:allocate", case_pk=case.pk)
    return _triage_page(request, referral, form)


@member_required(Role.COORDINATOR)
def referral_decline(request: MemberRequest, referral_pk: int) -> HttpResponse:
    referral = get_visible_or_404(Referral, request.membership, pk=referral_pk)
    form = DeclineForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_decline(
                referral=referral,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The referral is declined.")
            return redirect("referrals:list")
    return render(request, "referrals/referral_decline.html", {"referral": referral, "form": form})


@member_required(Role.COORDINATOR)
def harm_types(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    HarmType.objects.for_organisation(organisation)
    form = HarmTypeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.harm_type_add(
                organisation=organisation, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{form.cleaned_data['name']}” is added to the list.")
            return redirect("referrals:harm_types")
    all_types = HarmType.objects.visible_to(request.membership).order_by("-is_active", "position")
    return render(request, "referrals/harm_types.html", {"form": form, "harm_types": all_types})


@member_required(Role.COORDINATOR)
def harm_type_toggle(request: MemberRequest, harm_type_pk: int) -> HttpResponse:
    harm_type = get_visible_or_404(HarmType, request.membership, pk=harm_type_pk)
    if request.method == "POST":
        services.harm_type_set_active(
            harm_type=harm_type, active=not harm_type.is_active, by=request.user
        )
        messages.success(
            request,
            f"“{harm_type.name}” is {'back in' if harm_type.is_active else 'retired from'} the list.",
        )
    return redirect("referrals:harm_types")
