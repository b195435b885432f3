"""Training pages: for trainers and coordinators (staff), and a few public ones.

Staff pages read through `visible_to(member)`; another organisation's record
is a 404. Public pages show only what the consultancy publishes, and the
certificate check shows a holder's name, course, level and date, nothing else.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import audit_record, client_ip
from amends.core.concurrency import EditConflict, version_of
from amends.core.forms_util import add_service_errors
from amends.core.models import AuditAction
from amends.core.unsaved import form_data
from amends.training import queries, services
from amends.training.forms import (
    CertificateCheckForm,
    CohortForm,
    CourseForm,
    EnrolmentForm,
    ProgrammeForm,
    RegisterForm,
    ResultForm,
    RevokeForm,
    WithdrawForm,
)
from amends.training.models import (
    TRAINING_ROLES,
    Certificate,
    Cohort,
    CohortDay,
    CohortTrainer,
    Course,
    Enrolment,
    EnrolmentStatus,
    Programme,
)
from amends.training.pdf import certificate_pdf
from amends.welsh.drafts import draft_take

staff = member_required(*TRAINING_ROLES)


# Programmes and courses -------------------------------------------------------------------


@staff
def overview(request: MemberRequest) -> HttpResponse:
    return render(request, "training/overview.html", queries.overview(request.membership))


@staff
@require_POST
def programmes_set_up(request: MemberRequest) -> HttpResponse:
    services.programmes_seed(organisation=request.membership.organisation, by=request.user)
    messages.success(request, _("The four programmes are set up. Add their courses next."))
    return redirect("training:overview")


@staff
def programme_edit(request: MemberRequest, programme_pk: int) -> HttpResponse:
    programme = get_visible_or_404(Programme, request.membership, pk=programme_pk)
    form = ProgrammeForm(
        form_data(request), instance=programme, initial={"version": version_of(programme)}
    )
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                programme=programme,
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except EditConflict as exc:
            problem = exc.messages[0]
            form = ProgrammeForm(instance=exc.current, initial={"version": version_of(exc.current)})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("training:overview")
    return render(
        request,
        "training/programme_form.html",
        {"form": form, "programme": programme, "problem": problem},
    )


@staff
def course_add(request: MemberRequest, programme_pk: int) -> HttpResponse:
    programme = get_visible_or_404(Programme, request.membership, pk=programme_pk)
    form = CourseForm(form_data(request), instance=Course(programme=programme))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            course = services.course_create(programme=programme, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(title)s is added. Arrange its first cohort.") % {"title": course.title},
            )
            return redirect("training:course_detail", course_pk=course.pk)
    return render(
        request, "training/course_form.html", {"form": form, "programme": programme, "new": True}
    )


@staff
def course_detail(request: MemberRequest, course_pk: int) -> HttpResponse:
    course = get_visible_or_404(
        Course.objects.select_related("programme"), request.membership, pk=course_pk
    )
    cohorts = list(
        queries.cohorts_with_places(Cohort.objects.filter(course=course)).order_by(
            "-starts_on", "-pk"
        )
    )
    return render(
        request,
        "training/course_detail.html",
        {"course": course, "cohorts": cohorts, "today": timezone.localdate()},
    )


@staff
def course_edit(request: MemberRequest, course_pk: int) -> HttpResponse:
    course = get_visible_or_404(
        Course.objects.select_related("programme"), request.membership, pk=course_pk
    )
    form = CourseForm(form_data(request), instance=course, initial={"version": version_of(course)})
    problem = ""
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.course_update(
                course=course,
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                **data,
            )
        except EditConflict as exc:
            problem = exc.messages[0]
            form = CourseForm(instance=exc.current, initial={"version": version_of(exc.current)})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("training:course_detail", course_pk=course.pk)
    return render(
        request,
        "training/course_form.html",
        {"form": form, "programme": course.programme, "course": course, "problem": problem},
    )


# Cohorts ----------------------------------------------------------------------------------


def _cohort_form_initial(cohort: Cohort) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(cohort, name) for name in services.COHORT_FIELDS}
    initial["version"] = version_of(cohort)
    initial["trainers"] = list(
        CohortTrainer.objects.filter(cohort=cohort).values_list("trainer_id", flat=True)
    )
    for day in CohortDay.objects.filter(cohort=cohort):
        initial[f"day_{day.number}"] = day.date
    return initial


@staff
def cohort_add(request: MemberRequest, course_pk: int) -> HttpResponse:
    course = get_visible_or_404(
        Course.objects.select_related("programme"), request.membership, pk=course_pk
    )
    initial: dict[str, Any] = {"capacity": 16}
    if request.user.memberships.filter(
        organisation_id=course.organisation_id, role="trainer", is_active=True
    ).exists():
        initial["trainers"] = [request.user.pk]
    form = CohortForm(form_data(request), course=course, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(course=course, by=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The cohort is arranged. Enrol people next."))
            return redirect("training:cohort_detail", cohort_pk=cohort.pk)
    return render(request, "training/cohort_form.html", {"form": form, "course": course})


def _visible_cohort(request: MemberRequest, cohort_pk: int) -> Cohort:
    return get_visible_or_404(
        Cohort.objects.select_related("course__programme"), request.membership, pk=cohort_pk
    )


@staff
def cohort_edit(request: MemberRequest, cohort_pk: int) -> HttpResponse:
    cohort = _visible_cohort(request, cohort_pk)
    form = CohortForm(
        form_data(request), course=cohort.course, initial=_cohort_form_initial(cohort)
    )
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(
                cohort=cohort,
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                **form.service_data(),
            )
        except EditConflict as exc:
            problem = exc.messages[0]
            current: Any = exc.current
            current.course = cohort.course
            form = CohortForm(course=cohort.course, initial=_cohort_form_initial(current))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The cohort is saved."))
            return redirect("training:cohort_detail", cohort_pk=cohort.pk)
    return render(
        request,
        "training/cohort_form.html",
        {"form": form, "course": cohort.course, "cohort": cohort, "problem": problem},
    )


def _cohort_page(
    request: MemberRequest,
    cohort: Cohort,
    enrol_form: EnrolmentForm | None = None,
    problem: str = "",
) -> HttpResponse:
    context = queries.cohort_page(cohort)
    context.update(
        {
            "cohort": cohort,
            "course": cohort.course,
            "enrol_form": enrol_form or EnrolmentForm(),
            "problem": problem,
            "offer_days": services.offer_days(),
            "results_due": cohort.ends_on is not None
            and cohort.ends_on <= context["today"]
            and any(e.status == EnrolmentStatus.ENROLLED for e in context["on_the_course"]),
        }
    )
    return render(request, "training/cohort_detail.html", context)


@staff
def cohort_detail(request: MemberRequest, cohort_pk: int) -> HttpResponse:
    return _cohort_page(request, _visible_cohort(request, cohort_pk))


@staff
def enrol(request: MemberRequest, cohort_pk: int) -> HttpResponse:
    cohort = _visible_cohort(request, cohort_pk)
    if request.method != "POST":
        return redirect("training:cohort_detail", cohort_pk=cohort.pk)
    form = EnrolmentForm(request.POST)
    if form.is_valid():
        try:
            enrolment = services.enrolment_add(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(
                    request,
                    _("%(name)s is enrolled. Their joining instructions are sent.")
                    % {"name": enrolment.name},
                )
            else:
                messages.success(
                    request,
                    _(
                        "The cohort is full, so %(name)s is on the waiting list. They will "
                        "be offered a place if one comes free."
                    )
                    % {"name": enrolment.name},
                )
            return redirect(reverse("training:cohort_detail", args=[cohort.pk]) + "#people")
    return _cohort_page(request, cohort, enrol_form=form)


@staff
def results(request: MemberRequest, cohort_pk: int) -> HttpResponse:
    cohort = _visible_cohort(request, cohort_pk)
    if request.method != "POST":
        return redirect("training:cohort_detail", cohort_pk=cohort.pk)
    try:
        done = services.cohort_results(cohort=cohort, by=request.user)
    except ValidationError as exc:
        return _cohort_page(request, cohort, problem=exc.messages[0])
    messages.success(
        request,
        ngettext(
            "Results recorded: %(completed)s completed and has a certificate; "
            "%(not_completed)s did not complete.",
            "Results recorded: %(completed)s completed and have certificates; "
            "%(not_completed)s did not complete.",
            done.completed,
        )
        % {"completed": done.completed, "not_completed": done.not_completed},
    )
    return redirect("training:cohort_detail", cohort_pk=cohort.pk)


# The register -------------------------------------------------------------------------------


@staff
def register(request: MemberRequest, cohortday_pk: int) -> HttpResponse:
    day = get_visible_or_404(
        CohortDay.objects.select_related("cohort__course"), request.membership, pk=cohortday_pk
    )
    cohort = day.cohort
    people = list(
        Enrolment.objects.filter(
            cohort=cohort,
            status__in=[
                EnrolmentStatus.ENROLLED,
                EnrolmentStatus.COMPLETED,
                EnrolmentStatus.NOT_COMPLETED,
            ],
        ).order_by("name", "pk")
    )
    marks = dict(day.attendance.values_list("enrolment_id", "present"))
    choices = [(e.pk, e.name) for e in people]
    problem = ""
    if request.method == "POST":
        form = RegisterForm(request.POST, people=choices)
        if form.is_valid():
            try:
                services.attendance_record(
                    cohort=cohort,
                    day=day,
                    by=request.user,
                    present={int(pk) for pk in form.cleaned_data["present"]},
                    shown=form.shown_marks(),
                )
            except ValidationError as exc:
                problem = exc.messages[0]
            else:
                here = len(form.cleaned_data["present"])
                messages.success(
                    request,
                    _("The register for day %(number)s is saved: %(here)s here.")
                    % {"number": day.number, "here": here},
                )
                return redirect("training:register", cohortday_pk=day.pk)
    else:
        form = RegisterForm(
            people=choices,
            initial={
                "present": [str(pk) for pk, is_here in marks.items() if is_here],
                "shown": ",".join(f"{e.pk}:{int(marks.get(e.pk, False))}" for e in people),
            },
        )
    days = list(CohortDay.objects.filter(cohort=cohort).order_by("number"))
    ticked = set(form["present"].value() or [])
    return render(
        request,
        "training/register.html",
        {
            "day": day,
            "days": days,
            "cohort": cohort,
            "form": form,
            "rows": [(e, str(e.pk) in ticked) for e in people],
            "problem": problem,
            "future": day.date > timezone.localdate(),
        },
    )


# Enrolments ---------------------------------------------------------------------------------


def _visible_enrolment(request: MemberRequest, enrolment_pk: int) -> Enrolment:
    return get_visible_or_404(
        Enrolment.objects.select_related("cohort__course__programme"),
        request.membership,
        pk=enrolment_pk,
    )


def _enrolment_page(
    request: MemberRequest,
    enrolment: Enrolment,
    result_form: ResultForm | None = None,
    problem: str = "",
) -> HttpResponse:
    days = list(CohortDay.objects.filter(cohort=enrolment.cohort).order_by("number"))
    marks = dict(enrolment.attendance.values_list("day_id", "present"))
    certificate = Certificate.objects.filter(enrolment=enrolment).first()
    return render(
        request,
        "training/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "cohort": enrolment.cohort,
            "attendance": [(d, marks.get(d.pk)) for d in days],
            "certificate": certificate,
            "result_form": result_form
            or ResultForm(
                initial={
                    "version": version_of(enrolment),
                    "assessment": enrolment.assessment,
                    "notes": enrolment.notes,
                }
            ),
            "can_record_result": enrolment.status
            in (EnrolmentStatus.ENROLLED, EnrolmentStatus.NOT_COMPLETED),
            "can_withdraw": enrolment.status
            in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING, EnrolmentStatus.OFFERED),
            "problem": problem,
        },
    )


@staff
def enrolment_detail(request: MemberRequest, enrolment_pk: int) -> HttpResponse:
    return _enrolment_page(request, _visible_enrolment(request, enrolment_pk))


@staff
def enrolment_result(request: MemberRequest, enrolment_pk: int) -> HttpResponse:
    enrolment = _visible_enrolment(request, enrolment_pk)
    if request.method != "POST":
        return redirect("training:enrolment_detail", enrolment_pk=enrolment.pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            done = services.enrolment_result(
                enrolment=enrolment,
                by=request.user,
                loaded_version=data.pop("version") or None,
                **data,
            )
        except EditConflict as exc:
            current: Any = exc.current
            current.cohort = enrolment.cohort
            return _enrolment_page(request, current, problem=exc.messages[0])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s completed the course; their certificate is issued.")
                % {"name": done.name}
                if done.status == EnrolmentStatus.COMPLETED
                else _("%(name)s is recorded as not completing the course.") % {"name": done.name},
            )
            return redirect("training:enrolment_detail", enrolment_pk=enrolment.pk)
    return _enrolment_page(request, enrolment, result_form=form)


@staff
def withdraw(request: MemberRequest, enrolment_pk: int) -> HttpResponse:
    enrolment = _visible_enrolment(request, enrolment_pk)
    form = WithdrawForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_withdraw(
                enrolment=enrolment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is withdrawn. If anyone was waiting, the next person is "
                    "offered the place."
                )
                % {"name": enrolment.name},
            )
            return redirect("training:cohort_detail", cohort_pk=enrolment.cohort_id)
    return render(request, "training/withdraw.html", {"enrolment": enrolment, "form": form})


# Certificates -------------------------------------------------------------------------------


def _visible_certificate(request: MemberRequest, certificate_pk: int) -> Certificate:
    return get_visible_or_404(
        Certificate.objects.select_related("enrolment__cohort__organisation"),
        request.membership,
        pk=certificate_pk,
    )


@staff
def certificate_download(request: MemberRequest, certificate_pk: int) -> HttpResponse:
    certificate = _visible_certificate(request, certificate_pk)
    content = certificate_pdf(certificate)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        organisation=request.membership.organisation,
        record=certificate,
        summary="Printed the certificate",
        ip_address=client_ip(request),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff
def certificate_revoke(request: MemberRequest, certificate_pk: int) -> HttpResponse:
    certificate = _visible_certificate(request, certificate_pk)
    form = RevokeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Certificate %(code)s is revoked. The public check says so.")
                % {"code": certificate.code},
            )
            return redirect("training:enrolment_detail", enrolment_pk=certificate.enrolment_id)
    return render(
        request, "training/certificate_revoke.html", {"certificate": certificate, "form": form}
    )


# Figures ------------------------------------------------------------------------------------


@staff
def figures(request: MemberRequest) -> HttpResponse:
    rows = queries.figures(request.membership, by_organisation=False)
    by_org = queries.figures(request.membership, by_organisation=True)
    return render(
        request,
        "training/figures.html",
        {
            "rows": rows,
            "totals": queries.figures_totals(rows),
            "by_organisation": by_org,
            "definition": queries.FIGURES_DEFINITION,
        },
    )


@staff
def figures_csv(request: MemberRequest) -> HttpResponse:
    rows = queries.figures(request.membership, by_organisation=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="training-figures.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Quarter"),
            _("Programme"),
            _("Level"),
            _("Organisation"),
            _("People trained"),
            _("Finished"),
            _("Completion rate"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.quarter,
                row.programme,
                row.level,
                row.organisation,
                row.completed_shown,
                row.finished_shown,
                row.rate_shown,
            ]
        )
    writer.writerow([])
    writer.writerow([_("Definition"), str(queries.FIGURES_DEFINITION)])
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        organisation=request.membership.organisation,
        record_type="training_figures",
        summary="Downloaded the training figures",
        ip_address=client_ip(request),
    )
    return response


# Public pages -------------------------------------------------------------------------------


def _public(response: HttpResponse, *, private: bool = False) -> HttpResponse:
    if private:
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def programmes_public(request: HttpRequest) -> HttpResponse:
    return render(
        request, "training/public_programmes.html", {"programmes": queries.public_programmes()}
    )


def programme_public(request: HttpRequest, sector: str) -> HttpResponse:
    context = queries.public_programme(sector)
    if context is None:
        raise Http404
    return render(request, "training/public_programme.html", context)


def certificate_check(request: HttpRequest) -> HttpResponse:
    """Checks a code. Shows the holder's name, course, level and date; nothing else."""
    # A code typed before switching language comes back in the box (amends.welsh.drafts).
    form = CertificateCheckForm(
        request.GET if "code" in request.GET else None, initial=draft_take(request)
    )
    certificate = None
    checked = False
    if form.is_bound and form.is_valid():
        checked = True
        certificate = services.certificate_for_code(form.cleaned_data["code"])
    return _public(
        render(
            request,
            "training/certificate_check.html",
            {"form": form, "certificate": certificate, "checked": checked},
        ),
        private=True,
    )


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link for someone offered a place: take it or turn it down, no sign-in."""
    enrolment = services.offer_for_token(token)
    state = services.offer_state(enrolment)
    reason = "" if state == "open" else state
    if not reason and request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                services.offer_accept(token=token)
            elif answer == "decline":
                services.offer_decline(token=token)
            else:
                raise services.OfferUnusable("no answer")
        except services.OfferUnusable as exc:
            if exc.reason != "no answer":
                reason = exc.reason
        else:
            return _public(
                render(
                    request,
                    "training/offer_answered.html",
                    {"accepted": answer == "accept", "enrolment": enrolment},
                ),
                private=True,
            )
    if reason:
        return _public(
            render(
                request,
                "training/offer_unusable.html",
                {"reason": reason},
                status=200 if reason == "used" else 410,
            ),
            private=True,
        )
    assert enrolment is not None
    days = list(CohortDay.objects.filter(cohort=enrolment.cohort).order_by("number"))
    return _public(
        render(
            request,
            "training/offer.html",
            {
                "enrolment": enrolment,
                "cohort": enrolment.cohort,
                "days": days,
                "missing_answer": request.method == "POST",
            },
        ),
        private=True,
    )
