from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from amends.core.audit import audit_record, client_ip
from amends.core.models import AuditAction


class ApiCallAuditMiddleware:
    """Every call made with a known API key goes in its organisation's audit log: the key,
    the method and path (ids, never personal data) and the answer's status. Calls refused by
    the rate limit are not written, so a runaway client cannot flood the log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "api_key", None)
        if key is not None and response.status_code != 429:
            audit_record(
                actor=None,
                actor_label=f"API key {key.prefix}",
                action=AuditAction.VIEW
                if request.method in ("GET", "HEAD")
                else AuditAction.CREATE,
                organisation=key.organisation,
                record=key,
                summary=f"API call {request.method} {request.path} answered {response.status_code}",
                ip_address=client_ip(request),
            )
        return response
