from __future__ import annotations

import json

from allauth.mfa.base.forms import ReauthenticateForm
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import audit_record, client_ip
from amends.core.forms_util import add_service_errors
from amends.core.models import AuditAction, Role
from amends.core.unsaved import form_data
from amends.people.models import Person
from amends.people.views import PEOPLE_ROLES
from amends.privacy import services
from amends.privacy.export import subject_access_data, subject_access_pdf
from amends.privacy.forms import ErasureForm
from amends.privacy.reveal import (
    contact_reveal,
    second_factor_is_recent,
    second_factor_proved_again,
)


def _next(request: MemberRequest, person: Person) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("people:detail", kwargs={"person_pk": person.pk})


@member_required(*PEOPLE_ROLES)
def reveal_contact(request: MemberRequest, person_pk: int) -> HttpResponse:
    """Show a person's contact details, after the second factor if it is not recent."""
    person = get_visible_or_404(Person, request.membership, pk=person_pk)
    next_url = _next(request, person)
    posted_code = request.method == "POST" and "code" in request.POST
    if request.method == "POST" and not posted_code and second_factor_is_recent(request):
        contact_reveal(request, person=person)
        return redirect(next_url)
    form = ReauthenticateForm(request.POST if posted_code else None, user=request.user)
    if posted_code and form.is_valid():
        form.save()
        second_factor_proved_again(request)
        contact_reveal(request, person=person)
        return redirect(next_url)
    return render(
        request, "privacy/reveal.html", {"person": person, "form": form, "next": next_url}
    )


@member_required(Role.COORDINATOR)
def subject_access(request: MemberRequest, person_pk: int) -> HttpResponse:
    """The person's page for their rights: export what is held, or erase it."""
    person = get_visible_or_404(Person, request.membership, pk=person_pk)
    form = ErasureForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(
                person=person,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Their data is erased: the record is anonymised."))
            return redirect("people:detail", person_pk=person.pk)
    return render(
        request,
        "privacy/subject_access.html",
        {"person": person, "form": form, "refusals": services.erasure_refusals(person)},
    )


@member_required(Role.COORDINATOR)
def subject_access_export(request: MemberRequest, person_pk: int, fmt: str) -> HttpResponse:
    person = get_visible_or_404(Person, request.membership, pk=person_pk)
    data = subject_access_data(person)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        organisation=person.organisation,
        record=person,
        summary=f"Exported everything held (subject access, {fmt.upper()})",
        ip_address=client_ip(request),
    )
    if fmt == "pdf":
        response = HttpResponse(subject_access_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json",
        )
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.{fmt}"'
    return response
