"""Putting a service's refusal back on the form that caused it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

T = TypeVar("T")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Each message at its field where the service named one, otherwise at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def form_submit(form: Any, do: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate the form and call the service; its refusals go back on the form, at the field."""
    if not form.is_valid():
        return None
    try:
        return do(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def confirm_then(
    request: HttpRequest,
    *,
    do: Callable[[], object],
    done: str,
    next_url: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A page asking "are you sure?"; on POST, do it, or show why it was refused."""
    error = ""
    if request.method == "POST":
        try:
            do()
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, done)
            return redirect(next_url)
    return render(request, "core/confirm.html", {**context, "error": error})
