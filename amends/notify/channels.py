"""Sending an e-mail or a text: Django's mail (SMTP) or GOV.UK Notify, chosen by settings.

AMENDS_EMAIL_SERVICE is "smtp" (Django's mail back end: SMTP when EMAIL_HOST is set) or
"notify"; AMENDS_TEXT_SERVICE is "notify" or empty (no texts). Notify sends through one
e-mail template and one text template on the service's Notify account whose content is
the placeholders ((subject)) and ((body)) (and ((body)) for texts): the words are
Amends's, per organisation and language.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from requests import RequestException

from amends.tasks.deliveries import DeliveryFailed


def notify_client() -> NotificationsAPIClient:
    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=20
    )


def _notify_call(send: str, **kwargs: object) -> None:
    try:
        getattr(notify_client(), send)(**kwargs)
    except HTTPError as exc:
        # Notify's own message can quote the address or number; only its status is kept.
        raise DeliveryFailed(f"GOV.UK Notify refused the message ({exc.status_code})") from None
    except RequestException:
        raise DeliveryFailed("GOV.UK Notify could not be reached") from None


def email_attaches_files() -> bool:
    """Whether an e-mail can carry a calendar file. GOV.UK Notify cannot: its "send a file
    by email" takes PDF, CSV, text and office documents only, behind a download page, so a
    meeting invitation through Notify carries a link to the file on Amends instead."""
    return settings.AMENDS_EMAIL_SERVICE != "notify"


def email_send(
    *,
    to: str,
    subject: str,
    body: str,
    reference: str,
    calendar: str = "",
    calendar_method: str = "REQUEST",
) -> None:
    """Send one e-mail. A calendar invitation goes as an .ics attachment by SMTP; through
    Notify, which cannot attach one, the sender puts a link to it in the body instead."""
    if not email_attaches_files():
        _notify_call(
            "send_email_notification",
            email_address=to,
            template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
            personalisation={"subject": subject, "body": body},
            reference=reference,
        )
        return
    message = EmailMessage(
        subject=subject, body=body, to=[to], headers={"X-Amends-Message-Id": reference}
    )
    if calendar:
        message.attach(
            "invitation.ics" if calendar_method == "REQUEST" else "cancellation.ics",
            calendar,
            f"text/calendar; method={calendar_method}; charset=UTF-8",
        )
    try:
        message.send()
    except OSError:
        raise DeliveryFailed("The mail server could not be reached") from None


def text_send(*, to: str, body: str, reference: str) -> None:
    if settings.AMENDS_TEXT_SERVICE != "notify":
        raise DeliveryFailed("Text messages are not set up for this service")
    _notify_call(
        "send_sms_notification",
        phone_number=to,
        template_id=settings.NOTIFY_TEXT_TEMPLATE_ID,
        personalisation={"body": body},
        reference=reference,
    )
