"""The menu shows households only to organisations working in communities and social housing."""

from __future__ import annotations

from django.http import HttpRequest

from amends.core.context_processors import NAVIGATION_CHECKS
from amends.core.models import Sector


def _works_in_housing(request: HttpRequest) -> bool:
    member = getattr(request, "membership", None)
    return member is not None and Sector.COMMUNITIES in (member.organisation.sectors or [])


NAVIGATION_CHECKS["housing:list"] = _works_in_housing
NAVIGATION_CHECKS["housing:settings"] = _works_in_housing
