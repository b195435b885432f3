"""The organisation's audit log, for coordinators."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from amends.core.access import MemberRequest, member_required
from amends.core.audit import audit_record, client_ip
from amends.core.audit_log import AuditFilterForm, audit_csv_rows, audit_events_for, audit_rows
from amends.core.models import AuditAction, Role
from amends.core.pagination import BoundedPaginator


def _filters(request: MemberRequest) -> tuple[AuditFilterForm, dict[str, object], str]:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
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
        },
    )


@member_required(Role.COORDINATOR)
def audit_log_export(request: MemberRequest) -> HttpResponse:
    _form, filters, _query = _filters(request)
    member = request.membership
    audit_record(
        actor=request.user,
        organisation=member.organisation,
        action=AuditAction.EXPORT,
        record_type="auditevent",
        summary="Exported the audit log",
        ip_address=client_ip(request),
    )
    events = audit_events_for(member, filters).iterator(chunk_size=2000)
    response = StreamingHttpResponse(audit_csv_rows(member, events), content_type="text/csv")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    # Streamed, so a large log never sits in memory; member_required types views as HttpResponse.
    return response  # type: ignore[return-value]
