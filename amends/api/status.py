"""What a key may know of a referral it submitted: the referrer's view, nothing more.

The same as a referrer account sees on "Your referrals": whether it was accepted, the reason
if it was declined (never the coordinator's note), and how far the work has gone, as a stage.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from amends.referrals.models import Referral
from amends.referrals.services import referral_progress


def referral_status(referral: Referral, *, idempotency_key: str) -> dict[str, Any]:
    decided = referral.decided_at
    # The API speaks English, whatever language the caller's browser or a page asked for.
    with translation.override(settings.LANGUAGE_CODE):
        status_label = str(referral.get_status_display())
        decline_reason_label = str(referral.get_decline_reason_display()) or None
        progress = str(referral_progress(referral))
    return {
        "id": referral.pk,
        "idempotency_key": idempotency_key,
        "received_on": referral.received_on.isoformat(),
        "status": referral.status,
        "status_label": status_label,
        "progress": progress,
        "decided_on": timezone.localdate(decided).isoformat() if decided else None,
        "decline_reason": referral.decline_reason or None,
        "decline_reason_label": decline_reason_label,
    }
