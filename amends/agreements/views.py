from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.agreements import services
from amends.agreements.forms import (
    AcceptanceForm,
    ActionForm,
    ConfirmForm,
    PaymentForm,
    ResolveForm,
    VaryForm,
    agreement_version,
)
from amends.agreements.models import ActionKind, Agreement, AgreementAction
from amends.agreements.pdf import agreement_pdf
from amends.cases.models import Case, PartyRole
from amends.cases.views import closed_case_page
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import audit_record, client_ip
from amends.core.concurrency import EditConflict, version_of
from amends.core.forms_util import add_service_errors, form_submit
from amends.core.models import AuditAction, Role
from amends.core.pagination import BoundedPaginator
from amends.core.unsaved import form_data

AGREEMENT_ROLES = (Role.COORDINATOR, Role.FACILITATOR)


def agreement_of(case: Case) -> Agreement | None:
    return Agreement.objects.filter(case=case).first()


def actions_of(agreement: Agreement | None) -> list[AgreementAction]:
    if agreement is None:
        return []
    return list(agreement.actions.select_related("owner__person").order_by("due_on", "pk"))


def action_add_from_form(
    request: MemberRequest, case: Case, form: ActionForm, meeting: Any = None
) -> AgreementAction | None:
    """Add the form's action to the case's agreement, starting a draft the first time.

    Shared by the agreement page and facilitation mode. If the agreement changed
    since the page was loaded, the form says so and carries the new version, so
    the action can be added again once the person has seen the agreement.
    """
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    loaded_version = data.pop("version") or None
    try:
        return services.action_add(
            case=case, by=request.user, loaded_version=loaded_version, meeting=meeting, **data
        )
    except EditConflict as exc:
        form.add_error(None, exc.messages[0])
        fresh = request.POST.copy()
        fresh[form.add_prefix("version")] = agreement_version(case)
        form.data = fresh
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None


def _agreement_page(
    request: MemberRequest,
    case: Case,
    accept_form: AcceptanceForm | None = None,
    confirm_form: ConfirmForm | None = None,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    agreement = agreement_of(case)
    acceptances = list(agreement.acceptances.select_related("party__person")) if agreement else []
    accepted = {a.party_id for a in acceptances}
    needed = [
        p
        for p in case.parties.filter(role__in=[PartyRole.HARMED, PartyRole.RESPONSIBLE])
        .select_related("person")
        .order_by("pk")
        if p.pk not in accepted
    ]
    version = {"version": version_of(agreement) if agreement else ""}
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "case": case,
            "agreement": agreement,
            "actions": actions_of(agreement),
            "acceptances": acceptances,
            "still_to_accept": needed,
            "accept_form": accept_form
            or AcceptanceForm(case=case, accepted=accepted, initial=version),
            "confirm_form": confirm_form or ConfirmForm(initial=version),
            "conflict": conflict,
        },
    )


