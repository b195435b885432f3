"""The coordinator's pages for the wording of messages to people, and the calendar links that
e-mails sent through GOV.UK Notify carry in place of the calendar file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from amends.core.access import MemberRequest, member_required
from amends.core.forms_util import add_service_errors
from amends.core.models import Role
from amends.notify.forms import MessageTemplateForm
from amends.notify.messages import (
    DEFAULTS,
    PLACEHOLDERS,
    SAMPLE_LINK,
    fill,
    fill_secret,
    placeholder_problems,
    sample_values,
)
from amends.notify.models import MessageKind, MessageTemplate
from amends.notify.services import (
    calendar_link_file,
    message_template_reset,
    message_template_save,
)
from amends.people.models import MessageLanguage


@member_required(Role.COORDINATOR)
def message_templates(request: MemberRequest) -> HttpResponse:
    own = set(
        MessageTemplate.objects.filter(
            organisation_id=request.membership.organisation_id
        ).values_list("kind", "language")
    )
    rows = [
        {
            "kind": kind,
            "languages": [
                {"code": code, "label": label, "own": (kind.value, code) in own}
                for code, label in MessageLanguage.choices
            ],
        }
        for kind in MessageKind
    ]
    return render(request, "notify/message_templates.html", {"rows": rows})


@member_required(Role.COORDINATOR)
def message_template_edit(request: MemberRequest, kind: str, language: str) -> HttpResponse:
    if kind not in MessageKind.values or language not in MessageLanguage.values:
        raise Http404
    organisation = request.membership.organisation
    saved = MessageTemplate.objects.filter(
        organisation=organisation, kind=kind, language=language
    ).first()
    subject, body = (saved.subject, saved.body) if saved else DEFAULTS[(kind, language)]
    form = MessageTemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    preview = None
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "reset":
        message_template_reset(
            organisation=organisation, kind=kind, language=language, by=request.user
        )
        messages.success(request, _("The message uses the standard wording again."))
        return redirect("notify:edit", kind=kind, language=language)
    if request.method == "POST" and form.is_valid():
        if action == "preview":
            for field in ("subject", "body"):
                problems = placeholder_problems(kind, form.cleaned_data[field])
                if problems:
                    form.add_error(field, problems[0])
            if not form.errors:
                values = sample_values(kind, language, organisation.name, organisation.phone)
                secret = {"link": SAMPLE_LINK}
                preview = {
                    "subject": fill_secret(fill(form.cleaned_data["subject"], values), secret),
                    "body": fill_secret(fill(form.cleaned_data["body"], values), secret),
                }
        else:
            try:
                message_template_save(
                    organisation=organisation,
                    kind=kind,
                    language=language,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The message's wording is saved."))
                return redirect("notify:list")
    return render(
        request,
        "notify/message_template_edit.html",
        {
            "form": form,
            "kind": MessageKind(kind),
            "language": MessageLanguage(language),
            "placeholders": PLACEHOLDERS[kind],
            "preview": preview,
            "customised": saved is not None,
        },
    )


@require_GET
def calendar_link(request: HttpRequest, token: str) -> HttpResponse:
    """A meeting's calendar file, for someone following the link in their e-mail: no sign-in
    (a participant has no account), the unguessable token is the key. It gives the same file
    the e-mail would have carried as an attachment, and nothing more."""
    state, ics = calendar_link_file(token)
    if state == "file":
        response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
        name = "cancellation.ics" if "METHOD:CANCEL" in ics else "invitation.ics"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        response = render(
            request,
            "notify/calendar_link_unusable.html",
            {"cancelled": state == "cancelled"},
            status=410 if state == "cancelled" else 404,
        )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
