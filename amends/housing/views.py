"""Households, their members, the households in a dispute and a case's ASB details.

The menu offers households to organisations working in communities and social housing
(amends.housing.navigation); the pages follow the same access path as people and cases.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amends.cases.models import Case
from amends.cases.views import CASE_ROLES, closed_case_page
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import client_ip
from amends.core.concurrency import EditConflict
from amends.core.forms_util import add_service_errors, confirm_then
from amends.core.models import Role
from amends.core.unsaved import form_data
from amends.housing import services
from amends.housing.forms import (
    CaseHouseholdForm,
    CaseHousingForm,
    HouseholdForm,
    HouseholdSearchForm,
    HousingSettingsForm,
    MemberAddForm,
)
from amends.housing.models import (
    CaseHousehold,
    CaseHousing,
    Household,
    HouseholdMember,
    HousingSettings,
)
from amends.people.models import Person

PAGE_SIZE = 25


def _household(request: MemberRequest, household_pk: int) -> Household:
    return get_visible_or_404(Household, request.membership, pk=household_pk)


def _case(request: MemberRequest, case_pk: int) -> Case:
    return get_visible_or_404(
        Case.objects.select_related("organisation"), request.membership, pk=case_pk
    )


def _household_fields(form: HouseholdForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in HouseholdForm.Meta.fields}


# Households ---------------------------------------------------------------------------


@member_required(*CASE_ROLES)
def household_list(request: MemberRequest) -> HttpResponse:
    form = HouseholdSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    households = (
        Household.objects.visible_to(request.membership)
        .search(query)
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name", "pk")
    )
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/household_list.html",
        {
            "form": form,
            "query": query,
            "page_obj": page,
            "querystring_prefix": f"q={query}&" if query else "",
        },
    )


@member_required(Role.COORDINATOR)
def household_add(request: MemberRequest) -> HttpResponse:
    form = HouseholdForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(
                organisation=request.membership.organisation,
                by=request.user,
                **_household_fields(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(household)s is added.") % {"household": household.name})
            return redirect("housing:detail", household_pk=household.pk)
    return render(request, "housing/household_form.html", {"form": form, "household": None})


@member_required(*CASE_ROLES)
def household_detail(request: MemberRequest, household_pk: int) -> HttpResponse:
    household = _household(request, household_pk)
    services.household_viewed(household=household, by=request.user, ip_address=client_ip(request))
    members = household.members.select_related("person")
    cases = (
        CaseHousehold.objects.visible_to(request.membership)
        .filter(household=household)
        .select_related("case")
        .order_by("-case__opened_on", "-case_id")
    )
    return render(
        request,
        "housing/household_detail.html",
        {"household": household, "members": members, "case_links": cases},
    )


@member_required(Role.COORDINATOR)
def household_edit(request: MemberRequest, household_pk: int) -> HttpResponse:
    household = _household(request, household_pk)
    form = HouseholdForm(form_data(request), instance=household)
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        fields = _household_fields(form)
        try:
            services.household_update(
                household=household,
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                **fields,
            )
        except EditConflict as exc:
            form = HouseholdForm(instance=cast(Household, exc.current))
            conflict = exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The details of %(household)s are saved.") % {"household": household.name},
            )
            return redirect("housing:detail", household_pk=household.pk)
    return render(
        request,
        "housing/household_form.html",
        {"form": form, "household": household, "conflict": conflict},
    )


@member_required(Role.COORDINATOR)
def member_add(request: MemberRequest, household_pk: int) -> HttpResponse:
    household = _household(request, household_pk)
    member = request.membership
    search = request.GET.get("search", "").strip()
    matches = (
        Person.objects.visible_to(member).search(search)[:20] if search else Person.objects.none()
    )
    # The choice is checked against the organisation's people, so an id from elsewhere is refused.
    form = MemberAddForm(form_data(request), matches=Person.objects.visible_to(member))
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.household_member_add(
                household=household,
                person=person,
                is_tenant=form.cleaned_data["is_tenant"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is added to %(household)s.")
                % {"name": person.full_name, "household": household.name},
            )
            return redirect("housing:detail", household_pk=household.pk)
    return render(
        request,
        "housing/member_add.html",
        {"household": household, "form": form, "search": search, "matches": matches},
    )


@member_required(Role.COORDINATOR)
def member_remove(
    request: MemberRequest, household_pk: int, householdmember_pk: int
) -> HttpResponse:
    household = _household(request, household_pk)
    found = get_visible_or_404(
        HouseholdMember.objects.select_related("person", "household"),
        request.membership,
        pk=householdmember_pk,
        household=household,
    )
    names = {"name": found.person.full_name, "household": household.name}
    return confirm_then(
        request,
        do=lambda: services.household_member_remove(member=found, by=request.user),
        done=_("%(name)s is no longer recorded in %(household)s.") % names,
        next_url=reverse("housing:detail", args=[household.pk]),
        context={
            "heading": _("Remove %(name)s from %(household)s?") % names,
            "detail": _("They stay in the service's records and in any case they are part of."),
            "button": _("Remove from household"),
            "back_url": reverse("housing:detail", args=[household.pk]),
            "back_label": _("Back to %(household)s") % names,
        },
    )


# Households in a case, and the case's ASB details ------------------------------------------


@member_required(*CASE_ROLES)
def case_household_add(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    member = request.membership
    search = request.GET.get("search", "").strip()
    visible = Household.objects.visible_to(member).exclude(case_links__case=case)
    matches = (
        visible.search(search).prefetch_related(
            Prefetch("members", queryset=HouseholdMember.objects.select_related("person"))
        )[:20]
        if search
        else Household.objects.none()
    )
    form = CaseHouseholdForm(form_data(request), matches=Household.objects.visible_to(member))
    if request.method == "POST" and form.is_valid():
        household = form.cleaned_data["household"]
        try:
            joined = services.case_household_add(
                case=case, household=household, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                (
                    ngettext(
                        "%(household)s is added to %(reference)s, with %(count)s of its members.",
                        "%(household)s is added to %(reference)s, with %(count)s of its members.",
                        len(joined),
                    )
                    if joined
                    else _("%(household)s is added to %(reference)s.")
                )
                % {"household": household.name, "reference": case.reference, "count": len(joined)},
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(
        request,
        "housing/case_household_add.html",
        {"case": case, "form": form, "search": search, "matches": matches},
    )


@member_required(*CASE_ROLES)
def case_housing_edit(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    details = CaseHousing.objects.filter(case=case).first() or CaseHousing(
        organisation_id=case.organisation_id, case=case
    )
    form = CaseHousingForm(form_data(request), instance=details)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CaseHousingForm.Meta.fields}
        try:
            services.case_housing_update(case=case, by=request.user, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The ASB case details are saved."))
            return redirect("cases:detail", case_pk=case.pk)
    return render(request, "housing/case_housing_form.html", {"case": case, "form": form})


# The organisation's homes -------------------------------------------------------------------


@member_required(Role.COORDINATOR)
def housing_settings(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    saved = HousingSettings.objects.filter(organisation=organisation).first()
    form = HousingSettingsForm(
        form_data(request), initial={"homes_owned": saved.homes_owned if saved else None}
    )
    if request.method == "POST" and form.is_valid():
        services.housing_settings_update(
            organisation=organisation, homes_owned=form.cleaned_data["homes_owned"], by=request.user
        )
        messages.success(request, _("The number of homes is saved."))
        return redirect("housing:settings")
    return render(request, "housing/housing_settings.html", {"form": form, "saved": saved})
