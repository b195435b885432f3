"""The coordinator's page of deliveries that failed or are being retried."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from amends.core.access import MemberRequest, get_visible_or_404, member_required
from amends.core.models import Role
from amends.core.pagination import BoundedPaginator
from amends.tasks.deliveries import delivery_retry
from amends.tasks.models import Delivery, DeliveryStatus


@member_required(Role.COORDINATOR)
def deliveries(request: MemberRequest) -> HttpResponse:
    visible = Delivery.objects.visible_to(request.membership)
    failed = BoundedPaginator(
        visible.filter(status=DeliveryStatus.FAILED).order_by("-created_at"), 25
    ).get_page(request.GET.get("page"))
    retrying = visible.filter(status=DeliveryStatus.PENDING, attempts__gt=0).order_by(
        "next_attempt_at"
    )[:50]
    # Messages to people that their safe-contact answers stopped, or that wait for their hours.
    withheld = visible.filter(status=DeliveryStatus.WITHHELD).order_by("-created_at")[:50]
    waiting = (
        visible.filter(status=DeliveryStatus.PENDING, attempts=0)
        .exclude(note="")
        .order_by("next_attempt_at")[:50]
    )
    return render(
        request,
        "tasks/deliveries.html",
        {"page_obj": failed, "retrying": retrying, "withheld": withheld, "waiting": waiting},
    )


@member_required(Role.COORDINATOR)
def delivery_try_again(request: MemberRequest, delivery_pk: str) -> HttpResponse:
    delivery = get_visible_or_404(Delivery, request.membership, pk=delivery_pk)
    if request.method == "POST":
        try:
            delivery_retry(delivery=delivery, by=request.user)
        except ValidationError as exc:
            messages.warning(request, exc.messages[0])
        else:
            messages.success(request, _("The delivery will be tried again in a moment."))
    return redirect("deliveries:list")
