"""State changes for organisations, memberships and invitations.

Each function is atomic and writes its audit record in the same transaction.
Refusals are ValidationErrors with a plain-English message for the form.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.audit import audit_record, english
from amends.core.concurrency import save_versioned
from amends.core.models import AuditAction, Invitation, Membership, Organisation, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from amends.accounts.models import User

INVITATION_LIFETIME = timedelta(days=7)


def organisation_create(*, by: User, **fields: Any) -> Organisation:
    with transaction.atomic():
        organisation = Organisation(**fields)
        organisation.full_clean()
        organisation.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=organisation,
            summary="Created the organisation",
        )
    return organisation


def organisation_update(
    *, organisation: Organisation, by: User, loaded_version: str | None, **fields: Any
) -> Organisation:
    """Change the organisation's details, refusing if someone else saved since the page loaded."""
    with transaction.atomic():
        save_versioned(organisation, loaded_version, fields)
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=organisation,
            record=organisation,
            summary="Changed the organisation's details: " + ", ".join(sorted(fields)),
        )
    return organisation


def invitation_create(
    *, organisation: Organisation, email: str, role: str, by: User
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and its one-time token."""
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": "Select a role from the list"})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Two coordinators inviting the same person at once take turns: one invitation is sent.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if Membership.objects.filter(
            organisation=organisation, user__email__iexact=email, is_active=True
        ).exists():
            raise ValidationError({"email": f"{email} is already a member of {organisation.name}"})
        if (
            Invitation.objects.pending()
            .filter(organisation=organisation, email__iexact=email)
            .exists()
        ):
            raise ValidationError(
                {
                    "email": f"{email} has already been invited. "
                    "Cancel that invitation to send a new one"
                }
            )
        invitation = Invitation(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=Invitation.hash_token(token),
            invited_by=by,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        invitation.full_clean()
        invitation.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=invitation,
            summary=f"Invited a new {english(invitation.get_role_display()).lower()}",
        )
        accept_url = settings.SITE_URL + reverse("core:accept_invitation", args=[token])
        context = {"invitation": invitation, "accept_url": accept_url, "inviter": by}
        transaction.on_commit(
            lambda: send_mail(
                subject=f"You are invited to join {organisation.name} on Amends",
                message=render_to_string("core/email/invitation.txt", context),
                from_email=None,
                recipient_list=[email],
            )
        )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.pending()
        .select_related("organisation")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    with transaction.atomic():
        invitation.refresh_from_db(from_queryset=Invitation.objects.select_for_update())
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            return  # accepted or cancelled meanwhile: nothing left to cancel
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=invitation.organisation,
            record=invitation,
            summary="Cancelled an invitation",
        )


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    with transaction.atomic():
        invitation.refresh_from_db(from_queryset=Invitation.objects.select_for_update())
        if not invitation.is_pending:
            raise ValidationError(
                _("This invitation has expired or been cancelled. Ask for a new one.")
            )
        if user.email.lower() != invitation.email.lower():
            raise ValidationError(_("This invitation was sent to a different e-mail address."))
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "created_by": invitation.invited_by},
        )
        if not created:
            membership.role = invitation.role
            membership.is_active = True
            membership.deactivated_at = None
            membership.deactivated_by = None
            membership.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            organisation=invitation.organisation,
            record=membership,
            summary="Accepted an invitation",
        )
    return membership


def _membership_locked(membership: Membership) -> Membership:
    """Lock the organisation, then re-read the membership.

    Every change to who is a coordinator locks the organisation's row first, so
    two coordinators demoting or deactivating each other at once take turns,
    and the second sees the first's change: one coordinator always remains.
    """
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    membership.refresh_from_db(from_queryset=Membership.objects.select_for_update())
    return membership


def _refuse_if_last_coordinator(membership: Membership, refusal: StrOrPromise) -> None:
    """`refusal` names the person (`%(name)s`) and the organisation (`%(organisation)s`)."""
    if membership.role != Role.COORDINATOR or not membership.is_active:
        return
    others = (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role=Role.COORDINATOR)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            refusal
            % {
                "name": membership.user.get_full_name(),
                "organisation": membership.organisation.name,
            }
        )


def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": "Select a role from the list"})
    with transaction.atomic():
        _membership_locked(membership)
        if role == membership.role:
            return membership
        if role != Role.COORDINATOR:
            _refuse_if_last_coordinator(
                membership,
                _(
                    "You cannot change the role of %(name)s: they are the only coordinator "
                    "of %(organisation)s. Make someone else a coordinator first."
                ),
            )
        old = membership.get_role_display()
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=membership.organisation,
            record=membership,
            summary=f"Changed role from {english(old)} to {english(membership.get_role_display())}",
        )
    return membership


def membership_deactivate(*, membership: Membership, by: User) -> Membership:
    with transaction.atomic():
        _membership_locked(membership)
        if not membership.is_active:
            return membership
        _refuse_if_last_coordinator(
            membership,
            _(
                "You cannot deactivate %(name)s: they are the only coordinator "
                "of %(organisation)s. Make someone else a coordinator first."
            ),
        )
        membership.is_active = False
        membership.deactivated_at = timezone.now()
        membership.deactivated_by = by
        membership.save(
            update_fields=["is_active", "deactivated_at", "deactivated_by", "updated_at"]
        )
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=membership.organisation,
            record=membership,
            summary="Deactivated a member",
        )
    return membership


def membership_reactivate(*, membership: Membership, by: User) -> Membership:
    with transaction.atomic():
        _membership_locked(membership)
        if membership.is_active:
            return membership
        membership.is_active = True
        membership.deactivated_at = None
        membership.deactivated_by = None
        membership.save(
            update_fields=["is_active", "deactivated_at", "deactivated_by", "updated_at"]
        )
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=membership.organisation,
            record=membership,
            summary="Reactivated a member",
        )
    return membership
