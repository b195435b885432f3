from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from amends.cases.views import CASE_ROLES, _case, closed_case_page
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import client_ip
from amends.core.forms_util import add_service_errors
from amends.core.unsaved import form_data
from amends.documents import services
from amends.documents.forms import PREFIX, DocumentForm
from amends.documents.models import Document


def _document(request: MemberRequest, case_pk: int, document_pk: int) -> Document:
    case = _case(request, case_pk)
    return get_visible_or_404(
        Document.objects.select_related("case__organisation"),
        request.membership,
        pk=document_pk,
        case=case,
    )


@member_required(*CASE_ROLES)
def document_add(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    form = DocumentForm(form_data(request), request.FILES or None, case=case, prefix=PREFIX)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_add(
                case=case,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                party=form.cleaned_data["party"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("“%(title)s” is added.") % {"title": form.cleaned_data["title"]}
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(request, "documents/document_add.html", {"case": case, "form": form})


@member_required(*CASE_ROLES)
def document_download(request: MemberRequest, case_pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, case_pk, document_pk)
    try:
        handle = document.path.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    services.document_downloaded(document=document, by=request.user, ip_address=client_ip(request))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(document.title) or 'document'}.{document.extension}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]  # streamed, not an HttpResponse


@member_required(*CASE_ROLES)
def document_remove(request: MemberRequest, case_pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, case_pk, document_pk)
    if document.case.is_closed:
        return closed_case_page(request, document.case)
    error = ""
    if request.method == "POST":
        try:
            services.document_remove(document=document, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("“%(title)s” is removed.") % {"title": document.title})
            return redirect("cases:detail", case_pk=case_pk)
    return render(
        request,
        "documents/document_remove.html",
        {"case": document.case, "document": document, "error": error},
    )
