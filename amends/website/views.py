"""The public website (no sign-in) and the pages its staff run it from."""

from __future__ import annotations

from typing import Any

from allauth.core import ratelimit
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from amends.core.access import AuthedRequest, MemberRequest, get_visible_or_404, member_required
from amends.core.concurrency import EditConflict, versioned_initial
from amends.core.forms_util import add_service_errors
from amends.core.models import Role, Sector
from amends.website import services
from amends.website.access import is_owner_coordinator, site_staff_required
from amends.website.content import contrast, darker, render_markdown
from amends.website.forms import (
    BrandForm,
    ContactDetailsForm,
    EnquiryForm,
    EnquiryStatusForm,
    HelpRequestForm,
    LogoForm,
    NoteForm,
    PageForm,
    RouteForm,
    RoutingRuleForm,
    SpamGuardForm,
)
from amends.website.models import (
    EnquiryStatus,
    HelpRequest,
    Page,
    PageKind,
    RequestStatus,
    RoutingRule,
    TrainingEnquiry,
)
from amends.welsh.drafts import draft_take
from amends.welsh.languages import request_language

RATE_LIMITED_MESSAGE = "rate limited"


# Public ---------------------------------------------------------------------------------


def _published(queryset: Any) -> Any:
    # The Welsh text comes with the page: Welsh visitors read it (amends.welsh).
    return queryset.filter(published__isnull=False).select_related("published", "welsh")


def home(request: HttpRequest) -> HttpResponse:
    """The public home page; signed-in people go on to their own home, as before."""
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    pages = list(_published(Page.objects.filter(kind__in=[PageKind.HOME, PageKind.PROGRAMME])))
    home_page = next((p for p in pages if p.kind == PageKind.HOME), None)
    programmes = [p for p in pages if p.kind == PageKind.PROGRAMME]
    return render(request, "website/home.html", {"page": home_page, "programmes": programmes})


def page(request: HttpRequest, page_slug: str) -> HttpResponse:
    found = get_object_or_404(_published(Page.objects.exclude(kind=PageKind.HOME)), slug=page_slug)
    return render(request, "website/page.html", {"page": found})


def programme(request: HttpRequest, sector: str) -> HttpResponse:
    if sector not in Sector.values:
        raise Http404
    found = get_object_or_404(
        _published(Page.objects.filter(kind=PageKind.PROGRAMME)), sector=sector
    )
    return render(request, "website/programme.html", {"page": found})


def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "website/contact.html")


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    if request.method == "POST" and not ratelimit.consume(request, action="website_form"):
        return render(request, "website/too_many.html", status=429)
    return None


def _spam_refused(form: SpamGuardForm) -> None:
    """A refusal by the spam guards: the form comes back as it was, with a kind word and a
    fresh start time, so a person can simply send it again."""
    form.fresh_start()


def enquiry_new(request: HttpRequest) -> HttpResponse:
    if (limited := _rate_limited(request)) is not None:
        return limited
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_valid():
            try:
                services.enquiry_create(**form.enquiry_fields())
            except services.NoOwner:
                return render(request, "website/unavailable.html", status=503)
            return redirect("website:enquiry_sent")
        _spam_refused(form)
    else:
        chosen = request.GET.get("programme", "")
        initial = {"programme": chosen} if chosen in Sector.values else {}
        # What was typed before switching language comes back (amends.welsh.drafts).
        form = EnquiryForm(initial={**initial, **draft_take(request)})
    return render(request, "website/enquiry_form.html", {"form": form})


@require_GET
def enquiry_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "website/enquiry_sent.html")


def request_new(request: HttpRequest) -> HttpResponse:
    if (limited := _rate_limited(request)) is not None:
        return limited
    if request.method == "POST":
        form = HelpRequestForm(request.POST)
        if form.is_valid():
            try:
                # The language the request was made in: the person's letters and messages.
                services.help_request_submit(
                    data={**form.request_data(), "message_language": request_language(request)}
                )
            except services.NoOwner:
                return render(request, "website/unavailable.html", status=503)
            return redirect("website:request_sent")
        _spam_refused(form)
    else:
        form = HelpRequestForm(initial=draft_take(request))
    return render(request, "website/request_form.html", {"form": form})


