"""Practitioners' records: the coordinator's list and pages, and each practitioner's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.concurrency import EditConflict, version_of
from amends.core.forms_util import add_service_errors
from amends.core.models import Membership, Role
from amends.core.unsaved import form_data
from amends.practitioners import services
from amends.practitioners.forms import (
    DevelopmentForm,
    PracticeSettingsForm,
    RegistrationForm,
    SupervisionForm,
    TrainingForm,
)
from amends.practitioners.models import (
    DevelopmentActivity,
    PracticeSettings,
    PractitionerRecord,
    Registration,
    SupervisionSession,
    TrainingRecord,
    practitioners_of,
)
from amends.practitioners.standing import practice_settings, standing_of, standings

PRACTICE_ROLES = (Role.COORDINATOR, Role.FACILITATOR)

# Each kind of record: its form, the fields the form edits, and its name in messages.
FORMS: dict[type[PractitionerRecord], tuple[type[forms.Form], list[str], str]] = {
    TrainingRecord: (
        TrainingForm,
        ["title", "provider", "sector", "level", "completed_on"],
        "training",
    ),
    Registration: (RegistrationForm, ["body", "number", "expires_on"], "registration"),
    SupervisionSession: (SupervisionForm, ["held_on", "supervisor", "notes"], "supervision"),
    DevelopmentActivity: (DevelopmentForm, ["done_on", "activity", "hours"], "development"),
}
URL_KINDS = {
    "training": TrainingRecord,
    "registration": Registration,
    "supervision": SupervisionSession,
    "development": DevelopmentActivity,
}


def _practitioner(request: MemberRequest, membership_pk: int) -> Membership:
    """A practitioner of the coordinator's organisation (anyone else's is a 404)."""
    return get_object_or_404(
        practitioners_of(request.membership).select_related("user"), pk=membership_pk
    )


def _record(request: MemberRequest, model: Any, pk: int) -> Any:
    return get_visible_or_404(
        model.objects.select_related("practitioner"),
        request.membership,
        pk=pk,
    )


def _record_page(request: MemberRequest, practitioner_id: int) -> str:
    """Where a record's pages lead back to: the practitioner's page, or one's own."""
    if practitioner_id == request.user.pk or not request.membership.is_coordinator:
        return reverse("practitioners:mine")
    membership = practitioners_of(request.membership).get(user_id=practitioner_id)
    return reverse("practitioners:detail", args=[membership.pk])


def _record_context(request: MemberRequest, membership: Membership, mine: bool) -> dict[str, Any]:
    standing = standing_of(membership.user, request.membership.organisation)
    user = membership.user
    return {
        "practitioner": user,
        "membership": membership,
        "standing": standing,
        "mine": mine,
        "registrations": standing.registrations,
        "supervision": SupervisionSession.objects.filter(practitioner=user)[:10],
        "development": DevelopmentActivity.objects.filter(
            practitioner=user, done_on__gte=standing.development.year_start
        ),
        "is_coordinator": request.membership.is_coordinator,
    }


@member_required(Role.COORDINATOR)
def practitioner_list(request: MemberRequest) -> HttpResponse:
    memberships = list(practitioners_of(request.membership).select_related("user"))
    memberships.sort(key=lambda m: (m.user.full_name or m.user.email).lower())
    rows = standings([m.user for m in memberships], request.membership.organisation)
    for membership, standing in zip(memberships, rows, strict=True):
        standing.membership = membership
    return render(
        request,
        "practitioners/practitioner_list.html",
        {"rows": rows, "settings": practice_settings(request.membership.organisation)},
    )


@member_required(Role.COORDINATOR)
def practitioner_detail(request: MemberRequest, membership_pk: int) -> HttpResponse:
    membership = _practitioner(request, membership_pk)
    mine = membership.user_id == request.user.pk
    return render(request, "practitioners/record.html", _record_context(request, membership, mine))


@member_required(*PRACTICE_ROLES)
def my_practice(request: MemberRequest) -> HttpResponse:
    return render(
        request,
        "practitioners/record.html",
        _record_context(request, request.membership, mine=True),
    )


def _form_page(
    request: MemberRequest,
    *,
    form: forms.Form,
    title: str,
    practitioner: Any,
    back: str,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    conflict_form: Callable[[Any], forms.Form] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except EditConflict as exc:
            conflict = exc
            assert conflict_form is not None
            form = conflict_form(exc.current)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "practitioners/record_form.html",
        {
            "form": form,
            "title": title,
            "practitioner": practitioner,
            "back": back,
            "conflict": conflict,
            **(extra or {}),
        },
    )


def _add(request: MemberRequest, model: Any, membership: Membership) -> Any:
    form_class, fields, word = FORMS[model]
    user = membership.user
    back = _record_page(request, user.pk)
    form = form_class(form_data(request), request.FILES or None)

    def save(data: dict[str, Any]) -> Any:
        values = {name: data[name] for name in fields}
        if model is TrainingRecord:
            return services.training_add(
                member=request.membership,
                practitioner=user,
                by=request.user,
                evidence=data["evidence"],
                **values,
            )
        return services.record_add(
            model=model, member=request.membership, practitioner=user, by=request.user, **values
        )

    titles = {
        "training": _("Record training"),
        "registration": _("Record a professional registration"),
        "supervision": _("Record supervision"),
        "development": _("Record continuing development"),
    }
    recorded = {
        "training": _("The training is recorded."),
        "registration": _("The registration is recorded."),
        "supervision": _("The supervision is recorded."),
        "development": _("The development is recorded."),
    }
    return _form_page(
        request,
        form=form,
        title=titles[word],
        practitioner=user,
        back=back,
        save=save,
        done=recorded[word],
    )


