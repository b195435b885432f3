from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum, Window
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.cases import services
from amends.cases.forms import (
    AllocateForm,
    CaseDetailsForm,
    CaseFilterForm,
    CloseForm,
    ConsentForm,
    ContactForm,
    PartyAddForm,
    PartyNotesForm,
    ReopenForm,
    RiskAssessmentForm,
)
from amends.cases.models import (
    MINUTES_LOGGED,
    RISK_CONCERNS,
    Case,
    CaseStatus,
    ConsentRecord,
    Party,
    RiskAssessment,
)
from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.audit import audit_record, client_ip
from amends.core.concurrency import EditConflict, version_of
from amends.core.forms_util import add_service_errors
from amends.core.models import AuditAction, Membership, Role
from amends.core.pagination import BoundedPaginator
from amends.core.unsaved import form_data
from amends.outcomes.models import harm_repaired_annotations
from amends.people.models import Person
from amends.people.services import person_create

CASE_ROLES = (Role.COORDINATOR, Role.FACILITATOR)
PAGE_SIZE = 25


def _case(request: MemberRequest, case_pk: int) -> Case:
    return get_visible_or_404(
        Case.objects.select_related(
            "lead_facilitator", "co_facilitator", "harm_type", "organisation"
        ),
        request.membership,
        pk=case_pk,
    )


def _party(request: MemberRequest, case: Case, party_pk: int) -> Party:
    return get_visible_or_404(
        Party.objects.select_related("person", "supports__person"),
        request.membership,
        pk=party_pk,
        case=case,
    )


def closed_case_page(request: MemberRequest, case: Case) -> HttpResponse:
    """What every change page shows for a closed case, whether opened by link or by URL."""
    return render(
        request,
        "cases/case_closed.html",
        {"case": case, "message": services.closed_message(case)},
        status=200 if request.method == "GET" else 409,
    )


def _audit_view(request: MemberRequest, record: Any, what: str) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        organisation=request.membership.organisation,
        record=record,
        summary=f"Viewed {what}",
        ip_address=client_ip(request),
    )


# Caseload -----------------------------------------------------------------------


def filter_cases(
    queryset: QuerySet[Case], data: dict[str, Any], member: Membership
) -> QuerySet[Case]:
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("sector"):
        queryset = queryset.filter(sector=data["sector"])
    if data.get("process"):
        queryset = queryset.filter(planned_process=data["process"])
    if data.get("facilitator"):
        user = data["facilitator"]
        queryset = queryset.filter(
            {
                "lead": Q(lead_facilitator=user),
                "co": Q(co_facilitator=user),
            }.get(data.get("part") or "", Q(lead_facilitator=user) | Q(co_facilitator=user))
        )
    if data.get("open") or data.get("unallocated") or data.get("overdue"):
        queryset = queryset.exclude(status=CaseStatus.CLOSED)
    if data.get("unallocated"):
        queryset = queryset.filter(lead_facilitator__isnull=True)
    if data.get("overdue"):
        queryset = queryset.filter(next_step_due__lt=timezone.localdate())
    query = (data.get("q") or "").strip()
    if query:
        # Two lookups, each served by its own index (the names' and the references' trigram
        # indexes on PostgreSQL), joined by UNION: an OR of the two would use neither.
        people = Person.objects.in_organisation_of(member).search(query)
        named = (
            Party.objects.in_organisation_of(member)
            .filter(person__in=people)
            .values("case_id")
            .order_by()
        )
        by_reference = (
            Case.objects.in_organisation_of(member)
            .filter(reference__icontains=query)
            .values("pk")
            .order_by()
        )
        # A landlord's own ASB case reference (amends.housing), stored upper case.
        by_asb_reference = (
            Case.objects.in_organisation_of(member)
            .filter(housing__asb_reference="".join(query.split()).upper()[:20])
            .values("pk")
            .order_by()
        )
        queryset = queryset.filter(pk__in=by_reference.union(named, by_asb_reference))
    return queryset


@member_required(*CASE_ROLES)
def case_list(request: MemberRequest) -> HttpResponse:
    member = request.membership
    form = CaseFilterForm(request.GET or None, member=member)
    data = form.cleaned_data if form.is_valid() else {}
    cases = filter_cases(
        Case.objects.visible_to(member).select_related(
            "lead_facilitator", "co_facilitator", "harm_type"
        ),
        data,
        member,
    ).order_by("-opened_on", "-pk")
    page = BoundedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_prefix": (query.urlencode() + "&") if query else "",
            "today": timezone.localdate(),
        },
    )


@member_required(*CASE_ROLES)
def my_cases(request: MemberRequest) -> HttpResponse:
    member = request.membership
    cases = (
        Case.objects.visible_to(member)
        .filter(Q(lead_facilitator=request.user) | Q(co_facilitator=request.user))
        .open()
        .select_related("harm_type", "lead_facilitator", "co_facilitator")
        .order_by("next_step_due", "pk")
    )
    page = BoundedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/my_cases.html", {"page_obj": page, "today": timezone.localdate()})


# One case ---------------------------------------------------------------------------


