"""The coordinator's pages for API keys: list, make (the key shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from amends.api import services
from amends.api.forms import ApiKeyForm
from amends.api.models import ApiKey
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.forms_util import add_service_errors
from amends.core.models import Role
from amends.core.unsaved import form_data


@member_required(Role.COORDINATOR)
def api_keys(request: MemberRequest) -> HttpResponse:
    keys = ApiKey.objects.visible_to(request.membership).select_related("created_by")
    return render(request, "api/api_keys.html", {"api_keys": keys})


@member_required(Role.COORDINATOR)
def api_key_new(request: MemberRequest) -> HttpResponse:
    form = ApiKeyForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.api_key_create(
                organisation=request.membership.organisation,
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown in this answer only (never stored or sent again; pages are not cached).
            return render(request, "api/api_key_made.html", {"made": made})
    return render(request, "api/api_key_form.html", {"form": form})


@member_required(Role.COORDINATOR)
def api_key_revoke(request: MemberRequest, apikey_pk: int) -> HttpResponse:
    api_key = get_visible_or_404(ApiKey, request.membership, pk=apikey_pk)
    error = ""
    if request.method == "POST":
        try:
            services.api_key_revoke(api_key=api_key, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                _("The key “%(name)s” is revoked: it works no more.") % {"name": api_key.name},
            )
            return redirect("api_keys:list")
    return render(request, "api/api_key_revoke.html", {"api_key": api_key, "error": error})
