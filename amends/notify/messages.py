"""The words of each message to a person: defaults in English and Welsh, placeholders, checks.

A message may be read by someone other than the person it is for (a shared phone, a family
inbox), so it carries no detail of the case: no reference, no harm, no other person's name.
The placeholders are the only way a detail gets in, and none of them names anyone but the
person the message is for; a template with any other placeholder is refused.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amends.notify.models import MessageKind, MessageTemplate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What each placeholder stands for, as the template editor lists it.
COMMON = {
    "first_name": gettext_lazy("the first name of the person the message is for"),
    "service_name": gettext_lazy("your organisation's name"),
    "service_phone": gettext_lazy("your organisation's telephone number"),
}
MEETING = {
    "meeting_date": gettext_lazy(
        "the day of the meeting, e.g. Monday 26 October 2026 (in Welsh, 26 Hydref 2026 (dydd Llun))"
    ),
    "meeting_time": gettext_lazy("the time the meeting starts, e.g. 10:00"),
}
LINK = {
    "link": gettext_lazy("the one-time link to the feedback form"),
    "link_expires": gettext_lazy("the day the link stops working"),
}
PLACEHOLDERS: dict[str, dict[str, StrOrPromise]] = {
    MessageKind.INVITATION: {**COMMON, **MEETING},
    MessageKind.CHANGE: {**COMMON, **MEETING},
    MessageKind.CANCELLATION: {**COMMON, **MEETING},
    MessageKind.REMINDER: {**COMMON, **MEETING},
    MessageKind.THANK_YOU: dict(COMMON),
    MessageKind.FEEDBACK_LINK: {**COMMON, **LINK},
}
# Left in the stored message and filled in only as it is sent, so a one-time link is
# never kept once the message has gone.
SECRET_PLACEHOLDERS = {"link"}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (MessageKind.INVITATION, "en"): (
        "Your meeting on {meeting_date}",
        "Hello {first_name},\n\n"
        "We have arranged the meeting we talked about for {meeting_date} at {meeting_time}.\n\n"
        "If you cannot come, or you have a question, please call us on {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.INVITATION, "cy"): (
        "Eich cyfarfod ar {meeting_date}",
        "Helo {first_name},\n\n"
        "Rydym wedi trefnu'r cyfarfod y buom yn siarad amdano ar gyfer {meeting_date} "
        "am {meeting_time}.\n\n"
        "Os na allwch ddod, neu os oes gennych gwestiwn, ffoniwch ni ar {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.CHANGE, "en"): (
        "Your meeting has changed",
        "Hello {first_name},\n\n"
        "Your meeting has changed. It is now on {meeting_date} at {meeting_time}.\n\n"
        "If this does not suit you, please call us on {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.CHANGE, "cy"): (
        "Mae eich cyfarfod wedi newid",
        "Helo {first_name},\n\n"
        "Mae eich cyfarfod wedi newid. Bydd nawr ar {meeting_date} am {meeting_time}.\n\n"
        "Os nad yw hyn yn gyfleus i chi, ffoniwch ni ar {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.CANCELLATION, "en"): (
        "Your meeting on {meeting_date} is cancelled",
        "Hello {first_name},\n\n"
        "The meeting on {meeting_date} at {meeting_time} will not go ahead.\n\n"
        "We will be in touch about what happens next. If you have a question, please call us "
        "on {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.CANCELLATION, "cy"): (
        "Mae eich cyfarfod ar {meeting_date} wedi'i ganslo",
        "Helo {first_name},\n\n"
        "Ni fydd y cyfarfod ar {meeting_date} am {meeting_time} yn cael ei gynnal.\n\n"
        "Byddwn yn cysylltu â chi am beth sy'n digwydd nesaf. Os oes gennych gwestiwn, "
        "ffoniwch ni ar {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.REMINDER, "en"): (
        "Reminder: your meeting on {meeting_date}",
        "Hello {first_name},\n\n"
        "This is a reminder of your meeting on {meeting_date} at {meeting_time}.\n\n"
        "If you cannot come, please call us on {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.REMINDER, "cy"): (
        "Nodyn atgoffa: eich cyfarfod ar {meeting_date}",
        "Helo {first_name},\n\n"
        "Dyma nodyn i'ch atgoffa am eich cyfarfod ar {meeting_date} am {meeting_time}.\n\n"
        "Os na allwch ddod, ffoniwch ni ar {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.THANK_YOU, "en"): (
        "Thank you",
        "Hello {first_name},\n\n"
        "Thank you for taking part. We know it is not always easy.\n\n"
        "If you would like to talk to us about anything, please call us on {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.THANK_YOU, "cy"): (
        "Diolch",
        "Helo {first_name},\n\n"
        "Diolch am gymryd rhan. Rydym yn gwybod nad yw hyn bob amser yn hawdd.\n\n"
        "Os hoffech siarad â ni am unrhyw beth, ffoniwch ni ar {service_phone}.\n\n"
        "{service_name}",
    ),
    (MessageKind.FEEDBACK_LINK, "en"): (
        "Tell us how it went",
        "Hello {first_name},\n\n"
        "We would like to know how it went for you. It takes about 3 minutes:\n\n"
        "{link}\n\n"
        "The link works once, and stops working on {link_expires}. "
        "Please do not forward it.\n\n"
        "{service_name}",
    ),
    (MessageKind.FEEDBACK_LINK, "cy"): (
        "Dywedwch wrthym sut aeth pethau",
        "Helo {first_name},\n\n"
        "Hoffem wybod sut aeth pethau i chi. Mae'n cymryd tua 3 munud:\n\n"
        "{link}\n\n"
        "Dim ond unwaith y mae'r ddolen yn gweithio, a bydd yn dod i ben ar {link_expires}. "
        "Peidiwch â'i hanfon ymlaen at unrhyw un arall.\n\n"
        "{service_name}",
    ),
}


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str
    customised: bool = False


def wording_for(organisation_id: int, kind: str, language: str) -> Wording:
    """The organisation's own wording if it has one, otherwise the default."""
    own = MessageTemplate.objects.filter(
        organisation_id=organisation_id, kind=kind, language=language
    ).first()
    if own is not None:
        return Wording(own.subject, own.body, customised=True)
    subject, body = DEFAULTS[(kind, language)]
    return Wording(subject, body)


