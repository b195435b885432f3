"""Errors as RFC 9457 problem details (`application/problem+json`), naming the field."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

CONTENT_TYPE = "application/problem+json"


class FieldProblem(Schema):
    field: str
    detail: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] = []


class ApiProblem(Exception):
    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:amends:problem:{problem.slug}",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
        "errors": problem.errors,
    }
    response = HttpResponse(json.dumps(body), status=problem.status, content_type=CONTENT_TYPE)
    for name, value in problem.headers.items():
        response[name] = value
    return response


def invalid(errors: list[dict[str, str]]) -> ApiProblem:
    """A refusal of what was sent, each problem at its field."""
    first = errors[0]["detail"] if errors else "Check what was sent"
    count = len(errors)
    return ApiProblem(
        422,
        "invalid",
        "What was sent has problems",
        first if count == 1 else f"{first}; and {count - 1} more problem(s), listed in errors",
        errors=errors,
    )
