from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amends.cases.models import Case, Party, PartyRole
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.concurrency import EditConflict
from amends.core.forms_util import add_service_errors
from amends.core.models import Role
from amends.core.pagination import BoundedPaginator
from amends.core.unsaved import form_data
from amends.outcomes import services
from amends.outcomes.forms import (
    FeedbackForm,
    FeedbackLinkForm,
    HarmMeasureForm,
    QuestionSetForm,
    ReoffendingCheckForm,
    VictimsCodeForm,
)
from amends.outcomes.models import (
    AUDIENCE_OF_ROLE,
    Delivery,
    HarmMeasure,
    ReoffendingCheck,
    Stage,
    VictimsCodeRecord,
    question_set_current,
)
from amends.welsh.drafts import draft_take

CASE_ROLES = (Role.COORDINATOR, Role.FACILITATOR)
# The token of a link just made, kept in the maker's session until its page shows it once.
SESSION_NEW_LINK = "amends_new_feedback_link"


def _case_and_party(
    request: MemberRequest, case_pk: int, party_pk: int, *, roles: set[str] | None = None
) -> tuple[Case, Party]:
    case = get_visible_or_404(
        Case.objects.select_related("organisation"), request.membership, pk=case_pk
    )
    party = get_visible_or_404(
        Party.objects.select_related("person", "case"), request.membership, pk=party_pk, case=case
    )
    if roles is not None and party.role not in roles:
        raise Http404
    return case, party


# Harm measures -----------------------------------------------------------------------


@member_required(*CASE_ROLES)
def harm_measures(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    case, party = _case_and_party(request, case_pk, party_pk, roles=set(AUDIENCE_OF_ROLE))
    stage = request.GET.get("stage") or Stage.FIRST_CONTACT
    if stage not in Stage.values:
        raise Http404
    measure = (
        HarmMeasure.objects.visible_to(request.membership)
        .filter(party=party, stage=stage)
        .prefetch_related("ratings")
        .first()
    )
    question_set = question_set_current(case.organisation)
    if measure is not None:
        questions = [
            {"key": r.question_key, "text": r.question, "low": r.low_label, "high": r.high_label}
            for r in measure.ratings.all()
        ]
    else:
        questions = question_set.for_audience(AUDIENCE_OF_ROLE[party.role])

    def make_form(data: QueryDict | None, shown: HarmMeasure | None) -> HarmMeasureForm:
        return HarmMeasureForm(
            data, questions=questions, measure=shown, questions_version=question_set.version
        )

    form = make_form(form_data(request), measure)
    conflict: ValidationError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.harm_measure_record(
                party=party,
                stage=stage,
                answered_on=form.cleaned_data["answered_on"],
                ratings=form.ratings(),
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                asked_version=form.cleaned_data["questions_version"],
            )
        except EditConflict as exc:
            conflict = exc
            form = make_form(None, cast(HarmMeasure, exc.current))
        except services.QuestionsReworded as exc:
            conflict = exc
            form = make_form(None, None)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Harm measures saved for %(name)s, %(stage)s.")
                % {"name": party.person.full_name, "stage": Stage(stage).label.lower()},
            )
            return redirect(reverse("cases:detail", args=[case.pk]) + "#outcomes")
    return render(
        request,
        "outcomes/harm_measures.html",
        {
            "case": case,
            "party": party,
            "stage_label": Stage(stage).label,
            "form": form,
            "measure": measure,
            "conflict": conflict,
        },
    )


@member_required(Role.COORDINATOR)
def questions(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    question_set = question_set_current(organisation)
    form = QuestionSetForm(form_data(request), question_set=question_set)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.question_set_change(
                organisation=organisation,
                by=request.user,
                based_on_version=form.based_on_version(),
                wording=form.wording(),
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # Stale or unchanged: show the questions as they now are, with the reason.
                question_set = question_set_current(organisation)
                form = QuestionSetForm(question_set=question_set)
                messages.warning(request, exc.messages[0])
            else:
                add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The harm questions are saved as version %(version)s. Answers already "
                    "given keep the wording they were asked in."
                )
                % {"version": new.version},
            )
            return redirect("outcomes:questions")
    return render(request, "outcomes/questions.html", {"form": form, "question_set": question_set})


# Feedback ----------------------------------------------------------------------------


