"""The page of one large export: its progress, then the file, for the member who asked."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import client_ip
from amends.core.models import Role
from amends.exports import services
from amends.exports.kinds import KINDS
from amends.exports.models import Export


def _export(request: MemberRequest, export_pk: int) -> Export:
    # Only the member who asked sees an export: anyone else's, here or elsewhere, is a 404.
    return get_visible_or_404(Export, request.membership, pk=export_pk)


@member_required(Role.COORDINATOR)
def export_detail(request: MemberRequest, export_pk: int) -> HttpResponse:
    export = _export(request, export_pk)
    return render(
        request,
        "exports/export_detail.html",
        {
            "export": export,
            "kind": KINDS[export.kind],
            "ready": services.export_is_ready(export),
            "keep_days": settings.AMENDS_EXPORT_KEEP_DAYS,
        },
    )


@member_required(Role.COORDINATOR)
def export_progress(request: MemberRequest, export_pk: int) -> HttpResponse:
    """The progress bar alone, for the page to ask for again while the file is made."""
    export = _export(request, export_pk)
    if not request.htmx:  # type: ignore[attr-defined]  # opened as a page: show the whole page
        return redirect("exports:detail", export_pk=export.pk)
    response = render(request, "exports/progress.html", {"export": export})
    if not export.is_working or export.stalled:
        response["HX-Refresh"] = "true"  # finished (or stopped): show the whole page again
    return response


@member_required(Role.COORDINATOR)
def export_download(request: MemberRequest, export_pk: int) -> HttpResponse:
    export = _export(request, export_pk)
    if not services.export_is_ready(export):
        return redirect("exports:detail", export_pk=export.pk)
    services.export_downloaded(export=export, by=request.user, ip_address=client_ip(request))
    response = StreamingHttpResponse(
        services.export_content(export), content_type=KINDS[export.kind].content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]  # streamed, not an HttpResponse


@member_required(Role.COORDINATOR)
def export_again(request: MemberRequest, export_pk: int) -> HttpResponse:
    export = _export(request, export_pk)
    if request.method != "POST" or (export.is_working and not export.stalled):
        return redirect("exports:detail", export_pk=export.pk)
    again = services.export_ask_again(export=export, member=request.membership)
    messages.success(request, _("The file is being made again."))
    return redirect("exports:detail", export_pk=again.pk)
