"""Generated input to every form page: never a server error, never half a save.

Each URL of the project whose page shows a form (found by the walk in
test_isolation.py) gets posted random text, numbers, dates and valid or
invalid choices for its fields, as the organisation's coordinator. The answer
must not be a 500; and when the form is refused (the page comes back, 200),
no record in the database was added, removed or changed.
"""

from __future__ import annotations

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amends.core.models import AuditEvent
from tests.test_access_matrix import URLS
from tests.test_isolation import build_objects

# Tables a refused form may still write to: the audit of who viewed the page, and sessions.
ALLOWED_TO_CHANGE = {AuditEvent}

ANY_VALUE = st.one_of(
    st.text(max_size=80),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", " ", "0", "-1", "31", "2", "1999", "on", "true", "\x00", "<script>"]),
)


def field_strategies(form: forms.BaseForm) -> dict[str, st.SearchStrategy[str]]:
    """A strategy for every input name the form renders (split dates have three)."""
    strategies: dict[str, st.SearchStrategy[str]] = {}
    for bound in form:
        if isinstance(bound.field, forms.FileField):
            continue
        values = ANY_VALUE
        choices = [str(value) for value, _ in getattr(bound.field, "choices", []) if value != ""]
        if choices:
            values = st.one_of(st.sampled_from(choices), ANY_VALUE)
        if bound.name == "version":
            values = st.one_of(st.just(str(bound.value() or "")), ANY_VALUE)
        for name in {sub.data["name"] for sub in bound.subwidgets} or {bound.html_name}:
            strategies[name] = values
    return strategies


def snapshot() -> dict[str, list[tuple]]:
    state = {}
    for model in apps.get_models():
        if model in ALLOWED_TO_CHANGE or model._meta.app_label in {"sessions", "axes"}:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "updated_at"]
        state[model._meta.label] = sorted(model._default_manager.values_list(*fields), key=repr)
    return state


def form_pages():
    return [(name, kwargs) for name, kwargs in URLS if not name.startswith("core:platform")]


@pytest.mark.parametrize(("url_name", "kwargs"), form_pages(), ids=[n for n, _ in form_pages()])
def test_generated_input_never_breaks_a_form(url_name, kwargs, org, alice, as_alice, bob):
    objects = build_objects(org, list(kwargs))
    for obj in objects.values():
        case = obj if obj._meta.model_name == "case" else getattr(obj, "case", None)
        if case is not None:
            case.lead_facilitator = bob
            case.save()
    url = reverse(url_name, kwargs={k: obj.pk for k, obj in objects.items()})
    page = as_alice.get(url)
    form = page.context.get("form") if page.status_code == 200 and page.context else None
    if not isinstance(form, forms.BaseForm) or not field_strategies(form):
        # No form on the page (a download, a confirmation, a list): a bare post is refused cleanly.
        before = snapshot()
        response = as_alice.post(url, {"anything": "\x00<script>"})
        assert response.status_code < 500
        if response.status_code == 200:
            assert snapshot() == before
        return

    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(field_strategies(form)))
    def post(data):
        before = snapshot()
        response = as_alice.post(url, data)
        assert response.status_code < 500, f"{url_name} failed on {data!r}"
        if response.status_code == 200:
            assert snapshot() == before, f"{url_name} refused {data!r} but changed the database"

    post()
