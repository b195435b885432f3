from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amends.core.access import MemberRequest, member_required
from amends.core.audit import audit_record
from amends.core.forms_util import add_service_errors
from amends.core.models import AuditAction, Role
from amends.core.replica import reads_from_replica
from amends.core.unsaved import form_data
from amends.reports import services
from amends.reports.figures import FIGURES, REPORTS, build, figures_for, reports_for, table_by_key
from amends.reports.filters import ReportFilter, recent_quarters
from amends.reports.forms import ReportFilterForm, ReportSettingsForm, ShareWithForm
from amends.reports.models import AggregateSharing
from amends.reports.scope import Scope, scope_for
from amends.reports.tables import Table, suppress

READERS = (Role.COORDINATOR, Role.VIEWER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: MemberRequest) -> tuple[ReportFilterForm, ReportFilter, Scope]:
    scope = scope_for(request.membership, request.GET.get("organisation"))
    today = timezone.localdate()
    form = ReportFilterForm(
        request.GET or None, org_ids=scope.org_ids, scope_choices=scope.choices, today=today
    )
    return form, form.report_filter(), scope


def _query(request: MemberRequest) -> str:
    return request.GET.urlencode()


def _context(
    request: MemberRequest, form: ReportFilterForm, f: ReportFilter, scope: Scope
) -> dict[str, Any]:
    query = request.GET.copy()
    quarters = []
    for label, start, end in recent_quarters(timezone.localdate()):
        q = query.copy()
        for part, day in (("start", start), ("end", end)):
            q[f"{part}_0"], q[f"{part}_1"], q[f"{part}_2"] = (
                str(day.day),
                str(day.month),
                str(day.year),
            )
        quarters.append({"label": label, "query": q.urlencode()})
    offered = reports_for(scope.org_ids)
    return {
        "form": form,
        "filter": f,
        "scope": scope,
        "query": _query(request),
        "quarters": quarters,
        "reports": [r for r in offered if not r.is_return],
        "returns": [r for r in offered if r.is_return],
    }


@member_required(*READERS)
@reads_from_replica
def index(request: MemberRequest) -> HttpResponse:
    form, f, scope = _filters(request)
    return render(request, "reports/index.html", _context(request, form, f, scope))


def report_page(request: MemberRequest, report_key: str) -> HttpResponse:
    report = REPORTS[report_key]
    form, f, scope = _filters(request)
    if report not in reports_for(scope.org_ids):
        raise Http404
    context = _context(request, form, f, scope)
    tables = build(report, scope.org_ids, f)
    context.update(
        {
            "report": report,
            "tables": tables,
            "definitions": _definitions(tables),
        }
    )
    return render(request, "reports/report.html", context)


def _definitions(tables: list[Table]) -> list[Any]:
    seen: dict[str, Any] = {}
    for table in tables:
        for key in table.figures:
            seen.setdefault(key, FIGURES[key])
    return list(seen.values())


def _page_for(key: str) -> Any:
    @member_required(*READERS)
    @reads_from_replica
    def view(request: MemberRequest) -> HttpResponse:
        return report_page(request, key)

    view.__name__ = f"report_{key}"
    return view


@member_required(*READERS)
@reads_from_replica
def dictionary(request: MemberRequest) -> HttpResponse:
    scope = scope_for(request.membership, request.GET.get("organisation"))
    return render(
        request,
        "reports/dictionary.html",
        {"figures": figures_for(scope.org_ids), "query": _query(request)},
    )


def _download_name(table: Table, f: ReportFilter, extension: str) -> str:
    return f"{slugify(str(table.title))}-{f.start:%Y-%m-%d}-to-{f.end:%Y-%m-%d}.{extension}"


def table_csv(table: Table, f: ReportFilter, scope: Scope) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(heading) for heading in table.headings()])
    for row in table.all_rows():
        writer.writerow([cell.export_value() for cell in row])
    for name, cell in table.summary:
        writer.writerow([str(name), cell.export_value()])
    return out.getvalue()


