from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from amends.cases.models import Party
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import client_ip
from amends.core.concurrency import EditConflict
from amends.core.forms_util import add_service_errors
from amends.core.models import Membership, Role
from amends.core.pagination import BoundedPaginator
from amends.core.unsaved import form_data
from amends.people import services
from amends.people.forms import IdentifierForm, PersonForm, PersonSearchForm
from amends.people.models import Person, PersonIdentifier
from amends.privacy.reveal import contact_revealed
from amends.referrals.models import Referral, ReferralPerson

PEOPLE_ROLES = (Role.COORDINATOR, Role.FACILITATOR)


def _person_fields(form: PersonForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in PersonForm.Meta.fields if name in form.fields}


@member_required(*PEOPLE_ROLES)
def person_list(request: MemberRequest) -> HttpResponse:
    member = request.membership
    form = PersonSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = (
        Person.objects.visible_to(member)
        .search(query)
        .prefetch_related("identifiers", _their_cases(member, "visible_parties"))
    )
    # Keys first: the name index holds the order and the search key, so a search finds the
    # page's 25 people in the index and reads only them.
    page = BoundedPaginator(people, 25, keys_first=True).get_page(request.GET.get("page"))
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "query": query,
            "page_obj": page,
            "querystring_prefix": f"q={query}&" if query else "",
        },
    )


def _their_cases(member: Membership, to_attr: str) -> Prefetch:
    """A person's parts in the cases this member may open, newest case first."""
    parties = (
        Party.objects.visible_to(member)
        .select_related("case")
        .order_by("-case__opened_on", "-case_id")
    )
    return Prefetch("parties", queryset=parties, to_attr=to_attr)


@member_required(Role.COORDINATOR)
def person_add(request: MemberRequest) -> HttpResponse:
    member = request.membership
    form = PersonForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                organisation=member.organisation,
                by=request.user,
                marked_child=form.cleaned_data["marked_child"],
                **_person_fields(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": person.full_name})
            return redirect("people:detail", person_pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@member_required(*PEOPLE_ROLES)
def person_detail(request: MemberRequest, person_pk: int) -> HttpResponse:
    member = request.membership
    person = get_visible_or_404(
        Person.objects.all().prefetch_related(_their_cases(member, "visible_parties")),
        member,
        pk=person_pk,
    )
    services.person_viewed(person=person, by=request.user, ip_address=client_ip(request))
    referrals = (
        ReferralPerson.objects.filter(
            person=person, referral__in=Referral.objects.visible_to(member)
        )
        .select_related("referral")
        .order_by("-referral__received_on", "-pk")
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "identifiers": person.identifiers.all(),
            "parties": person.visible_parties,
            "referrals": referrals,
        },
    )


@member_required(*PEOPLE_ROLES)
def person_edit(request: MemberRequest, person_pk: int) -> HttpResponse:
    member = request.membership
    person = get_visible_or_404(Person, member, pk=person_pk)
    if request.method == "GET" and not contact_revealed(request, person):
        # The form shows the contact details, so it opens only once they are revealed.
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('privacy:reveal_contact', args=[person.pk])}?{query}")
    form = PersonForm(form_data(request), instance=person)
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person,
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                marked_child=form.cleaned_data["marked_child"],
                **_person_fields(form),
            )
        except EditConflict as exc:
            # Show the saved record, with the refusal, so nothing is overwritten.
            form = PersonForm(instance=exc.current)
            conflict = exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s's details are saved.") % {"name": person.full_name}
            )
            return redirect("people:detail", person_pk=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "person": person, "conflict": conflict}
    )


@member_required(*PEOPLE_ROLES)
def identifier_add(request: MemberRequest, person_pk: int) -> HttpResponse:
    member = request.membership
    person = get_visible_or_404(Person, member, pk=person_pk)
    form = IdentifierForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            identifier = services.person_identifier_add(
                person=person,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(kind)s %(value)s is added.")
                % {"kind": identifier.get_kind_display(), "value": identifier.value},
            )
            return redirect("people:detail", person_pk=person.pk)
    return render(request, "people/identifier_form.html", {"form": form, "person": person})


@member_required(*PEOPLE_ROLES)
def identifier_remove(
    request: MemberRequest, person_pk: int, person_identifier_pk: int
) -> HttpResponse:
    member = request.membership
    person = get_visible_or_404(Person, member, pk=person_pk)
    identifier = get_visible_or_404(
        PersonIdentifier, member, pk=person_identifier_pk, person=person
    )
    if request.method == "POST":
        services.person_identifier_remove(identifier=identifier, by=request.user)
        messages.success(
            request,
            _("%(kind)s %(value)s is removed.")
            % {"kind": identifier.get_kind_display(), "value": identifier.value},
        )
        return redirect("people:detail", person_pk=person.pk)
    return render(
        request, "people/identifier_remove.html", {"person": person, "identifier": identifier}
    )
