"""Your account: who you are, and every way to change how you sign in, on one page."""

from __future__ import annotations

from allauth.mfa.base.views import IndexView
from django.contrib.auth.decorators import login_required
from django.utils.decorators import method_decorator


@method_decorator(login_required, name="dispatch")
class AccountView(IndexView):
    """allauth's second-factor overview (which authenticators you have), with your details."""

    template_name = "account/your_account.html"


account = AccountView.as_view()