@member_required(Role.COORDINATOR)
def record_add(request: MemberRequest, membership_pk: int, kind: str) -> HttpResponse:
    if kind not in URL_KINDS:
        raise Http404
    return _add(request, URL_KINDS[kind], _practitioner(request, membership_pk))


@member_required(*PRACTICE_ROLES)
def my_development_add(request: MemberRequest) -> HttpResponse:
    return _add(request, DevelopmentActivity, request.membership)


def _edit(request: MemberRequest, model: Any, pk: int) -> HttpResponse:
    record = _record(request, model, pk)
    form_class, fields, word = FORMS[model]
    editing: dict[str, Any] = {"editing": True} if model is TrainingRecord else {}

    def saved_form(saved: Any) -> forms.Form:
        initial = {name: getattr(saved, name) for name in fields}
        return form_class(initial={**initial, "version": version_of(saved)}, **editing)

    data = form_data(request)
    form = (
        form_class(data, request.FILES or None, **editing)
        if data is not None
        else saved_form(record)
    )

    def save(cleaned: dict[str, Any]) -> Any:
        values = {name: cleaned[name] for name in fields}
        loaded = cleaned["version"] or None
        if model is TrainingRecord:
            return services.training_update(
                record=record,
                member=request.membership,
                by=request.user,
                loaded_version=loaded,
                evidence=cleaned.get("evidence"),
                **values,
            )
        return services.record_update(
            record=record,
            member=request.membership,
            by=request.user,
            loaded_version=loaded,
            **values,
        )

    titles = {
        "training": _("Change the training"),
        "registration": _("Change the registration"),
        "supervision": _("Change the supervision"),
        "development": _("Change the development"),
    }
    saved = {
        "training": _("The training is saved."),
        "registration": _("The registration is saved."),
        "supervision": _("The supervision is saved."),
        "development": _("The development is saved."),
    }
    return _form_page(
        request,
        form=form,
        title=titles[word],
        practitioner=record.practitioner,
        back=_record_page(request, record.practitioner_id),
        save=save,
        done=saved[word],
        conflict_form=saved_form,
        extra={"record": record},
    )


@member_required(Role.COORDINATOR)
def training_edit(request: MemberRequest, trainingrecord_pk: int) -> HttpResponse:
    return _edit(request, TrainingRecord, trainingrecord_pk)


@member_required(Role.COORDINATOR)
def registration_edit(request: MemberRequest, registration_pk: int) -> HttpResponse:
    return _edit(request, Registration, registration_pk)


@member_required(Role.COORDINATOR)
def supervision_edit(request: MemberRequest, supervisionsession_pk: int) -> HttpResponse:
    return _edit(request, SupervisionSession, supervisionsession_pk)


@member_required(*PRACTICE_ROLES)
def development_edit(request: MemberRequest, developmentactivity_pk: int) -> HttpResponse:
    return _edit(request, DevelopmentActivity, developmentactivity_pk)


def _remove(request: MemberRequest, model: Any, pk: int) -> HttpResponse:
    record = _record(request, model, pk)
    back = _record_page(request, record.practitioner_id)
    error = ""
    if request.method == "POST":
        try:
            services.record_remove(record=record, member=request.membership, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("“%(record)s” is removed.") % {"record": record})
            return redirect(back)
    return render(
        request,
        "practitioners/record_remove.html",
        {"record": record, "back": back, "error": error},
    )


@member_required(Role.COORDINATOR)
def training_remove(request: MemberRequest, trainingrecord_pk: int) -> HttpResponse:
    return _remove(request, TrainingRecord, trainingrecord_pk)


@member_required(*PRACTICE_ROLES)
def development_remove(request: MemberRequest, developmentactivity_pk: int) -> HttpResponse:
    return _remove(request, DevelopmentActivity, developmentactivity_pk)


@member_required(*PRACTICE_ROLES)
def training_evidence(request: MemberRequest, trainingrecord_pk: int) -> HttpResponse:
    record = _record(request, TrainingRecord, trainingrecord_pk)
    try:
        handle = record.evidence_path.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    services.evidence_downloaded(record=record, member=request.membership, by=request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(record.title) or 'certificate'}.{record.evidence_extension}",
        content_type=record.evidence_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]  # streamed, not an HttpResponse


@member_required(Role.COORDINATOR)
def practice_settings_edit(request: MemberRequest) -> HttpResponse:
    settings, _created = PracticeSettings.objects.get_or_create(
        organisation=request.membership.organisation
    )
    fields = ["development_hours_target", "year_starts_month"]

    def saved_form(saved: Any) -> forms.Form:
        initial = {name: getattr(saved, name) for name in fields}
        return PracticeSettingsForm(initial={**initial, "version": version_of(saved)})

    data = form_data(request)
    form = PracticeSettingsForm(data) if data is not None else saved_form(settings)

    def save(cleaned: dict[str, Any]) -> Any:
        return services.settings_update(
            settings=settings,
            by=request.user,
            loaded_version=cleaned["version"] or None,
            **{name: cleaned[name] for name in fields},
        )

    return _form_page(
        request,
        form=form,
        title=_("What practitioners are expected to do"),
        practitioner=None,
        back=reverse("practitioners:list"),
        save=save,
        done=_("The expectations are saved."),
        conflict_form=saved_form,
    )
