"""Keeping what someone typed when their session ends before they press save.

When a form is posted on a session that has just timed out, the fields (never
the CSRF token or a password) are kept in the new, signed-out session, keyed
to the page and to the person. After they sign in again, the page's view asks
`form_data(request)` and shows the form filled in, with a message that it is
not saved yet. Nothing is saved on their behalf: they check it and press save.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "amends_unsaved_form"
# Field names never kept: the CSRF token and anything that looks like a password.
DROPPED = ("csrfmiddlewaretoken",)
MAX_FIELDS = 200
MAX_VALUE_LENGTH = 10_000


def _csrf_ok(request: HttpRequest) -> bool:
    """Only input the person's own page posted is kept (no cross-site pre-filling)."""
    checker = CsrfViewMiddleware(_no_response)
    checker.process_request(request)
    return checker.process_view(request, _no_response, (), {}) is None


def _no_response(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError("only used to run the CSRF check")


def stash_unsaved_form(request: HttpRequest, *, user_pk: Any, fields: QueryDict) -> bool:
    """Keep `fields` posted to this page for `user_pk`, in request.session. True if kept."""
    if not _csrf_ok(request) or request.FILES:
        return False
    kept: dict[str, list[str]] = {}
    for name, values in list(fields.lists())[:MAX_FIELDS]:
        if name in DROPPED or "password" in name.lower():
            continue
        kept[name] = [value[:MAX_VALUE_LENGTH] for value in values]
    request.session[SESSION_KEY] = {"path": request.path, "user": user_pk, "fields": kept}
    return True


def form_data(request: HttpRequest) -> QueryDict | None:
    """The data to bind a page's form to: what was posted, or what was kept at a timeout.

    Use as `MyForm(form_data(request))` in place of `MyForm(request.POST or None)`.
    """
    if request.method == "POST":
        return request.POST
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path or kept.get("user") != request.user.pk:
        return None
    del request.session[SESSION_KEY]
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    messages.warning(
        request,
        _(
            "You were signed out before this was saved. We kept what you typed: "
            "check it and save it now."
        ),
    )
    return data
