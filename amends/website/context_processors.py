from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from amends.website.services import site_settings

# The training app's public list of programmes, if it has one (it is built alongside).
TRAINING_URL_NAMES = ("training:public_programmes", "training:programmes_public")


def training_url() -> str:
    for name in TRAINING_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("website:home") + "#programmes"


def site_navigation(request: HttpRequest) -> list[dict[str, Any]]:
    items = [
        (gettext("Home"), reverse("website:home")),
        (gettext("Training"), training_url()),
        (gettext("Book training"), reverse("website:enquiry_new")),
        (gettext("Ask for restorative justice"), reverse("website:request_new")),
        (gettext("Contact us"), reverse("website:contact")),
    ]
    return [
        {"label": label, "href": href, "current": "#" not in href and href == request.path}
        for label, href in items
    ]


def website(request: HttpRequest) -> dict[str, Any]:
    """The brand and the site's navigation, for the public base template (read only when a
    page uses them)."""
    return {
        "site": SimpleLazyObject(site_settings),
        "site_navigation": SimpleLazyObject(lambda: site_navigation(request)),
    }
