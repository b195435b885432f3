"""The access path: who is working in which organisation, and what they may open.

Every view that reads personal data is wrapped in `member_required` and reads
through a model's `visible_to(member)`. Another organisation's record is a
404, never a 403, so nobody learns that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from amends.core.models import Membership
from amends.core.vocabulary import speak_sector_of_record

if TYPE_CHECKING:
    from amends.accounts.models import User

View = Callable[..., HttpResponse]
M = TypeVar("M", bound=models.Model)


class AuthedRequest(HttpRequest):
    """A request from a signed-in user (after `login_required`)."""

    user: User
    membership: Membership | None


class MemberRequest(AuthedRequest):
    """A request that passed `member_required`: signed in, with a current membership."""

    membership: Membership


def member_required(*roles: str) -> Callable[[View], View]:
    """Signed in, with an active membership in one of `roles` (any role if none given).

    A page about a particular record (its URL names the record) answers 404
    to a role that may not open it, so a URL never confirms that a record
    exists; a list page answers 403 with a plain explanation.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            member: Membership | None = getattr(request, "membership", None)
            if member is None or (roles and not member.has_role(*roles)):
                if kwargs or member is None:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.amends_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def platform_admin_required(view: View) -> View:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_platform_admin", False):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def get_visible_or_404(model: type[M] | QuerySet[M], member: Membership, **lookup: Any) -> M:
    """One record through the model's access path: someone else's is a 404.

    Pass a QuerySet (of the model's own QuerySet class) to add select_related.
    A record of one sector (a case, a referral) makes the page speak that sector's words.
    """
    source: Any = model if isinstance(model, QuerySet) else model._default_manager
    record: M = get_object_or_404(source.visible_to(member), **lookup)
    speak_sector_of_record(record)
    return record