@member_required(*CASE_ROLES)
def case_detail(request: MemberRequest, case_pk: int) -> HttpResponse:
    """The case page. Its panels share what they all show (the parties, the meetings), read
    once here, so the page runs the same few queries whatever the case holds."""
    case = get_visible_or_404(
        Case.objects.select_related(
            "lead_facilitator", "co_facilitator", "harm_type", "organisation", "agreement"
        ),
        request.membership,
        pk=case_pk,
    )
    in_organisation = {"organisation_id": case.organisation_id}
    parties = list(
        case.parties.filter(**in_organisation)
        .select_related("person", "supports__person")
        .annotate(**harm_repaired_annotations())
        .order_by("pk")
    )
    consent = services.consent_state(case, parties=parties)
    last_contact = (
        case.contacts.filter(**in_organisation)
        .select_related("party__person")
        .annotate(case_minutes=Window(MINUTES_LOGGED))
        .first()
    )
    events = case.events.filter(**in_organisation).select_related("created_by")[:5]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "parties": [(p, consent.get(p.pk, [])) for p in parties],
            "case_parties": parties,
            "meetings": list(case.meetings.filter(**in_organisation)),
            "risk": services.risk_current(case),
            "minutes": last_contact.case_minutes if last_contact else 0,
            "last_contact": last_contact,
            "events": events,
            "is_coordinator": request.membership.is_coordinator,
        },
    )


@member_required(*CASE_ROLES)
def case_edit(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    form = CaseDetailsForm(form_data(request), instance=case)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CaseDetailsForm.Meta.fields}
        try:
            services.case_update(
                case=case,
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                **fields,
            )
        except EditConflict as exc:
            form = CaseDetailsForm(instance=exc.current)
            conflict = exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(reference)s is saved.") % {"reference": case.reference})
            return redirect("cases:detail", case_pk=case.pk)
    return render(
        request, "cases/case_edit.html", {"case": case, "form": form, "conflict": conflict}
    )


