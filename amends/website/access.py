"""Who runs the public website: the coordinators of the consultancy that owns it, and
platform administrators.

The site belongs to one organisation: the one named by AMENDS_WEBSITE_ORGANISATION, or else
the first consultancy. Enquiries and requests made on the site are that organisation's
records, read through the usual `visible_to` path (coordinators only); the site-wide content
(pages, brand, contact details, the routing table) holds no personal data, and platform
administrators may manage it too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from amends.core.models import Membership, Organisation, OrganisationKind, Role

View = Callable[..., HttpResponse]


def website_owner() -> Organisation | None:
    name = getattr(settings, "AMENDS_WEBSITE_ORGANISATION", "")
    owners = Organisation.objects.all()
    if name:
        return owners.filter(name=name).first()
    return owners.filter(kind=OrganisationKind.CONSULTANCY).order_by("pk").first()


def is_owner_coordinator(member: Membership | None) -> bool:
    if member is None or not member.has_role(Role.COORDINATOR):
        return False
    # Only a consultancy, or the organisation named in the settings, can own the website:
    # a coordinator of any other service is answered without reading the owner.
    name = getattr(settings, "AMENDS_WEBSITE_ORGANISATION", "")
    could_own = (
        member.organisation.name == name
        if name
        else member.organisation.kind == OrganisationKind.CONSULTANCY
    )
    if not could_own:
        return False
    owner = website_owner()
    return owner is not None and member.organisation_id == owner.pk


def is_site_staff(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if getattr(user, "is_platform_admin", False):
        return True
    return is_owner_coordinator(getattr(request, "membership", None))


def site_staff_required(view: View) -> View:
    """Site-wide content: the owner's coordinators and platform administrators. Anyone else
    gets 404, so the staff pages do not admit they exist."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_site_staff(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