def placeholder_problems(kind: str, text: str) -> list[str]:
    """Why `text` cannot be used for a message of this kind (empty when it can)."""
    allowed = PLACEHOLDERS[kind]
    problems = []
    for name in _PLACEHOLDER.findall(text):
        if name not in allowed:
            listed = ", ".join("{" + p + "}" for p in allowed)
            problems.append(
                _("%(placeholder)s is not a placeholder this message can use. Use only %(listed)s")
                % {"placeholder": "{" + name + "}", "listed": listed}
            )
    without = _PLACEHOLDER.sub("", text)
    if "{" in without or "}" in without:
        problems.append(
            _("Each { must be closed with a } around a placeholder name, e.g. {first_name}")
        )
    return list(dict.fromkeys(problems))


def fill(text: str, values: dict[str, str]) -> str:
    """Put the values in; secret placeholders are left for the moment of sending."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in SECRET_PLACEHOLDERS:
            return match.group(0)
        return values.get(name, match.group(0))

    return _PLACEHOLDER.sub(one, text)


def fill_secret(text: str, secret: dict[str, str]) -> str:
    for name in SECRET_PLACEHOLDERS:
        text = text.replace("{" + name + "}", secret.get(name, ""))
    return text


def meeting_values(at: datetime.datetime, language: str) -> dict[str, str]:
    """The meeting's day and time, in the person's language and in UK time."""
    local = timezone.localtime(at)
    with translation.override(language):
        day, weekday = date_format(local, "j F Y"), date_format(local, "l")
        # Welsh mutates a weekday after "ar" ("ar ddydd Llun"), so the Welsh date leads with
        # the number, which never mutates, whatever word comes before it.
        meeting_date = (
            f"{day} ({weekday[0].lower()}{weekday[1:]})" if language == "cy" else f"{weekday} {day}"
        )
        return {"meeting_date": meeting_date, "meeting_time": date_format(local, "H:i")}


def day_in(day: datetime.date | datetime.datetime, language: str) -> str:
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    with translation.override(language):
        return date_format(day, "j F Y")


def sample_values(kind: str, language: str, organisation_name: str, phone: str) -> dict[str, str]:
    """Made-up details for the preview."""
    at = timezone.make_aware(datetime.datetime(2026, 10, 26, 10, 0))
    values = {
        "first_name": "Siân",
        "service_name": organisation_name,
        "service_phone": phone or "01632 960 001",
        **meeting_values(at, language),
        "link_expires": day_in(datetime.date(2026, 11, 9), language),
    }
    return {name: values[name] for name in PLACEHOLDERS[kind] if name in values}


SAMPLE_LINK = "https://amends.example.org/feedback/example-link"