def tables_xlsx(tables: list[Table], f: ReportFilter, scope: Scope) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = str(_("About"))
    about.append([str(_("Amends report"))])
    about["A1"].font = Font(bold=True, size=14)
    about.append([str(_("Organisations")), str(scope.label)])
    for name, value in f.describe():
        about.append([str(name), str(value)])
    about.append([str(_("Made on")), date_format(timezone.localdate(), "j F Y")])
    about.append([])
    about.append(
        [
            str(
                _(
                    "Counts from 1 to 4 show as “fewer than 5”; “hidden” marks a figure left out "
                    "so that a small number cannot be worked out from the others."
                )
            )
        ]
    )
    about.append([])
    about.append(
        [
            str(_("Figure")),
            str(_("Definition")),
            str(_("Counted per")),
            str(_("Placed in the period")),
        ]
    )
    for figure in _definitions(tables):
        about.append(
            [str(figure.name), str(figure.definition), str(figure.counted), str(figure.dated_by)]
        )
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 100
    for table in tables:
        sheet = book.create_sheet(str(table.title)[:31].replace("’", "'"))
        sheet.append([str(heading) for heading in table.headings()])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.all_rows():
            sheet.append([cell.export_value() for cell in row])
        for name, cell in table.summary:
            sheet.append([str(name), cell.export_value()])
        sheet.column_dimensions["A"].width = 45
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@member_required(*READERS)
@reads_from_replica
def download(request: MemberRequest) -> HttpResponse:
    """One table as CSV or XLSX (?table=…&format=…), a whole report as XLSX (?report=…),
    or without either, every table of every report as XLSX."""
    _form, f, scope = _filters(request)
    kind = request.GET.get("format", "csv" if "table" in request.GET else "xlsx")
    if kind not in ("csv", "xlsx"):
        raise Http404
    # Another sector's report, or a table of one, is no more downloadable than it is shown.
    offered = reports_for(scope.org_ids)
    if "report" in request.GET:
        report = REPORTS.get(request.GET["report"])
        if report is None or report not in offered or kind != "xlsx":
            raise Http404
        tables = build(report, scope.org_ids, f)
        name = f"{slugify(str(report.title))}-{f.start:%Y-%m-%d}-to-{f.end:%Y-%m-%d}.xlsx"
    elif "table" not in request.GET:
        if kind != "xlsx":
            raise Http404
        by_key = {t.key: t for r in offered for t in build(r, scope.org_ids, f)}
        tables = list(by_key.values())
        name = f"amends-reports-{f.start:%Y-%m-%d}-to-{f.end:%Y-%m-%d}.xlsx"
    else:
        function = table_by_key(request.GET.get("table", ""), offered)
        if function is None:
            raise Http404
        tables = [suppress(function(scope.org_ids, f))]
        name = _download_name(tables[0], f, kind)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        organisation=request.membership.organisation,
        record_type="report",
        summary=f"Downloaded {name}"[:300],
    )
    if kind == "csv":
        response = HttpResponse(
            table_csv(tables[0], f, scope), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(tables_xlsx(tables, f, scope), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@member_required(*READERS)
@reads_from_replica
def quarterly_pdf(request: MemberRequest) -> HttpResponse:
    from amends.reports.pdf import report_pdf

    _form, f, scope = _filters(request)
    sections = [(report, build(report, scope.org_ids, f)) for report in reports_for(scope.org_ids)]
    pdf = report_pdf(sections, f, scope, figures_for(scope.org_ids))
    name = f"amends-report-{f.start:%Y-%m-%d}-to-{f.end:%Y-%m-%d}.pdf"
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        organisation=request.membership.organisation,
        record_type="report",
        summary=f"Downloaded {name}",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Settings: the hourly cost, and sharing with a consultancy -----------------------------


@member_required(Role.COORDINATOR)
def report_settings(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    current = services.report_settings_of(organisation)
    form = ReportSettingsForm(form_data(request), instance=current, prefix="rate")
    share_form = ShareWithForm(prefix="share", organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_settings_update(
                organisation=organisation,
                hourly_rate=form.cleaned_data["hourly_rate"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The hourly cost is saved."))
            return redirect("reports:settings")
    return _settings_page(request, form, share_form)


def _settings_page(request: MemberRequest, form: Any, share_form: Any) -> HttpResponse:
    organisation = request.membership.organisation
    history = AggregateSharing.objects.filter(organisation=organisation).select_related(
        "consultancy", "agreed_by", "withdrawn_by"
    )
    return render(
        request,
        "reports/settings.html",
        {
            "form": form,
            "share_form": share_form,
            "sharing": [s for s in history if s.withdrawn_at is None],
            "history": list(history),
        },
    )


@require_POST
@member_required(Role.COORDINATOR)
def sharing_agree(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    share_form = ShareWithForm(request.POST, prefix="share", organisation=organisation)
    if share_form.is_valid():
        try:
            services.sharing_agree(
                organisation=organisation,
                consultancy=share_form.cleaned_data["consultancy"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(share_form, exc)
        else:
            messages.success(
                request,
                _("%(consultancy)s can now see your reports' figures.")
                % {"consultancy": share_form.cleaned_data["consultancy"].name},
            )
            return redirect("reports:settings")
    form = ReportSettingsForm(instance=services.report_settings_of(organisation), prefix="rate")
    return _settings_page(request, form, share_form)


@require_POST
@member_required(Role.COORDINATOR)
def sharing_withdraw(request: MemberRequest) -> HttpResponse:
    sharing = get_object_or_404(
        AggregateSharing.objects.current(),
        pk=request.POST.get("sharing", "0")
        if str(request.POST.get("sharing", "")).isdigit()
        else 0,
        organisation=request.membership.organisation,
    )
    services.sharing_withdraw(sharing=sharing, by=request.user)
    messages.success(
        request,
        _("%(consultancy)s can no longer see your reports' figures.")
        % {"consultancy": sharing.consultancy.name},
    )
    return redirect(reverse("reports:settings"))
