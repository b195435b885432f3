"""How the schools app joins the rest: the pause on restorative work, and the menu item."""

from __future__ import annotations

from django.http import HttpRequest

from amends.cases.services import PAUSES
from amends.core.context_processors import NAVIGATION_CHECKS
from amends.core.models import Sector
from amends.schools.services import safeguarding_pause

PAUSES.append(safeguarding_pause)


def works_in_schools(request: HttpRequest) -> bool:
    member = getattr(request, "membership", None)
    return member is not None and Sector.SCHOOLS in (member.organisation.sectors or [])


NAVIGATION_CHECKS["schools:conversations"] = works_in_schools
NAVIGATION_CHECKS["schools:settings"] = works_in_schools
