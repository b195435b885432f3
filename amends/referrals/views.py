from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.forms_util import add_service_errors
from amends.core.models import Role
from amends.core.pagination import BoundedPaginator
from amends.core.templatetags.govuk import govuk_error_summary
from amends.core.unsaved import form_data
from amends.referrals import services
from amends.referrals.forms import (
    MAX_PEOPLE,
    AcceptForm,
    DeclineForm,
    HarmTypeForm,
    ProposedPersonForm,
    ReferralForm,
    people_forms,
)
from amends.referrals.models import HarmType, Referral, ReferralStatus

REFERRAL_ROLES = (Role.COORDINATOR, Role.REFERRER)
WAITING_PAGE_SIZE = 25


@member_required(*REFERRAL_ROLES)
def referral_list(request: MemberRequest) -> HttpResponse:
    member = request.membership
    referrals = Referral.objects.visible_to(member).select_related("harm_type", "case")
    if member.role == Role.REFERRER:
        page = BoundedPaginator(referrals.order_by("-received_on", "-pk"), 25).get_page(
            request.GET.get("page")
        )
        rows = [(r, services.referral_progress(r)) for r in page]
        return render(request, "referrals/my_referrals.html", {"page_obj": page, "rows": rows})
    waiting = BoundedPaginator(referrals.waiting(), WAITING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Every decided referral has its decision time: the index on it serves this order.
    decided = (
        referrals.exclude(status=ReferralStatus.NEW)
        .filter(decided_at__isnull=False)
        .order_by("-decided_at", "-pk")[:20]
    )
    return render(request, "referrals/triage.html", {"waiting": waiting, "decided": decided})


def _people_count(data: QueryDict | None) -> int:
    """How many person sections the form has: as posted (at least the highest one named)."""
    if data is None:
        return 2  # someone harmed and someone responsible, to start with
    numbers = [int(n) for n in re.findall(r"^person(\d+)-", "\n".join(data), flags=re.M)]
    posted = data.get("people_count", "")
    count = max([int(posted) if posted.isdigit() else 1, *numbers])
    return min(max(count, 1), MAX_PEOPLE)


def _without_person(data: QueryDict, number: int, count: int) -> QueryDict:
    """The posted data with one person's section taken out and those after it moved up."""
    kept = QueryDict(mutable=True)
    for name, values in data.lists():
        match = re.match(r"^person(\d+)-(.*)$", name)
        if match is None:
            kept.setlist(name, values)
        elif (n := int(match[1])) != number:
            kept.setlist(f"person{n - 1 if n > number else n}-{match[2]}", values)
    kept["people_count"] = str(max(count - 1, 1))
    return kept


def _hold(*bound: forms.BaseForm) -> None:
    """Show what was typed without judging it yet (after adding or removing a person)."""
    for form in bound:
        form.errors.clear()


@member_required(*REFERRAL_ROLES)
def referral_new(request: MemberRequest) -> HttpResponse:
    member = request.membership
    data = form_data(request)
    count = _people_count(data)
    adding = data is not None and "add_person" in data
    removing = data.get("remove_person", "") if data is not None else ""
    if adding:
        count = min(count + 1, MAX_PEOPLE)
    elif data is not None and removing.isdigit() and 1 <= int(removing) <= count:
        data = _without_person(data, int(removing), count)
        count = _people_count(data)
    form = ReferralForm(data, organisation=member.organisation)
    people = people_forms(data, count)
    if member.role == Role.REFERRER and data is None:
        form.fields["referrer_name"].initial = request.user.get_full_name()
        form.fields["referrer_contact"].initial = request.user.email
        form.fields["source_agency"].initial = Referral.objects.last_agency_of(member)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and (adding or removing):
        _hold(form, *people)
    elif request.method == "POST":
        filled = [p for p in people if p.has_changed()]
        valid = [p.is_valid() for p in people]  # every section judged, not just the first
        if form.is_valid() and all(valid):
            try:
                services.referral_create(
                    organisation=member.organisation,
                    by=request.user,
                    people=[p.details() for p in filled],
                    by_referrer=member.role == Role.REFERRER,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _service_errors(exc, form, filled)
            else:
                messages.success(
                    request, _("The referral is made. The service's coordinator will triage it.")
                )
                return redirect("referrals:list")
        errors = govuk_error_summary(form, *people)["errors"]
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "people": people,
            "people_count": count,
            "can_add": count < MAX_PEOPLE,
            "max_people": MAX_PEOPLE,
            "errors": errors,
        },
    )


def _service_errors(
    exc: ValidationError, form: ReferralForm, filled: list[ProposedPersonForm]
) -> None:
    """The service's refusals at their fields: the referral's, or the n-th person's it was given."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, messages_ in exc.message_dict.items():
        match = re.match(r"^person(\d+)-(.*)$", key)
        if match and int(match[1]) <= len(filled) and match[2] in filled[0].fields:
            filled[int(match[1]) - 1].add_error(match[2], messages_)
        else:
            form.add_error(key if key in form.fields else None, messages_)


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
            {
                "referral": referral,
                "people": referral.people.all(),
                "progress": services.referral_progress(referral),
            },
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
                _("Referral accepted: case %(reference)s is open. Allocate its facilitators.")
                % {"reference": case.reference},
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
            messages.success(request, _("The referral is declined."))
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
            messages.success(
                request,
                _("“%(name)s” is added to the list.") % {"name": form.cleaned_data["name"]},
            )
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
        if harm_type.is_active:
            message = _("“%(name)s” is back in the list.")
        else:
            message = _("“%(name)s” is retired from the list.")
        messages.success(request, message % {"name": harm_type.name})
    return redirect("referrals:harm_types")


@member_required(Role.COORDINATOR)
def harm_type_advanced(request: MemberRequest, harm_type_pk: int) -> HttpResponse:
    harm_type = get_visible_or_404(HarmType, request.membership, pk=harm_type_pk)
    if request.method == "POST":
        needed = not harm_type.needs_advanced_training
        services.harm_type_set_needs_advanced(harm_type=harm_type, needed=needed, by=request.user)
        if needed:
            message = _("Cases of “%(name)s” need a lead facilitator with advanced training.")
        else:
            message = _(
                "Cases of “%(name)s” no longer need a lead facilitator with advanced training."
            )
        messages.success(request, message % {"name": harm_type.name})
    return redirect("referrals:harm_types")
