"""Nobody sees personal data without a second factor."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from amends.accounts import mfa
from amends.core.middleware import active_memberships

Handler = Callable[[HttpRequest], HttpResponse]


class SecondFactorRequiredMiddleware:
    """Sends anyone who must use a second factor to enrol one before anything else.

    Sign-in, sign-out, enrolment (all under /accounts/) and static files stay
    open. A session that reached Amends without proving the second factor the
    account has (for example one made before it was enrolled) is signed out,
    so the next sign-in asks for it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.open_prefixes = ("/accounts/", settings.STATIC_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.open_prefixes)
            and mfa.second_factor_required(user, active_memberships(request))
        ):
            destination = mfa.enrolment_url(user)
            if destination is not None:
                return redirect(destination)
            if not mfa.session_has_second_factor(request, user):
                logout(request)
                messages.info(
                    request,
                    _("Sign in again with your passkey.")
                    if getattr(user, "is_platform_admin", False)
                    else _("Sign in again to confirm it is you."),
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account_login')}?{query}")
        return self.get_response(request)
