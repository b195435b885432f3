"""E-mails about a case to the people working on it.

An inbox is not a safe place for a case: these name the case by its reference
only, never the people in it or anything about the harm.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from amends.accounts.models import User
from amends.cases.models import Case


def allocation_notify(*, case: Case, newly_allocated: dict[int, str]) -> None:
    """Tell each newly allocated facilitator (user id: "lead" or "co") about their new case."""
    link = settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.pk])
    # Staff have no language of their own yet: their e-mails are in the service's language,
    # not in the language of the page the change was made on.
    with translation.override(settings.LANGUAGE_CODE):
        for user in User.objects.filter(pk__in=newly_allocated, is_active=True):
            part = newly_allocated[user.pk]
            send_mail(
                subject=_("Amends: case %(reference)s is allocated to you")
                % {"reference": case.reference},
                message=render_to_string(
                    "cases/email/allocated.txt",
                    {
                        "user": user,
                        "case": case,
                        "organisation": case.organisation,
                        "as_lead": part == "lead",
                        "link": link,
                    },
                ),
                from_email=None,
                recipient_list=[user.email],
            )
