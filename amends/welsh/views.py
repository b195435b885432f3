"""The language toggle: switch between English and Cymraeg and come back to the same page,
with whatever had been typed there."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amends.core.access import AuthedRequest
from amends.website.access import site_staff_required
from amends.website.models import Page
from amends.welsh.drafts import draft_keep
from amends.welsh.forms import WelshPageForm
from amends.welsh.models import WelshPage
from amends.welsh.services import welsh_page_save

# Pages whose form is sent by GET (nothing is changed by sending it): typed values come to the
# switch as a query string. Any other page's values come by POST, with the CSRF check.
GET_FORM_PAGES = frozenset({"training:certificate_check"})


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if (
        candidate.startswith("/")
        and not candidate.startswith("//")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return "/"


def _view_name(path: str) -> str:
    try:
        return resolve(path.split("?", 1)[0]).view_name
    except Resolver404:
        return ""


@require_http_methods(["GET", "POST"])
def switch(request: HttpRequest, code: str) -> HttpResponse:
    if code not in dict(settings.LANGUAGES):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    back = _safe_next(request, data.get("next", ""))
    path = back.split("?", 1)[0]
    if request.method == "POST" or _view_name(back) in GET_FORM_PAGES:
        draft_keep(request, path=path, data=data)
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@site_staff_required
def page_welsh(request: AuthedRequest, page_slug: str) -> HttpResponse:
    """The Welsh text of one of the website's pages, beside its published English."""
    found = get_object_or_404(Page.objects.select_related("published", "welsh"), slug=page_slug)
    try:
        welsh: WelshPage | None = found.welsh
    except ObjectDoesNotExist:
        welsh = None
    if request.method == "POST":
        form = WelshPageForm(request.POST)
        if form.is_valid():
            saved = welsh_page_save(page=found, by=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("The Welsh text is saved. Welsh readers see it now.")
                if saved.is_written
                else _("The Welsh text is taken down. Welsh readers see the English, with a note."),
            )
            return redirect("welsh:page_welsh", page_slug=found.slug)
    else:
        form = WelshPageForm(
            initial={"title": welsh.title, "summary": welsh.summary, "body": welsh.body}
            if welsh
            else None
        )
    return render(request, "welsh/page_welsh.html", {"page": found, "welsh": welsh, "form": form})
