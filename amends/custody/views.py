"""Prisons' pages: where a prisoner is held, release, transfer, visitors' clearance,
conduct before and after, and the coordinator's view of them all.

Each page belongs to a prison's service: in any other organisation it does not exist
(404), as another organisation's record does not.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case as CaseWhen
from django.db.models import When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.cases.models import Case, Party, PartyRole
from amends.cases.views import CASE_ROLES, _case, closed_case_page
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.forms_util import add_service_errors, form_submit
from amends.core.models import Role
from amends.core.unsaved import form_data
from amends.custody import services
from amends.custody.forms import (
    ELSEWHERE,
    ClearanceStepForm,
    ConductForm,
    PersonCustodyForm,
    ReleaseForm,
    TransferForm,
)
from amends.custody.models import (
    CaseCustody,
    CaseTransfer,
    ConductRecord,
    PersonCustody,
    TransferDirection,
    VisitorClearance,
)
from amends.people.models import Person


def _prisons_only(request: MemberRequest) -> None:
    if not services.is_prison_service(request.membership.organisation):
        raise Http404


def _prison_case(request: MemberRequest, case_pk: int) -> Case:
    _prisons_only(request)
    return _case(request, case_pk)


@member_required(*CASE_ROLES)
def person_custody(request: MemberRequest, person_pk: int) -> HttpResponse:
    _prisons_only(request)
    person = get_visible_or_404(Person, request.membership, pk=person_pk)
    custody = PersonCustody.objects.filter(person=person).first()
    number = services.prison_number_of(person)
    initial = {
        "establishment": custody.establishment if custody else request.membership.organisation.name,
        "wing": custody.wing if custody else "",
        "cell": custody.cell if custody else "",
        "crn": custody.crn if custody else "",
        "prison_number": number.value if number else "",
    }
    form = PersonCustodyForm(form_data(request), initial=initial)

    def save(data: dict[str, str]) -> PersonCustody:
        return services.person_custody_save(
            person=person,
            by=request.user,
            establishment=data["establishment"],
            wing=data["wing"],
            cell=data["cell"],
            prison_number=data["prison_number"],
            crn=data["crn"],
        )

    if request.method == "POST" and form_submit(form, save) is not None:
        messages.success(
            request, _("Where %(name)s is held is saved.") % {"name": person.full_name}
        )
        return redirect("people:detail", person_pk=person.pk)
    return render(request, "custody/person_custody.html", {"person": person, "form": form})


@member_required(*CASE_ROLES)
def release(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _prison_case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    custody = CaseCustody.objects.filter(case=case).first()
    form = ReleaseForm(
        form_data(request), initial={"release_on": custody.release_on if custody else None}
    )

    def save(data: dict[str, object]) -> CaseCustody:
        return services.release_date_set(
            case=case,
            by=request.user,
            release_on=data["release_on"],  # type: ignore[arg-type]
        )

    if request.method == "POST" and form_submit(form, save) is not None:
        messages.success(
            request,
            _("The release date in %(reference)s is saved.") % {"reference": case.reference},
        )
        return redirect("cases:detail", case_pk=case.pk)
    return render(request, "custody/release_form.html", {"case": case, "form": form})


@member_required(Role.COORDINATOR)
def transfer(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _prison_case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    already = services.transferred_out(case)
    receivers = services.receiving_establishments(case.organisation)
    form = TransferForm(form_data(request), receivers=receivers)
    if request.method == "POST" and already is None and form.is_valid():
        receiver = form.receiver_organisation()
        try:
            services.case_transfer(
                case=case,
                by=request.user,
                transferred_on=form.cleaned_data["transferred_on"],
                receiver=receiver,
                establishment=""
                if form.cleaned_data["receiver"] != ELSEWHERE
                else form.cleaned_data["establishment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            name = receiver.name if receiver else form.cleaned_data["establishment"].strip()
            messages.success(
                request,
                _("The transfer of %(reference)s to %(service)s is recorded.")
                % {"reference": case.reference, "service": name},
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(
        request,
        "custody/transfer_form.html",
        {"case": case, "form": form, "already": already},
    )


@member_required(*CASE_ROLES)
def clearance(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    case = _prison_case(request, case_pk)
    party = get_visible_or_404(
        Party.objects.select_related("person"), request.membership, pk=party_pk, case=case
    )
    current = (
        VisitorClearance.objects.filter(party=party).prefetch_related("steps__created_by").first()
    )
    form = ClearanceStepForm(form_data(request))
    if request.method == "POST":
        if case.is_closed:
            return closed_case_page(request, case)

        def save(data: dict[str, object]) -> VisitorClearance:
            return services.clearance_step_record(
                case=case,
                party=party,
                by=request.user,
                step=str(data["step"]),
                taken_on=data["taken_on"],  # type: ignore[arg-type]
                note=str(data["note"]),
            )

        if form_submit(form, save):
            messages.success(
                request,
                _("The security clearance step for %(name)s is recorded.")
                % {"name": party.person.full_name},
            )
            back = request.GET.get("meeting", "")
            if back.isdigit() and case.meetings.filter(pk=int(back)).exists():
                return redirect("meetings:detail", meeting_pk=int(back))
            return redirect("custody:clearance", case_pk=case.pk, party_pk=party.pk)
    return render(
        request,
        "custody/clearance.html",
        {
            "case": case,
            "party": party,
            "clearance": current,
            "steps": list(current.steps.all()) if current else [],
            "form": form,
            "meeting_pk": request.GET.get("meeting", ""),
        },
    )


@member_required(*CASE_ROLES)
def conduct(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _prison_case(request, case_pk)
    # The prisoners responsible first: theirs are the figures most often entered.
    responsible_first = CaseWhen(When(role=PartyRole.RESPONSIBLE, then=0), default=1)
    parties = case.parties.select_related("person").order_by(responsible_first, "pk")
    form = ConductForm(form_data(request), parties=parties)
    if request.method == "POST":
        # Figures for after the process come in once it is over: a closed case takes them.

        def save(data: dict[str, object]) -> ConductRecord:
            return services.conduct_record_save(
                case=case,
                party=data["party"],  # type: ignore[arg-type]
                by=request.user,
                period=str(data["period"]),
                months=int(data["months"]),  # type: ignore[call-overload]
                adjudications=int(data["adjudications"]),  # type: ignore[call-overload]
                violent_incidents=int(data["violent_incidents"]),  # type: ignore[call-overload]
            )

        if form_submit(form, save):
            messages.success(request, _("The figures are saved."))
            return redirect("custody:conduct", case_pk=case.pk)
    records = (
        ConductRecord.objects.filter(case=case)
        .select_related("party__person")
        .order_by("party_id", "-period")  # before, then after
    )
    return render(
        request,
        "custody/conduct.html",
        {"case": case, "form": form, "records": records},
    )


@member_required(Role.COORDINATOR)
def overview(request: MemberRequest) -> HttpResponse:
    _prisons_only(request)
    member = request.membership
    cases = Case.objects.visible_to(member)
    warned = list(
        services.with_release_warning(cases)
        .select_related("lead_facilitator")
        .order_by("release_on", "pk")[:50]
    )
    transfers = list(
        CaseTransfer.objects.visible_to(member)
        .select_related("case", "referral")
        .order_by("-transferred_on", "-pk")[:50]
    )
    return render(
        request,
        "custody/overview.html",
        {
            "warned": warned,
            "transfers_out": [t for t in transfers if t.direction == TransferDirection.OUT],
            "transfers_in": [t for t in transfers if t.direction == TransferDirection.IN],
            "today": timezone.localdate(),
        },
    )
