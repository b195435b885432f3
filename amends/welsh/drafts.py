"""What a visitor had typed when they switched language, so the form comes back as they left it.

The language toggle on a page with a form submits that form to the switch view; the values
are kept in the visitor's session for the page they came from, and taken (once) when it is
shown again. Nothing is kept longer than that one return, or half an hour; and what people
type on these forms can be sensitive (what happened, how to reach them safely), so the draft
is encrypted in the session store, as personal fields are in the database.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, QueryDict

from amends.core.fields import decrypt, encrypt

SESSION_KEY = "amends_language_draft"
# Never carried over: the form's own security fields, which are made fresh for each showing.
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "website", "started", "next"})
MOST_FIELDS = 60
MOST_CHARACTERS = 30_000
MOST_SECONDS = 30 * 60


def draft_keep(request: HttpRequest, *, path: str, data: QueryDict) -> None:
    """Keep the values typed on `path`, within sensible bounds (a draft, not a store)."""
    values: dict[str, list[str]] = {}
    total = 0
    for name in list(data.keys())[:MOST_FIELDS]:
        if name in NOT_KEPT:
            continue
        kept = [value for value in data.getlist(name) if value]
        total += sum(len(value) for value in kept)
        if kept and total <= MOST_CHARACTERS:
            values[name] = kept
    if values:
        draft = {"path": path, "values": values, "at": time.time()}
        request.session[SESSION_KEY] = encrypt(json.dumps(draft))
    else:
        request.session.pop(SESSION_KEY, None)


def draft_take(request: HttpRequest) -> dict[str, Any]:
    """The values kept for this page, as a form's initial data; empty if there are none.
    Taking them removes them, so they fill the form once."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return {}
    try:
        draft = json.loads(decrypt(session.get(SESSION_KEY) or ""))
    except (ImproperlyConfigured, ValueError, TypeError):
        draft = {}
    if not isinstance(draft, dict) or time.time() - float(draft.get("at") or 0) > MOST_SECONDS:
        del session[SESSION_KEY]
        return {}
    if draft.get("path") != request.path:
        return {}
    del session[SESSION_KEY]
    return {
        name: values if len(values) > 1 else values[0]
        for name, values in (draft.get("values") or {}).items()
    }
