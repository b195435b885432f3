"""E-mail to a school's designated safeguarding lead that a concern was raised on a case.

It names the case by its reference and who raised it: never the pupils, nor the concern,
which the person who raised it passes on through the school's safeguarding procedure.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amends.accounts.models import User
from amends.cases.models import Case


def safeguarding_notify(*, case: Case, leads: list[User], raised_by: User) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.pk])
    # Staff have no language of their own yet: their e-mails are in the service's language,
    # not in the language of the page the change was made on.
    with translation.override(settings.LANGUAGE_CODE):
        for lead in leads:
            send_mail(
                subject=_("Amends: safeguarding concern raised on %(reference)s")
                % {"reference": case.reference},
                message=render_to_string(
                    "schools/email/safeguarding_raised.txt",
                    {
                        "lead": lead,
                        "case": case,
                        "organisation": case.organisation,
                        "raised_by": raised_by,
                        "at": timezone.localtime(),
                        "link": link,
                    },
                ),
                from_email=None,
                recipient_list=[lead.email],
            )
