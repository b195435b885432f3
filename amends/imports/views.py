"""A coordinator's imports: upload, match columns, preview every problem, save all or nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.fields import fernet
from amends.core.models import Role
from amends.core.vocabulary import Words, current_words
from amends.imports import services
from amends.imports.forms import MappingForm, SaveForm, UploadForm
from amends.imports.kinds import KINDS, kinds_for
from amends.imports.models import Import, ImportKind, ImportStatus
from amends.imports.reading import UnreadableFile, rows_of
from amends.people.models import Person

PROBLEM_ROWS_PER_PAGE = 50
PREVIEW_ROWS = 10


def kind_label(kind: str, words: Words) -> str:
    """What a kind of import is called in the organisation's words (a school's: pupils)."""
    if kind == ImportKind.PEOPLE:
        return words.cap(words.participants)
    return str(ImportKind(kind).label)


def _lower_first(label: str) -> str:
    """ "Unique pupil number (UPN)" as it reads mid-sentence: the first letter only."""
    return label[:1].lower() + label[1:]


def _columns(upload: Import) -> list[Any]:
    return KINDS[upload.kind].columns_for(upload.organisation, current_words())


@member_required(Role.COORDINATOR)
def imports(request: MemberRequest) -> HttpResponse:
    words = current_words()
    page = Paginator(
        Import.objects.visible_to(request.membership)
        .defer("content", "problems", "duplicates")
        .select_related("created_by"),
        25,
    ).get_page(request.GET.get("page"))
    for upload in page:
        upload.label = kind_label(upload.kind, words)
    offered = [
        {"kind": kind, "label": kind_label(kind, words)}
        for kind in kinds_for(request.membership.organisation)
    ]
    return render(request, "imports/imports.html", {"page_obj": page, "offered": offered})


@member_required(Role.COORDINATOR)
def import_new(request: MemberRequest, kind: str) -> HttpResponse:
    if kind not in kinds_for(request.membership.organisation):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            made = services.import_upload(
                organisation=request.membership.organisation,
                by=request.user,
                kind=kind,
                file_name=upload.name or "",
                content=upload.read(),
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        else:
            return redirect("imports:columns", import_pk=made.pk)
    label = kind_label(kind, current_words())
    return render(
        request,
        "imports/import_new.html",
        {
            "form": form,
            "kind": kind,
            "label": label,
            "columns": KINDS[kind].columns_for(request.membership.organisation, current_words()),
        },
    )


@member_required(Role.COORDINATOR)
def import_columns(request: MemberRequest, import_pk: int) -> HttpResponse:
    upload = get_visible_or_404(Import, request.membership, pk=import_pk)
    if upload.is_working or upload.status == ImportStatus.SAVED:
        return redirect("imports:detail", import_pk=upload.pk)
    columns = _columns(upload)
    form = MappingForm(
        request.POST or None,
        columns=columns,
        headers=upload.headers,
        initial=upload.mapping or services.suggested_mapping(upload),
    )
    if request.method == "POST" and form.is_valid():
        try:
            mapped = services.import_map(upload=upload, by=request.user, mapping=form.cleaned_data)
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        else:
            services.import_continue(upload=mapped, by=request.user)
            return redirect("imports:detail", import_pk=upload.pk)
    return render(
        request,
        "imports/import_columns.html",
        {"form": form, "upload": upload, "label": kind_label(upload.kind, current_words())},
    )


def _preview_rows(upload: Import, columns: list[Any]) -> list[list[str]]:
    """The first rows of the file, in the columns matched, as a check of the matching."""
    try:
        content = fernet().decrypt(bytes(upload.content))
    except Exception:
        return []
    index = {heading: n for n, heading in enumerate(upload.headers)}
    wanted = [index.get(upload.mapping.get(c.field, ""), -1) for c in columns]
    rows = []
    try:
        for number, cells in rows_of(content):
            if number == 1:
                continue
            rows.append([str(number)] + [cells[i] if 0 <= i < len(cells) else "" for i in wanted])
            if len(rows) >= PREVIEW_ROWS:
                break
    except UnreadableFile:
        return []
    return rows


def _duplicates(request: MemberRequest, upload: Import) -> list[dict[str, Any]]:
    """The rows that may be someone already recorded, with the people they may be."""
    pks = {pk for d in upload.duplicates for pk, _ in d["matches"]}
    people = Person.objects.visible_to(request.membership).in_bulk(list(pks)[:1000])
    shown = []
    for found in upload.duplicates[:200]:
        matches = [
            {"person": people[pk], "why": why} for pk, why in found["matches"] if pk in people
        ]
        if matches:
            shown.append({"row": found["row"], "name": found["name"], "matches": matches})
    return shown


def _ready(
    request: MemberRequest, upload: Import, columns: list[Any], form: SaveForm
) -> dict[str, Any]:
    return {
        "preview": _preview_rows(upload, columns),
        "duplicates": _duplicates(request, upload),
        "save_form": form,
    }


@member_required(Role.COORDINATOR)
def import_detail(request: MemberRequest, import_pk: int) -> HttpResponse:
    upload = get_visible_or_404(
        Import.objects.select_related("created_by"), request.membership, pk=import_pk
    )
    words = current_words()
    columns = [c for c in _columns(upload) if c.field in upload.mapping]
    context: dict[str, Any] = {
        "upload": upload,
        "label": kind_label(upload.kind, words),
        "columns": columns,
    }
    if upload.status == ImportStatus.REFUSED:
        page = Paginator(upload.problems, PROBLEM_ROWS_PER_PAGE).get_page(request.GET.get("page"))
        labels = {c.field: c.label for c in columns}
        rows = []
        for problem in page:
            cells = [
                {
                    "label": c.label,
                    "value": problem["cells"].get(c.field, ""),
                    "error": problem["errors"].get(c.field, ""),
                }
                for c in columns
            ]
            rows.append({"row": problem["row"], "cells": cells, "whole": problem["errors"].get("")})
        summary = [
            {
                "row": p["row"],
                "column": _lower_first(labels.get(field, "")),
                "message": message,
            }
            for p in upload.problems[:10]
            for field, message in p["errors"].items()
        ][:10]
        context |= {"page_obj": page, "problem_rows": rows, "summary": summary}
    if upload.status == ImportStatus.READY:
        context |= _ready(request, upload, columns, SaveForm())
    if upload.status == ImportStatus.SAVED and upload.duplicates:
        context["duplicates"] = _duplicates(request, upload)
    return render(request, "imports/import_detail.html", context)


@member_required(Role.COORDINATOR)
def import_progress(request: MemberRequest, import_pk: int) -> HttpResponse:
    """The progress bar alone, for the page to ask for again while the import works."""
    upload = get_visible_or_404(
        Import.objects.defer("content", "problems", "duplicates"), request.membership, pk=import_pk
    )
    if not request.htmx:  # type: ignore[attr-defined]  # opened as a page: show the whole page
        return redirect("imports:detail", import_pk=upload.pk)
    response = render(request, "imports/progress.html", {"upload": upload})
    if not upload.is_working or upload.stalled:
        response["HX-Refresh"] = "true"  # finished (or stopped): show the whole page again
    return response


@member_required(Role.COORDINATOR)
def import_save(request: MemberRequest, import_pk: int) -> HttpResponse:
    upload = get_visible_or_404(Import, request.membership, pk=import_pk)
    if request.method != "POST":
        return redirect("imports:detail", import_pk=upload.pk)
    form = SaveForm(request.POST)
    leave_out = False
    if upload.duplicates:
        if not form.is_valid():
            columns = [c for c in _columns(upload) if c.field in upload.mapping]
            context = {
                "upload": upload,
                "label": kind_label(upload.kind, current_words()),
                "columns": columns,
            } | _ready(request, upload, columns, form)
            return render(request, "imports/import_detail.html", context)
        leave_out = form.cleaned_data["duplicates"] == "leave_out"
    try:
        saving = services.import_start_save(
            upload=upload, by=request.user, leave_out_duplicates=leave_out
        )
    except ValidationError as exc:
        messages.warning(request, exc.messages[0])
    else:
        services.import_continue(upload=saving, by=request.user)
    return redirect("imports:detail", import_pk=upload.pk)


@member_required(Role.COORDINATOR)
def import_start_again(request: MemberRequest, import_pk: int) -> HttpResponse:
    upload = get_visible_or_404(Import, request.membership, pk=import_pk)
    if request.method == "POST":
        try:
            services.import_restart(upload=upload, by=request.user)
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
    return redirect("imports:detail", import_pk=upload.pk)
