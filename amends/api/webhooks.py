"""Signed webhooks: when a referral a key submitted is accepted or declined, Amends posts
the referrer's view of it to the key's webhook address.

Each message is signed with HMAC-SHA256 over `<timestamp>.<body>` using the key's webhook
secret, and carries:

    Amends-Webhook-Id: <delivery id, the same on every try of one message>
    Amends-Webhook-Timestamp: <seconds since 1970, when this try was sent>
    Amends-Webhook-Signature: v1=<hex digest>

How a receiver checks it is in the API's documentation (RECEIVER_GUIDE below).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from amends.api.models import ApiKey, ApiSubmission
from amends.api.status import referral_status
from amends.referrals.models import Referral
from amends.referrals.services import referral_decided
from amends.tasks.deliveries import DeliveryFailed, delivery_create, register_sender
from amends.tasks.models import Delivery, DeliveryKind

KIND = DeliveryKind.WEBHOOK
SIGNATURE_VERSION = "v1"

RECEIVER_GUIDE = """
## Webhooks

When a referral your key submitted is accepted or declined, Amends sends a `POST` to the
key's webhook address with the referral's status (the same body as
`GET /api/v1/referrals/{referral_id}`, inside an envelope) and these headers:

| header | value |
|---|---|
| `Amends-Webhook-Id` | the message's id: the same on every try of one message |
| `Amends-Webhook-Timestamp` | when this try was sent, in seconds since 1970-01-01 UTC |
| `Amends-Webhook-Signature` | `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` |

To check a message:

1. Join the timestamp header, a full stop, and the raw request body, byte for byte.
2. Compute HMAC-SHA256 of that with your webhook secret (shown once, when the key was made).
3. Compare it with the hex digest after `v1=` in constant time; refuse the message if they differ.
4. Refuse a timestamp more than 5 minutes from your clock, so a captured message cannot be
   replayed later.
5. Keep the `Amends-Webhook-Id` of messages you have recorded, and ignore a repeat.

```python
import hashlib, hmac, time

def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(timestamp)) < 300
    return fresh and hmac.compare_digest(f"v1={expected}", signature)
```

Answer with any 2xx status within 10 seconds. Any other answer, or none, is tried again
after 30 seconds, then 1, 2, 4, 8 … minutes (at most 6 hours apart), 8 tries in all; after
that the delivery is shown to the service's coordinators as failed, and they can send it again.
""".strip()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: following it would turn the POST into a GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={digest.hexdigest()}"


@receiver(referral_decided, sender=Referral, dispatch_uid="api-webhook-on-decision")
def _on_referral_decided(sender: type[Referral], referral: Referral, **kwargs: Any) -> None:
    """Record a webhook (in the deciding transaction) if a key with an address submitted it."""
    submission = (
        ApiSubmission.objects.select_related("api_key")
        .filter(organisation_id=referral.organisation_id, referral_id=referral.pk)
        .first()
    )
    if submission is None:
        return
    key = submission.api_key
    if not key.webhook_url or key.is_revoked:
        return
    delivery_create(
        organisation=referral.organisation,
        kind=KIND,
        event=f"referral.{referral.status}",
        sender=key,
        subject=referral,
        destination=key.webhook_url,
        payload={
            "event": f"referral.{referral.status}",
            "occurred_at": timezone.now().isoformat(),
            "referral": referral_status(referral, idempotency_key=submission.idempotency_key),
        },
    )


@register_sender(KIND)
def send_webhook(delivery: Delivery) -> None:
    key = ApiKey.objects.filter(pk=delivery.sender_id).first()
    if key is None or key.is_revoked:
        raise DeliveryFailed("The API key was revoked, so its webhooks are not sent")
    url = key.webhook_url
    if not url or urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryFailed("The API key has no webhook address")
    body = json.dumps({"id": str(delivery.pk), **delivery.payload}, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Amends-Webhook/1",
            "Amends-Webhook-Id": str(delivery.pk),
            "Amends-Webhook-Timestamp": timestamp,
            "Amends-Webhook-Signature": sign(key.webhook_secret, timestamp, body),
        },
    )
    try:
        with _OPENER.open(request, timeout=settings.AMENDS_WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"The receiver answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(f"The receiver could not be reached: {reason}"[:300]) from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"The receiver answered {status}")
