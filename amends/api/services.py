"""Making and revoking API keys."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.api.models import ApiKey, Scope
from amends.core.audit import audit_record
from amends.core.models import AuditAction, Organisation

if TYPE_CHECKING:
    from amends.accounts.models import User

LONGEST_LIFE = datetime.timedelta(days=2 * 366)


@dataclass(frozen=True)
class NewKey:
    """A key as it is made: the only time its secret parts exist outside a hash."""

    api_key: ApiKey
    key: str
    webhook_secret: str


def api_key_create(
    *,
    organisation: Organisation,
    by: User,
    name: str,
    scopes: list[str],
    expires_on: datetime.date,
    webhook_url: str = "",
) -> NewKey:
    name = " ".join(name.split())
    if not scopes or set(scopes) - set(Scope.values):
        raise ValidationError({"scopes": _("Choose what the key may do")})
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": _("The expiry date must be in the future")})
    if expires_on > today + LONGEST_LIFE:
        raise ValidationError(
            {"expires_on": _("A key can last at most 2 years: choose an earlier expiry date")}
        )
    key, prefix = ApiKey.new_key()
    secret = f"whsec_{secrets.token_urlsafe(32)}" if webhook_url else ""
    expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
    with transaction.atomic():
        api_key = ApiKey(
            organisation=organisation,
            name=name,
            prefix=prefix,
            key_hash=ApiKey.hash_key(key),
            scopes=[s for s in Scope.values if s in scopes],
            expires_at=expires_at,
            webhook_url=webhook_url,
            webhook_secret=secret,
            created_by=by,
            updated_by=by,
        )
        api_key.full_clean()
        api_key.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=api_key,
            summary=f"Made the API key “{name}” ({prefix})",
        )
    return NewKey(api_key=api_key, key=key, webhook_secret=secret)


def api_key_revoke(*, api_key: ApiKey, by: User) -> ApiKey:
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This key is already revoked"))
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.updated_by = by
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_by", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=locked.organisation,
            record=locked,
            summary=f"Revoked the API key “{locked.name}” ({locked.prefix})",
        )
    return locked
