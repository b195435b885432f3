"""The organisation's audit log, for coordinators."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from amends.core.access import MemberRequest, member_required
from amends.core.audit import audit_record, client_ip
from amends.core.audit_log import AuditFilterForm, audit_csv_rows, audit_events_for, audit_rows
from amends.core.models import AuditAction, Role
from amends.core.pagination import BoundedPaginator
from amends.exports import services as exports
from amends.exports.models import Export, ExportKind, ExportStatus


def _asked(request: MemberRequest) -> dict[str, str]:
    return {k: str(v) for k, v in request.GET.items() if k != "page" and v}


def _filters(request: MemberRequest) -> tuple[AuditFilterForm, dict[str, object], str]:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query = urlencode(_asked(request))
    return form, filters, query


@member_required(Role.COORDINATOR)
def audit_log(request: MemberRequest) -> HttpResponse:
    form, filters, query = _filters(request)
    events = audit_events_for(request.membership, filters)
    page = BoundedPaginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page_obj": page,
            "rows": audit_rows(request.membership, page.object_list),
            "querystring_prefix": f"{query}&" if query else "",
            "export_query": query,
            # The member's own large exports of the log, made in the background.
            "exports": Export.objects.visible_to(request.membership)
            .filter(kind=ExportKind.AUDIT_LOG)
            .exclude(status=ExportStatus.EXPIRED)[:5],
        },
    )


@member_required(Role.COORDINATOR)
def audit_log_export(request: MemberRequest) -> HttpResponse:
    _form, filters, _query = _filters(request)
    member = request.membership
    stamp = timezone.localdate().isoformat()
    events = audit_events_for(member, filters)
    count = events.count()
    if exports.in_background(count):
        # Too many rows for one request: made on the queue, audited when it is downloaded.
        made = exports.export_ask(
            member=member,
            kind=ExportKind.AUDIT_LOG,
            parameters=_asked(request),
            file_name=f"audit-log-{stamp}.csv",
            row_count=count,
        )
        return redirect("exports:detail", export_pk=made.pk)
    audit_record(
        actor=request.user,
        organisation=member.organisation,
        action=AuditAction.EXPORT,
        record_type="auditevent",
        summary="Exported the audit log",
        ip_address=client_ip(request),
    )
    rows = audit_csv_rows(member, events.iterator(chunk_size=2000))
    response = StreamingHttpResponse(rows, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    # Streamed, so a large log never sits in memory; member_required types views as HttpResponse.
    return response  # type: ignore[return-value]
