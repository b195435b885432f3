from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from amends.agreements import services
from amends.agreements.forms import (
    AcceptanceForm,
    ActionForm,
    ConfirmForm,
    PaymentForm,
    ResolveForm,
)
from amends.agreements.models import ActionKind, Agreement, AgreementAction
from amends.agreements.pdf import agreement_pdf
from amends.cases.models import Case, PartyRole
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import audit_record, client_ip
from amends.core.forms_util import confirm_then, form_submit
from amends.core.models import AuditAction, Role
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

    Shared by the agreement page and facilitation mode.
    """

    def add(data: dict[str, Any]) -> AgreementAction:
        agreement = services.agreement_for(case=case, by=request.user, meeting=meeting)
        return services.action_add(agreement=agreement, by=request.user, **data)

    return form_submit(form, add)


def _agreement_page(
    request: MemberRequest,
    case: Case,
    accept_form: AcceptanceForm | None = None,
    confirm_form: ConfirmForm | None = None,
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
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "case": case,
            "agreement": agreement,
            "actions": actions_of(agreement),
            "acceptances": acceptances,
            "still_to_accept": needed,
            "accept_form": accept_form or AcceptanceForm(case=case, accepted=accepted),
            "confirm_form": confirm_form or ConfirmForm(),
        },
    )


@member_required(*AGREEMENT_ROLES)
def agreement_detail(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    return _agreement_page(request, case)


@member_required(*AGREEMENT_ROLES)
def action_add(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    form = ActionForm(form_data(request), case=case)
    if request.method == "POST" and action_add_from_form(request, case, form):
        messages.success(request, "The action is added to the agreement.")
        return redirect("agreements:detail", case_pk=case.pk)
    return render(request, "agreements/action_form.html", {"case": case, "form": form})


def _visible_action(request: MemberRequest, agreement_action_pk: int) -> AgreementAction:
    return get_visible_or_404(AgreementAction, request.membership, pk=agreement_action_pk)


@member_required(*AGREEMENT_ROLES)
def action_remove(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    action = _visible_action(request, agreement_action_pk)
    owner = action.owner.first_name
    return confirm_then(
        request,
        do=lambda: services.action_remove(action=action, by=request.user),
        done="The action is removed from the agreement.",
        next_url=reverse("agreements:detail", args=[action.case_id]),
        context={
            "case": action.case,
            "heading": f"Remove the {action.get_kind_display().lower()} by {owner}?",
            "detail": action.description,
            "button": "Remove",
            "back_url": reverse("agreements:detail", args=[action.case_id]),
            "back_label": "Back to the agreement",
        },
    )


@member_required(*AGREEMENT_ROLES)
def accept(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    if request.method != "POST":
        return redirect("agreements:detail", case_pk=case.pk)
    agreement = agreement_of(case)
    accepted = set(agreement.acceptances.values_list("party_id", flat=True)) if agreement else set()
    form = AcceptanceForm(request.POST, case=case, accepted=accepted)
    if agreement is None:
        form.add_error(None, "Add the agreement's actions before recording who accepted it.")
    elif acceptance := form_submit(
        form, lambda data: services.agreement_accept(agreement=agreement, by=request.user, **data)
    ):
        messages.success(request, f"{acceptance.party.first_name}'s acceptance is recorded.")
        return redirect("agreements:detail", case_pk=case.pk)
    return _agreement_page(request, case, accept_form=form)


@member_required(*AGREEMENT_ROLES)
def confirm(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    if request.method != "POST":
        return redirect("agreements:detail", case_pk=case.pk)
    agreement = agreement_of(case)
    form = ConfirmForm(request.POST)
    if agreement is None:
        form.add_error(None, "The agreement cannot be confirmed: it has no actions.")
    elif form_submit(
        form, lambda data: services.agreement_confirm(agreement=agreement, by=request.user, **data)
    ):
        messages.success(request, "The agreement is confirmed. Its actions are now followed up.")
        return redirect("agreements:detail", case_pk=case.pk)
    return _agreement_page(request, case, confirm_form=form)


@member_required(*AGREEMENT_ROLES)
def agreement_download(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.membership, pk=case_pk)
    agreement = agreement_of(case)
    if agreement is None:
        messages.info(request, "There is no agreement to print yet.")
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
) -> HttpResponse:
    payments = list(action.payments.all()) if action.kind == ActionKind.RESTITUTION else []
    paid = sum((p.amount for p in payments), Decimal("0"))
    return render(
        request,
        "agreements/action_detail.html",
        {
            "action": action,
            "case": action.case,
            "payments": payments,
            "paid": paid,
            "left_to_pay": (action.amount - paid) if action.amount is not None else None,
            "resolve_form": resolve_form or ResolveForm(),
            "payment_form": payment_form or PaymentForm(),
        },
    )


@member_required(*AGREEMENT_ROLES)
def action_detail(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    return _action_page(request, _visible_action(request, agreement_action_pk))


@member_required(*AGREEMENT_ROLES)
def action_resolve(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    action = _visible_action(request, agreement_action_pk)
    if request.method != "POST":
        return redirect("agreements:action_detail", agreement_action_pk=action.pk)
    form = ResolveForm(request.POST)
    if form_submit(
        form, lambda data: services.action_resolve(action=action, by=request.user, **data)
    ):
        messages.success(
            request,
            f"The action is recorded as {action.get_status_display().lower()}, verified by you.",
        )
        return redirect("agreements:detail", case_pk=action.case_id)
    return _action_page(request, action, resolve_form=form)


@member_required(*AGREEMENT_ROLES)
def payment_add(request: MemberRequest, agreement_action_pk: int) -> HttpResponse:
    action = _visible_action(request, agreement_action_pk)
    if request.method != "POST":
        return redirect("agreements:action_detail", agreement_action_pk=action.pk)
    form = PaymentForm(request.POST)
    if payment := form_submit(
        form, lambda data: services.payment_record(action=action, by=request.user, **data)
    ):
        messages.success(request, f"A payment of £{payment.amount:.2f} is recorded.")
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
    page = Paginator(actions, OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(action, (today - action.due_on).days) for action in page]
    return render(
        request,
        "agreements/overdue.html",
        {"page_obj": page, "rows": rows, "querystring_prefix": ""},
    )