@member_required(*CASE_ROLES)
def feedback_link_create(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    case, party = _case_and_party(request, case_pk, party_pk)
    email_safe = services.email_is_safe(party.person)
    form = FeedbackLinkForm(request.POST or None, email_safe=email_safe)
    if request.method == "POST" and form.is_valid():
        try:
            link, token = services.feedback_link_create(
                party=party, delivery=form.cleaned_data["delivery"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if link.delivery == Delivery.EMAIL:
                messages.success(
                    request,
                    _("A feedback link is on its way to %(name)s.")
                    % {"name": party.person.full_name},
                )
                return redirect(reverse("cases:detail", args=[case.pk]) + "#outcomes")
            request.session[SESSION_NEW_LINK] = {"party": party.pk, "token": token}
            return redirect("outcomes:feedback_link_ready", case_pk=case.pk, party_pk=party.pk)
    return render(
        request,
        "outcomes/feedback_link_create.html",
        {
            "case": case,
            "party": party,
            "form": form,
            "email_safe": email_safe,
            "ready": services.meeting_held_or_closed(case),
        },
    )


@member_required(*CASE_ROLES)
def feedback_link_ready(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    """The link just made, shown once: only its hash is kept, so it cannot be shown again."""
    case, party = _case_and_party(request, case_pk, party_pk)
    kept = request.session.get(SESSION_NEW_LINK)
    if not kept or kept.get("party") != party.pk:
        messages.info(
            request,
            _(
                "A feedback link is shown only once, when it is made. Make a new one if it was lost."
            ),
        )
        return redirect(reverse("cases:detail", args=[case.pk]) + "#outcomes")
    del request.session[SESSION_NEW_LINK]
    url = request.build_absolute_uri(reverse("outcomes:feedback", args=[kept["token"]]))
    return render(
        request,
        "outcomes/feedback_link_ready.html",
        {"case": case, "party": party, "url": url, "person": party.person},
    )


@member_required(*CASE_ROLES)
def feedback_by_phone(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    case, party = _case_and_party(request, case_pk, party_pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_record_by_phone(
                party=party,
                answers={name: form.cleaned_data[name] for name in services.FEEDBACK_FIELDS},
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Feedback from %(name)s is saved.") % {"name": party.person.full_name}
            )
            return redirect(reverse("cases:detail", args=[case.pk]) + "#outcomes")
    return render(
        request,
        "outcomes/feedback_by_phone.html",
        {
            "case": case,
            "party": party,
            "form": form,
            "ready": services.meeting_held_or_closed(case),
        },
    )


def _public(response: HttpResponse) -> HttpResponse:
    """The feedback pages: never cached, never indexed. (The site's same-origin referrer
    policy keeps the token from other sites; "no-referrer" would make browsers send
    `Origin: null` with the form, which the CSRF check rightly refuses.)"""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_unusable(request: HttpRequest, reason: str) -> HttpResponse:
    status = 200 if reason == "used" else 410
    return _public(
        render(request, "outcomes/feedback_unusable.html", {"reason": reason}, status=status)
    )


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The feedback form for someone without an account. It shows nothing about the case."""
    link = services.feedback_link_for_token(token)
    if link is None:
        return _link_unusable(request, "unknown")
    if link.used_at is not None:
        return _link_unusable(request, "used")
    if link.expires_at <= timezone.now():
        return _link_unusable(request, "expired")
    # Answers chosen before switching language come back (amends.welsh.drafts).
    form = FeedbackForm(
        request.POST if request.method == "POST" else None, initial=draft_take(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                link=link,
                answers={name: form.cleaned_data[name] for name in services.FEEDBACK_FIELDS},
            )
        except services.LinkUnusable as exc:
            return _link_unusable(request, exc.reason)
        return redirect("outcomes:feedback_thanks")
    return _public(render(request, "outcomes/feedback_form.html", {"form": form}))


def feedback_thanks(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "outcomes/feedback_thanks.html"))


# The Victims' Code -------------------------------------------------------------------


@member_required(*CASE_ROLES)
def victims_code(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    case, party = _case_and_party(request, case_pk, party_pk, roles={PartyRole.HARMED})
    record = VictimsCodeRecord.objects.visible_to(request.membership).filter(
        party=party
    ).first() or VictimsCodeRecord(organisation=case.organisation, case=case, party=party)
    form = VictimsCodeForm(form_data(request), instance=record)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.victims_code_save(
                party=party,
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                **{name: form.cleaned_data[name] for name in services.VICTIMS_CODE_FIELDS},
            )
        except EditConflict as exc:
            conflict = exc
            form = VictimsCodeForm(instance=exc.current)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The Victims' Code record for %(name)s is saved.")
                % {"name": party.person.full_name},
            )
            return redirect(reverse("cases:detail", args=[case.pk]) + "#outcomes")
    return render(
        request,
        "outcomes/victims_code.html",
        {"case": case, "party": party, "form": form, "conflict": conflict},
    )


# Prevented: the reoffending check ----------------------------------------------------

CHECKS_PAGE_SIZE = 25


@member_required(Role.COORDINATOR)
def reoffending_checks_due(request: MemberRequest) -> HttpResponse:
    """Closed justice cases whose twelve-month reoffending check is due: the oldest first."""
    checks = (
        ReoffendingCheck.objects.visible_to(request.membership)
        .due()
        .select_related("case")
        .order_by("due_on", "pk")
    )
    page = BoundedPaginator(checks, CHECKS_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(check, (today - check.due_on).days) for check in page]
    return render(
        request,
        "outcomes/reoffending_checks_due.html",
        {"page_obj": page, "rows": rows, "querystring_prefix": ""},
    )


@member_required(Role.COORDINATOR)
def reoffending_check(request: MemberRequest, case_pk: int) -> HttpResponse:
    """Record (or correct) the answer to a closed justice case's reoffending check."""
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    check = (
        ReoffendingCheck.objects.visible_to(request.membership)
        .of_closed_cases()
        .filter(case=case)
        .first()
    )
    if check is None:
        # An open case, or one outside the justice sector: say so rather than pretend.
        return render(
            request,
            "outcomes/reoffending_check_none.html",
            {"case": case},
            status=200 if request.method == "GET" else 409,
        )
    form = ReoffendingCheckForm(form_data(request), instance=check)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.reoffending_check_record(
                check=check,
                answer=form.cleaned_data["answer"],
                source=form.cleaned_data["source"],
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
            )
        except EditConflict as exc:
            conflict = exc
            form = ReoffendingCheckForm(instance=exc.current)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The reoffending check for %(reference)s is saved.")
                % {"reference": case.reference},
            )
            return redirect(reverse("cases:detail", args=[case.pk]) + "#prevented")
    return render(
        request,
        "outcomes/reoffending_check.html",
        {"case": case, "check": check, "form": form, "conflict": conflict},
    )
