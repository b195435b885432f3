from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.accounts.models import User
from amends.cases.models import ProcessType
from amends.core.forms_govuk import DateField
from amends.core.models import Organisation, OrganisationKind, Role, Sector
from amends.referrals.models import Referral
from amends.reports.filters import ReportFilter, default_period
from amends.reports.models import ReportSettings

LONGEST_PERIOD_YEARS = 10


class ReportFilterForm(forms.Form):
    """The filters, read from the query string so a filtered report can be bookmarked."""

    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    start = DateField(label=_("From"), help_text=_("For example, 1 4 2026"), required=False)
    end = DateField(label=_("To"), help_text=_("For example, 30 6 2026"), required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any sector")), *Sector.choices]
    )
    process = forms.ChoiceField(
        label=_("Process"), required=False, choices=[("", _("Any process")), *ProcessType.choices]
    )
    source_agency = forms.ChoiceField(label=_("Referring agency"), required=False)
    facilitator = forms.ChoiceField(label=_("Facilitator"), required=False)

    def __init__(
        self,
        *args: Any,
        org_ids: list[int],
        scope_choices: list[tuple[str, str]],
        today: datetime.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        organisation: Any = self.fields["organisation"]
        organisation.choices = scope_choices
        if len(scope_choices) < 2:
            del self.fields["organisation"]
        agencies = (
            Referral.objects.filter(organisation_id__in=org_ids)
            .order_by("source_agency")
            .values_list("source_agency", flat=True)
            .distinct()
        )
        agency: Any = self.fields["source_agency"]
        agency.choices = [("", _("Any agency")), *[(a, a) for a in agencies if a]]
        people = (
            User.objects.filter(
                memberships__organisation_id__in=org_ids,
                memberships__role__in=[Role.FACILITATOR, Role.COORDINATOR],
            )
            .order_by("full_name", "pk")
            .values_list("pk", "full_name")
            .distinct()
        )
        facilitator: Any = self.fields["facilitator"]
        facilitator.choices = [("", _("Anyone")), *[(str(pk), name) for pk, name in people]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must be the same as or after its start"))
        if start and start > self.today:
            self.add_error("start", _("The start of the period must be today or in the past"))
        if start and end and (end - start).days > 366 * LONGEST_PERIOD_YEARS:
            self.add_error(
                "end",
                _("The period must be %(years)s years or shorter")
                % {"years": LONGEST_PERIOD_YEARS},
            )
        return data

    def report_filter(self) -> ReportFilter:
        """The filters chosen; the default period where none (or a wrong one) was given."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start, end = default_period(self.today)
        start, end = data.get("start") or start, data.get("end") or end
        if end < start:
            start, end = default_period(self.today)
        facilitator = data.get("facilitator")
        return ReportFilter(
            start=start,
            end=end,
            sector=data.get("sector", ""),
            process=data.get("process", ""),
            source_agency=data.get("source_agency", ""),
            facilitator_id=int(facilitator) if facilitator else None,
        )


class ReportSettingsForm(forms.ModelForm):
    hourly_rate = forms.DecimalField(
        label=_("Hourly cost of a facilitator (£)"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text=_("Salary, on-costs and overheads for one hour of a facilitator's time."),
        error_messages={
            "invalid": _("Hourly cost must be an amount in pounds, like 32.50"),
            "max_digits": _("Hourly cost must be less than £100,000"),
            "max_decimal_places": _("Hourly cost must have no more than 2 figures after the point"),
            "max_whole_digits": _("Hourly cost must be less than £100,000"),
            "min_value": _("Hourly cost must be £0 or more"),
        },
    )

    class Meta:
        model = ReportSettings
        fields = ["hourly_rate"]


class ShareWithForm(forms.Form):
    consultancy = forms.ModelChoiceField(
        label=_("Which consultancy supports you?"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the consultancy to share your figures with")},
    )
    agree = forms.BooleanField(
        label=_("We agree that this consultancy may see our reports' figures"),
        help_text=_(
            "Only counts, rates and averages, with small numbers hidden. Never a "
            "record, a name or a case. You can withdraw at any time."
        ),
        error_messages={"required": _("Confirm that you agree to share your figures")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consultancy: Any = self.fields["consultancy"]
        consultancy.queryset = (
            Organisation.objects.filter(kind=OrganisationKind.CONSULTANCY)
            .exclude(pk=organisation.pk)
            .order_by("name")
        )
