from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from amends.home.crossing import membership_that_opens


class RecordElsewhereMiddleware:
    """A 404 for a record the user could open in their other organisation offers to switch
    (amends/home/crossing.py). Every other 404 is left to Django's own page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Http404):
            return None
        switch_to = membership_that_opens(request)
        if switch_to is None:
            return None
        return render(
            request,
            "home/record_elsewhere.html",
            {"switch_to": switch_to, "next": request.get_full_path()},
            status=404,
        )