@require_GET
def request_sent(request: HttpRequest) -> HttpResponse:
    # The same page for everyone, whatever was sent: it confirms nothing and echoes nothing.
    return render(request, "website/request_sent.html")


@require_GET
def brand_css(request: HttpRequest) -> HttpResponse:
    site = services.site_settings()
    context = {
        "header": site.header_colour,
        "header_dark": darker(site.header_colour),
        "link": site.link_colour,
        "link_dark": darker(site.link_colour),
        # A hover colour that stays readable: darker still.
        "link_hover": darker(site.link_colour, 0.8),
    }
    response = render(request, "website/brand.css", context, content_type="text/css")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def logo(request: HttpRequest) -> HttpResponse:
    site = services.site_settings()
    if not site.logo:
        raise Http404
    response = HttpResponse(bytes(site.logo), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Staff: site-wide content -------------------------------------------------------------


@site_staff_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    context: dict[str, Any] = {"pages": Page.objects.select_related("published")}
    member = request.membership
    if member is not None and is_owner_coordinator(member):
        context["enquiry_counts"] = TrainingEnquiry.objects.visible_to(member).aggregate(
            new=Count("pk", filter=Q(status=EnquiryStatus.NEW)),
            unsent=Count("pk", filter=~Q(mail_state="sent")),
        )
        context["waiting_requests"] = (
            HelpRequest.objects.visible_to(member).filter(status=RequestStatus.WAITING).count()
        )
    return render(request, "website/staff/dashboard.html", context)


@site_staff_required
def page_edit(request: AuthedRequest, page_slug: str) -> HttpResponse:
    found = get_object_or_404(Page.objects.select_related("published"), slug=page_slug)
    preview = ""
    conflict = None
    if request.method == "POST":
        form = PageForm(request.POST)
        action = request.POST.get("action", "save")
        if form.is_valid():
            data = form.cleaned_data
            fields = {"title": data["title"], "summary": data["summary"], "body": data["body"]}
            try:
                if action == "preview":
                    preview = render_markdown(data["body"])
                elif action == "publish":
                    version = services.page_publish(
                        page=found, by=request.user, loaded_version=data["version"], **fields
                    )
                    messages.success(
                        request,
                        _("Version %(number)s of “%(title)s” is published.")
                        % {"number": version.number, "title": version.title},
                    )
                    return redirect("website:page_edit", page_slug=found.slug)
                else:
                    services.page_save_draft(
                        page=found, by=request.user, loaded_version=data["version"], **fields
                    )
                    messages.success(
                        request,
                        _("The draft is saved. The public still sees the published version."),
                    )
                    return redirect("website:page_edit", page_slug=found.slug)
            except EditConflict as exc:
                found = Page.objects.select_related("published").get(pk=found.pk)
                form = _page_form(found)
                conflict = exc
            except ValidationError as exc:
                add_service_errors(form, exc)
    else:
        form = _page_form(found)
    return render(
        request,
        "website/staff/page_edit.html",
        {"page": found, "form": form, "preview": preview, "conflict": conflict},
    )


def _page_form(found: Page) -> PageForm:
    form = PageForm(
        initial={
            "title": found.draft_title,
            "summary": found.draft_summary,
            "body": found.draft_body,
        }
    )
    versioned_initial(form, found)
    return form


@site_staff_required
def page_history(request: AuthedRequest, page_slug: str) -> HttpResponse:
    found = get_object_or_404(Page.objects.select_related("published"), slug=page_slug)
    versions = found.versions.select_related("published_by").defer("body", "html")
    return render(request, "website/staff/page_history.html", {"page": found, "versions": versions})


@site_staff_required
def page_version(request: AuthedRequest, page_slug: str, number: int) -> HttpResponse:
    found = get_object_or_404(Page.objects.select_related("published"), slug=page_slug)
    version = get_object_or_404(found.versions.select_related("published_by"), number=number)
    if request.method == "POST":
        restored = services.page_restore(page=found, number=number, by=request.user)
        messages.success(
            request,
            _("Version %(number)s is published again, as version %(restored)s.")
            % {"number": number, "restored": restored.number},
        )
        return redirect("website:page_history", page_slug=found.slug)
    return render(request, "website/staff/page_version.html", {"page": found, "version": version})


def _settings_page(
    request: AuthedRequest, form_class: type[Any], template: str, done: str, **extra: Any
) -> HttpResponse:
    """Edit part of the site's settings: a form of its fields, saved with its version."""
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.settings_update(by=request.user, loaded_version=version, **data)
            except EditConflict as exc:
                conflict = exc
                form = _settings_form(form_class, services.site_settings())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect(request.path)
    else:
        form = _settings_form(form_class, services.site_settings())
    return render(request, template, {"form": form, "conflict": conflict, **extra})


@site_staff_required
def brand(request: AuthedRequest) -> HttpResponse:
    return _settings_page(
        request,
        BrandForm,
        "website/staff/brand.html",
        _("The brand is saved and shows on the public site now."),
        logo_form=LogoForm(),
        contrast=_contrasts(services.site_settings()),
    )


def _contrasts(site: Any) -> dict[str, str]:
    return {
        "header": f"{contrast(site.header_colour, '#ffffff'):.1f}",
        "link": f"{contrast(site.link_colour, '#ffffff'):.1f}",
    }


def _settings_form(form_class: type[Any], site: Any) -> Any:
    fields = [name for name in form_class.base_fields if name != "version"]
    form = form_class(initial={name: getattr(site, name) for name in fields})
    versioned_initial(form, site)
    return form


@site_staff_required
@require_POST
def logo_upload(request: AuthedRequest) -> HttpResponse:
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        services.logo_set(by=request.user, png=form.cleaned_data["logo"])
        messages.success(request, _("The logo is saved and shows on the public site now."))
        return redirect("website:brand")
    site = services.site_settings()
    return render(
        request,
        "website/staff/brand.html",
        {"form": _settings_form(BrandForm, site), "logo_form": form, "contrast": _contrasts(site)},
    )


@site_staff_required
@require_POST
def logo_remove(request: AuthedRequest) -> HttpResponse:
    services.logo_remove(by=request.user)
    messages.success(request, _("The logo is removed: the site shows the consultancy's name."))
    return redirect("website:brand")


@site_staff_required
def contact_details(request: AuthedRequest) -> HttpResponse:
    return _settings_page(
        request,
        ContactDetailsForm,
        "website/staff/contact_details.html",
        _("The contact details are saved."),
    )


@site_staff_required
def routing(request: AuthedRequest) -> HttpResponse:
    form = RoutingRuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.routing_rule_add(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The rule is added."))
            return redirect("website:routing")
    rules = RoutingRule.objects.select_related("target")
    return render(request, "website/staff/routing.html", {"form": form, "rules": rules})


@site_staff_required
@require_POST
def routing_remove(request: AuthedRequest) -> HttpResponse:
    rule_id = request.POST.get("rule", "")
    rule = get_object_or_404(
        RoutingRule.objects.select_related("target"), pk=int(rule_id) if rule_id.isdigit() else 0
    )
    services.routing_rule_remove(rule=rule, by=request.user)
    messages.success(
        request,
        _("The rule sending requests to %(name)s is removed.") % {"name": rule.target.name},
    )
    return redirect("website:routing")


# Staff: the website's records (its owner's, like any organisation's records) -------------


@member_required(Role.COORDINATOR)
def enquiries(request: MemberRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    found = TrainingEnquiry.objects.visible_to(request.membership).for_queue()
    if status in EnquiryStatus.values:
        found = found.filter(status=status)
    page_obj = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "website/staff/enquiries.html",
        {"page_obj": page_obj, "status": status, "statuses": EnquiryStatus.choices,
         "querystring_prefix": f"status={status}&" if status else ""},
    )  # fmt: skip


def _enquiry_page(
    request: MemberRequest, enquiry: TrainingEnquiry, status_form: Any = None, note_form: Any = None
) -> HttpResponse:
    return render(
        request,
        "website/staff/enquiry.html",
        {
            "enquiry": enquiry,
            "notes": enquiry.notes.select_related("created_by"),
            "status_form": status_form or EnquiryStatusForm(initial={"status": enquiry.status}),
            "note_form": note_form or NoteForm(),
        },
    )


@member_required(Role.COORDINATOR)
def enquiry(request: MemberRequest, trainingenquiry_pk: int) -> HttpResponse:
    found = get_visible_or_404(TrainingEnquiry, request.membership, pk=trainingenquiry_pk)
    return _enquiry_page(request, found)


@member_required(Role.COORDINATOR)
def enquiry_status(request: MemberRequest, trainingenquiry_pk: int) -> HttpResponse:
    found = get_visible_or_404(TrainingEnquiry, request.membership, pk=trainingenquiry_pk)
    if request.method != "POST":
        return redirect("website:enquiry", trainingenquiry_pk=found.pk)
    form = EnquiryStatusForm(request.POST)
    if form.is_valid():
        services.enquiry_set_status(enquiry=found, by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("The enquiry is marked %(status)s.") % {"status": form.cleaned_data["status"]},
        )
        return redirect("website:enquiry", trainingenquiry_pk=found.pk)
    return _enquiry_page(request, found, status_form=form)


@member_required(Role.COORDINATOR)
def enquiry_note(request: MemberRequest, trainingenquiry_pk: int) -> HttpResponse:
    found = get_visible_or_404(TrainingEnquiry, request.membership, pk=trainingenquiry_pk)
    if request.method != "POST":
        return redirect("website:enquiry", trainingenquiry_pk=found.pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.enquiry_note_add(enquiry=found, by=request.user, **form.cleaned_data)
        messages.success(request, _("The note is added."))
        return redirect("website:enquiry", trainingenquiry_pk=found.pk)
    return _enquiry_page(request, found, note_form=form)


@member_required(Role.COORDINATOR)
def help_requests(request: MemberRequest) -> HttpResponse:
    found = HelpRequest.objects.visible_to(request.membership)
    waiting = found.filter(status=RequestStatus.WAITING).order_by("created_at", "pk")
    recent = found.exclude(status=RequestStatus.WAITING).select_related("routed_to")
    return render(
        request,
        "website/staff/requests.html",
        {"waiting": waiting, "recent": recent.order_by("-routed_at", "-pk")[:25]},
    )


@member_required(Role.COORDINATOR)
def help_request(request: MemberRequest, helprequest_pk: int) -> HttpResponse:
    found = get_visible_or_404(
        HelpRequest.objects.select_related("routed_to"), request.membership, pk=helprequest_pk
    )
    form = RouteForm(
        request.POST if request.method == "POST" else None,
        initial={"sector": found.sector} if found.sector else None,
    )
    if request.method == "POST" and found.status == RequestStatus.WAITING:
        if request.POST.get("action") == "close":
            services.help_request_close(request=found, by=request.user)
            messages.success(
                request, _("The request is closed, and what the person wrote is erased.")
            )
            return redirect("website:requests")
        if form.is_valid():
            try:
                services.help_request_route(request=found, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The request is sent to %(name)s as a self-referral, and erased from this queue."
                    )
                    % {"name": form.cleaned_data["organisation"].name},
                )
                return redirect("website:requests")
    return render(
        request,
        "website/staff/request.html",
        {"help_request": found, "details": services.help_request_details(found), "form": form},
    )