@member_required(Role.COORDINATOR)
def case_allocate(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    form = AllocateForm(
        form_data(request),
        member=request.membership,
        case=case,
        initial={"lead_facilitator": case.lead_facilitator, "co_facilitator": case.co_facilitator},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_allocate(
                case=case,
                lead=form.cleaned_data["lead_facilitator"],
                co=form.cleaned_data["co_facilitator"],
                by=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(reference)s is allocated.") % {"reference": case.reference}
            )
            return redirect("cases:detail", case_pk=case.pk)
    # The reason is asked for once a lead is refused for want of training, or was given.
    ask_reason = form.is_bound and (
        bool(form.data.get("override_reason"))
        or any(
            str(m).endswith(str(services.ALLOCATE_ANYWAY))
            for m in form.errors.get("lead_facilitator", [])
        )
    )
    if ask_reason:
        # Asked for because the lead was refused: to allocate them, the reason is needed, so
        # the box is not labelled optional (the form has been checked; this is its label only).
        form.fields["override_reason"].required = True
    return render(
        request,
        "cases/case_allocate.html",
        {"case": case, "form": form, "ask_reason": ask_reason},
    )


@member_required(*CASE_ROLES)
def case_timeline(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    page = BoundedPaginator(
        case.events.filter(organisation_id=case.organisation_id).select_related("created_by"), 50
    ).get_page(request.GET.get("page"))
    return render(request, "cases/case_timeline.html", {"case": case, "page_obj": page})


@member_required(*CASE_ROLES)
def case_close(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    form = CloseForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                case=case,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(reference)s is closed: %(outcome)s.")
                % {
                    "reference": case.reference,
                    "outcome": case.get_closure_outcome_display().lower(),
                },
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(request, "cases/case_close.html", {"case": case, "form": form})


@member_required(Role.COORDINATOR)
def case_reopen(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if not case.is_closed:
        messages.info(request, _("%(reference)s is open.") % {"reference": case.reference})
        return redirect("cases:detail", case_pk=case.pk)
    form = ReopenForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(case=case, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(reference)s is reopened: %(status)s.")
                % {"reference": case.reference, "status": case.get_status_display().lower()},
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(request, "cases/case_reopen.html", {"case": case, "form": form})


# Parties ---------------------------------------------------------------------------


@member_required(*CASE_ROLES)
def party_add(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    search = request.GET.get("search", "").strip()
    matches = (
        Person.objects.visible_to(request.membership).search(search)[:20]
        if search
        else Person.objects.none()
    )
    # The choice is checked against the organisation's people, so an id from elsewhere is refused.
    form = PartyAddForm(
        form_data(request), case=case, matches=Person.objects.visible_to(request.membership)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = data["person"]
            if person is None:
                person = person_create(
                    organisation=case.organisation,
                    by=request.user,
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    date_of_birth=data["date_of_birth"],
                )
            services.party_add(
                case=case,
                person=person,
                role=data["role"],
                supports=data["supports"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is added to %(reference)s.")
                % {"name": person.full_name, "reference": case.reference},
            )
            return redirect("cases:detail", case_pk=case.pk)
    return render(
        request,
        "cases/party_add.html",
        {"case": case, "form": form, "search": search, "matches": matches},
    )


@member_required(*CASE_ROLES)
def party_detail(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    """One party's page: their own details and records, and nothing of the other side's."""
    case = _case(request, case_pk)
    party = _party(request, case, party_pk)
    _audit_view(request, party.person, f"details as a party in {case.reference}")
    others = [p for p in case.parties.select_related("person") if p.pk != party.pk]
    consents = ConsentRecord.objects.filter(party=party).select_related(
        "given_by__person", "created_by"
    )
    contacts = (
        case.contacts.filter(organisation_id=case.organisation_id)
        .filter(party=party)
        .select_related("created_by")
    )
    missing = services.consent_state(case)[party.pk]
    return render(
        request,
        "cases/party_detail.html",
        {
            "case": case,
            "party": party,
            "person": party.person,
            "others": others,
            "consents": consents,
            "contacts": contacts,
            "missing": missing,
        },
    )


@member_required(*CASE_ROLES)
def party_notes(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    party = _party(request, case, party_pk)
    if case.is_closed:
        return closed_case_page(request, case)

    def saved_form(saved: Party) -> PartyNotesForm:
        return PartyNotesForm(
            initial={"private_notes": saved.private_notes, "version": version_of(saved)}
        )

    data = form_data(request)
    form = PartyNotesForm(data) if data is not None else saved_form(party)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.party_update_notes(
                party=party,
                private_notes=form.cleaned_data["private_notes"],
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
            )
        except EditConflict as exc:
            form, conflict = saved_form(cast(Party, exc.current)), exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The private notes are saved."))
            return redirect("cases:party", case_pk=case.pk, party_pk=party.pk)
    return render(
        request,
        "cases/party_notes.html",
        {"case": case, "party": party, "form": form, "conflict": conflict},
    )


@member_required(*CASE_ROLES)
def party_letter(request: MemberRequest, case_pk: int, party_pk: int) -> HttpResponse:
    """A letter to one party: their own name and address; others by first name only."""
    case = _case(request, case_pk)
    party = _party(request, case, party_pk)
    _audit_view(request, party.person, f"a letter in {case.reference}")
    meeting = (
        case.meetings.filter(organisation_id=case.organisation_id)
        .filter(status="arranged", attendees__party=party)
        .order_by("scheduled_at")
        .first()
    )
    return render(
        request,
        "cases/party_letter.html",
        {
            "case": case,
            "party": party,
            "person": party.person,
            "meeting": meeting,
            "today": timezone.localdate(),
        },
    )


# Consent, risk, contact ----------------------------------------------------------------


@member_required(*CASE_ROLES)
def consent_add(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    initial = {}
    if request.GET.get("party"):
        initial = {"party": request.GET["party"], "given_by": request.GET["party"]}
    form = ConsentForm(form_data(request), case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Consent is recorded."))
            return redirect("cases:detail", case_pk=case.pk)
    ledger = ConsentRecord.objects.filter(case=case).select_related(
        "party__person", "given_by__person", "created_by"
    )
    _audit_view(request, case, "the consent ledger")
    return render(
        request, "cases/consent_form.html", {"case": case, "form": form, "ledger": ledger}
    )


@member_required(*CASE_ROLES)
def risk_add(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed:
        return closed_case_page(request, case)
    form = RiskAssessmentForm(form_data(request), initial={"version": services.risk_version(case)})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        loaded_version = data.pop("version") or None
        try:
            services.risk_assess(case=case, by=request.user, loaded_version=loaded_version, **data)
        except EditConflict as exc:
            form = RiskAssessmentForm(initial={"version": services.risk_version(case)})
            conflict = exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The risk assessment is recorded."))
            return redirect("cases:detail", case_pk=case.pk)
    return render(
        request,
        "cases/risk_form.html",
        {
            "case": case,
            "form": form,
            "conflict": conflict,
            "current": services.risk_current(case) if conflict else None,
        },
    )


@member_required(*CASE_ROLES)
def risk_history(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    assessments = RiskAssessment.objects.filter(case=case).select_related("created_by")
    _audit_view(request, case, "the risk assessments")
    return render(
        request,
        "cases/risk_history.html",
        {"case": case, "assessments": assessments, "concerns": RISK_CONCERNS},
    )


@member_required(*CASE_ROLES)
def contact_list(request: MemberRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    if case.is_closed and request.method == "POST":
        return closed_case_page(request, case)
    form = ContactForm(form_data(request), case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_log(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact is logged."))
            return redirect("cases:contacts", case_pk=case.pk)
    entries = case.contacts.filter(organisation_id=case.organisation_id).select_related(
        "party__person", "created_by"
    )
    page = BoundedPaginator(entries, 50).get_page(request.GET.get("page"))
    total = case.minutes_logged()
    per_facilitator = (
        case.contacts.filter(organisation_id=case.organisation_id)
        .values("created_by__full_name")
        .annotate(total=Sum("minutes"))
        .order_by("-total")
    )
    _audit_view(request, case, "the contact log")
    return render(
        request,
        "cases/contact_list.html",
        {
            "case": case,
            "form": form,
            "page_obj": page,
            "total": total,
            "per_facilitator": per_facilitator,
        },
    )
