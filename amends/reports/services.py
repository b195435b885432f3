"""Changes to an organisation's report settings and sharing: atomic, each audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.accounts.models import User
from amends.core.audit import audit_record
from amends.core.models import AuditAction, Organisation, OrganisationKind
from amends.reports.models import AggregateSharing, ReportSettings


def report_settings_of(organisation: Organisation) -> ReportSettings:
    """The organisation's settings; unsaved defaults if a coordinator never saved any."""
    found = ReportSettings.objects.filter(organisation=organisation).first()
    return found or ReportSettings(organisation=organisation)


def report_settings_update(
    *, organisation: Organisation, hourly_rate: Decimal | None, by: User
) -> ReportSettings:
    with transaction.atomic():
        settings, _ = ReportSettings.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        settings.hourly_rate = hourly_rate
        settings.updated_by = by
        settings.full_clean()
        settings.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=organisation,
            record=settings,
            summary="Changed the hourly cost of a facilitator used in reports",
        )
    return settings


def sharing_agree(
    *, organisation: Organisation, consultancy: Organisation, by: User
) -> AggregateSharing:
    """Let `consultancy` see this organisation's aggregate reports, from now on."""
    if consultancy.kind != OrganisationKind.CONSULTANCY:
        raise ValidationError({"consultancy": _("Choose a consultancy from the list")})
    if consultancy.pk == organisation.pk:
        raise ValidationError({"consultancy": _("An organisation already sees its own reports")})
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if (
            AggregateSharing.objects.current()
            .filter(organisation=organisation, consultancy=consultancy)
            .exists()
        ):
            raise ValidationError(
                {
                    "consultancy": _("You already share your figures with %(name)s")
                    % {"name": consultancy.name}
                }
            )
        sharing = AggregateSharing.objects.create(
            organisation=organisation, consultancy=consultancy, agreed_by=by
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=sharing,
            summary=f"Agreed to share aggregate reports with {consultancy.name}"[:300],
        )
    return sharing


def sharing_withdraw(*, sharing: AggregateSharing, by: User) -> AggregateSharing:
    """Stop sharing. The agreement's record stays, with who withdrew it and when."""
    with transaction.atomic():
        sharing = AggregateSharing.objects.select_for_update().get(pk=sharing.pk)
        if sharing.withdrawn_at is not None:
            return sharing
        sharing.withdrawn_at = timezone.now()
        sharing.withdrawn_by = by
        sharing.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=sharing.organisation,
            record=sharing,
            summary=f"Withdrew sharing of aggregate reports with {sharing.consultancy.name}"[:300],
        )
    return sharing