@member_required(*AGREEMENT_ROLES)
def agreement_detail(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    return _agreement_page(request, case)


@member_required(*AGREEMENT_ROLES)
def action_add(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    form = ActionForm(form_data(request), case=case)
    if request.method == "POST" and action_add_from_form(request, case, form):
        messages.success(request, _("The action is added to the agreement."))
        return redirect("agreements:detail", case_pk=case.pk)
    return render(request, "agreements/action_form.html", {"case": case, "form": form})


def _visible_action(request: MemberRequest, agreement_action_pk: int) -> AgreementAction:
    return get_visible_or_404(
        AgreementAction.objects.select_related("case", "agreement", "owner__person"),
        request.membership,
        pk=agreement_action_pk,
    )


@member_required(*AGREEMENT_ROLES)
def action_remove(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    action = _visible_action(request, agreement_action_pk)
    case = action.case
    if case.is_closed:
        return closed_case_page(request, case)
    error = ""
    version = request.POST.get("version", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            services.action_remove(action=action, by=request.user, loaded_version=version or None)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("The action is removed from the agreement."))
            return redirect("agreements:detail", case_pk=case.pk)
    return render(
        request,
        "agreements/action_remove.html",
        {
            "case": case,
            "action": action,
            "error": error,
            "version": version_of(action.agreement) if not error else agreement_version(case),
        },
    )


@member_required(*AGREEMENT_ROLES)
def accept(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    if request.method != "POST":
        return redirect("agreements:detail", case_pk=case.pk)
    agreement = agreement_of(case)
    accepted = set(agreement.acceptances.values_list("party_id", flat=True)) if agreement else set()
    form = AcceptanceForm(request.POST, case=case, accepted=accepted)
    if agreement is None:
        form.add_error(None, _("Add the agreement's actions before recording who accepted it."))
    elif form.is_valid():
        data = dict(form.cleaned_data)
        loaded_version = data.pop("version") or None
        try:
            acceptance = services.agreement_accept(
                agreement=agreement, by=request.user, loaded_version=loaded_version, **data
            )
        except EditConflict as exc:
            return _agreement_page(request, case, conflict=exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s's acceptance is recorded.") % {"name": acceptance.party.first_name},
            )
            return redirect("agreements:detail", case_pk=case.pk)
    return _agreement_page(request, case, accept_form=form)


@member_required(*AGREEMENT_ROLES)
def confirm(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    if request.method != "POST":
        return redirect("agreements:detail", case_pk=case.pk)
    agreement = agreement_of(case)
    form = ConfirmForm(request.POST)
    if agreement is None:
        form.add_error(None, _("The agreement cannot be confirmed: it has no actions."))
    elif form.is_valid():
        try:
            services.agreement_confirm(
                agreement=agreement,
                by=request.user,
                agreed_on=form.cleaned_data["agreed_on"],
                loaded_version=form.cleaned_data["version"] or None,
            )
        except EditConflict as exc:
            return _agreement_page(request, case, conflict=exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The agreement is confirmed. Its actions are now followed up.")
            )
            return redirect("agreements:detail", case_pk=case.pk)
    return _agreement_page(request, case, confirm_form=form)


@member_required(*AGREEMENT_ROLES)
def agreement_download(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    agreement = agreement_of(case)
    if agreement is None:
        messages.info(request, _("There is no agreement to print yet."))
        return redirect("agreements:detail", case_pk=case.pk)
    content = agreement_pdf(agreement)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        organisation=case.organisation,
        record=agreement,
        summary="Printed the agreement",
        ip_address=client_ip(request),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{case.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _action_page(
    request: MemberRequest,
    action: AgreementAction,
    resolve_form: ResolveForm | None = None,
    payment_form: PaymentForm | None = None,
    vary_form: VaryForm | None = None,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    if conflict is not None:
        action = conflict.current  # type: ignore[assignment]
    payments = list(action.payments.all()) if action.kind == ActionKind.RESTITUTION else []
    paid = sum((p.amount for p in payments), Decimal("0"))
    version = {"version": version_of(action)}
    return render(
        request,
        "agreements/action_detail.html",
        {
            "action": action,
            "case": action.case,
            "payments": payments,
            "paid": paid,
            "left_to_pay": (action.amount - paid) if action.amount is not None else None,
            "resolve_form": resolve_form or ResolveForm(initial=version),
            "payment_form": payment_form or PaymentForm(),
            "vary_form": vary_form or VaryForm(initial=version),
            "can_vary": request.membership.is_coordinator,
            "conflict": conflict,
        },
    )


@member_required(*AGREEMENT_ROLES)
def action_detail(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    return _action_page(request, _visible_action(request, agreement_action_pk))


def _follow_up(
    request: MemberRequest,
    agreement_action_pk: int,
    form_class: type[ResolveForm] | type[VaryForm],
    do: Any,
) -> HttpResponse:
    """Post a versioned follow-up form for an action; a stale page shows the action as saved."""
    action = _visible_action(request, agreement_action_pk)
    if action.case.is_closed:
        return closed_case_page(request, action.case)
    if request.method != "POST":
        return redirect("agreements:action_detail", agreement_action_pk=action.pk)
    form = form_class(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        loaded_version = data.pop("version") or None
        try:
            done = do(action=action, by=request.user, loaded_version=loaded_version, **data)
        except EditConflict as exc:
            return _action_page(request, action, conflict=exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The action is recorded as %(status)s, verified by you.")
                % {"status": done.get_status_display().lower()},
            )
            return redirect("agreements:detail", case_pk=action.case_id)
    if isinstance(form, VaryForm):
        return _action_page(request, action, vary_form=form)
    return _action_page(request, action, resolve_form=form)


@member_required(*AGREEMENT_ROLES)
def action_resolve(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    return _follow_up(request, agreement_action_pk, ResolveForm, services.action_resolve)


@member_required(Role.COORDINATOR)
def action_vary(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    return _follow_up(request, agreement_action_pk, VaryForm, services.action_vary)


@member_required(*AGREEMENT_ROLES)
def payment_add(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    action = _visible_action(request, agreement_action_pk)
    if action.case.is_closed:
        return closed_case_page(request, action.case)
    if request.method != "POST":
        return redirect("agreements:action_detail", agreement_action_pk=action.pk)
    form = PaymentForm(request.POST)
    if payment := form_submit(
        form, lambda data: services.payment_record(action=action, by=request.user, **data)
    ):
        action.refresh_from_db()
        amount = f"{payment.amount:.2f}"
        if action.status == "done":
            message = _(
                "A payment of £%(amount)s is recorded. The full amount is paid, so the action is done."
            )
        else:
            message = _("A payment of £%(amount)s is recorded.")
        messages.success(request, message % {"amount": amount})
        return redirect("agreements:action_detail", agreement_action_pk=action.pk)
    return _action_page(request, action, payment_form=form)


OVERDUE_PAGE_SIZE = 25


@member_required(*AGREEMENT_ROLES)
def overdue(request: MemberRequest) -> HttpResponse:
    actions = (
        AgreementAction.objects.visible_to(request.membership)
        .overdue()
        .select_related("case", "owner__person")
        .order_by("due_on", "pk")
    )
    page = BoundedPaginator(actions, OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(action, (today - action.due_on).days) for action in page]
    return render(
        request,
        "agreements/overdue.html",
        {"page_obj": page, "rows": rows, "querystring_prefix": ""},
    )
