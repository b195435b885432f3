"""One JSON log line per request, and nothing personal in any log line; and the client's
address as a trusted proxy forwards it.

A request's line carries its id, method, path (never the query string, and never a
token from the path), status, duration, a keyed hash of the user's id and the id
of the membership they worked in: enough to follow one person's requests through
the logs without the logs naming anyone. Never names, e-mail addresses, query
strings, form values or bodies.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter

logger = logging.getLogger("amends.request")

# An id a proxy gave the request is kept when it looks like one; anything else is replaced.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEALTH_PATHS = ("/health/live", "/health/ready")


def user_hash(user_id: int) -> str:
    """The same user gives the same short hash in every line; the logs alone do not say who."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"log-user:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def loggable_path(request: HttpRequest) -> str:
    """The path, with any part the URL pattern takes as text (a token, a key) put as its name."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if not isinstance(value, int) and str(value) and str(value) in path:
                path = path.replace(str(value), f"<{name}>")
    return path


def use_forwarded_address(request: HttpRequest) -> None:
    """Behind a proxy named in TRUSTED_PROXIES, the client's address is the one it forwards.

    The audit log and lockout read REMOTE_ADDR; without this, behind a proxy every
    request would come from the proxy. Only a trusted proxy is believed, and only for
    the address it added itself (the rightmost not also a trusted proxy).
    """
    trusted = settings.TRUSTED_PROXIES
    if not trusted or not _within(_ip(request.META.get("REMOTE_ADDR", "")), trusted):
        return
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for address in reversed([_ip(a) for a in forwarded]):
        if not _within(address, trusted):
            if address is not None:
                request.META["REMOTE_ADDR"] = str(address)
            return


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _within(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None,
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> bool:
    return ip is not None and any(ip in network for network in networks)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        use_forwarded_address(request)
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if request.path not in HEALTH_PATHS:
            logger.info("request", extra=self._fields(request, response, started, request_id))
        return response

    @staticmethod
    def _fields(
        request: HttpRequest, response: HttpResponse, started: float, request_id: str
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "request_id": request_id,
            "method": request.method,
            "path": loggable_path(request),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            fields["user"] = user_hash(user.pk)
        membership = getattr(request, "membership", None)
        if membership is not None:
            fields["membership"] = membership.pk
        return fields


# The fields a log line may carry beyond its time, level, logger and message. Others that
# libraries attach (Django attaches the whole request to its error lines) are left out.
ALLOWED_FIELDS = frozenset(
    {"request_id", "method", "path", "status", "duration_ms", "user", "membership", "status_code"}
)


# The formatter as logging's dictConfig names it: Django's LOGGING and gunicorn's share it.
JSON_FORMATTER = {
    "()": "amends.core.request_log.PrivateJsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": True,
}


class PrivateJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, with only ALLOWED_FIELDS let through from `extra`."""

    BASE = frozenset({"timestamp", "level", "logger", "message", "exc_info", "stack_info"})

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for name in [n for n in log_data if n not in ALLOWED_FIELDS and n not in self.BASE]:
            del log_data[name]
