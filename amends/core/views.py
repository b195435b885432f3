from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from amends.core import services
from amends.core.access import (
    AuthedRequest,
    MemberRequest,
    get_visible_or_404,
    member_required,
    platform_admin_required,
)
from amends.core.concurrency import EditConflict
from amends.core.forms import (
    AcceptInvitationForm,
    InviteForm,
    NewOrganisationForm,
    OrganisationSettingsForm,
    RoleForm,
)
from amends.core.forms_util import add_service_errors
from amends.core.middleware import work_in
from amends.core.models import Invitation, Membership, Organisation, Role
from amends.core.unsaved import form_data


@login_required
@require_POST
def switch_organisation(request: AuthedRequest) -> HttpResponse:
    membership = (
        Membership.objects.active()
        .filter(user=request.user, pk=request.POST.get("membership") or 0)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        messages.error(request, _("Choose one of your organisations."))
    else:
        work_in(request, membership)
        messages.success(
            request,
            _("You are now working in %(organisation)s.")
            % {"organisation": membership.organisation.name},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("core:dashboard")
    return redirect(next_url)


# Members -------------------------------------------------------------------


@member_required(Role.COORDINATOR)
def members(request: MemberRequest) -> HttpResponse:
    member = request.membership
    memberships = (
        Membership.objects.visible_to(member)
        .select_related("user")
        .order_by("-is_active", "user__full_name")
    )
    invitations = Invitation.objects.visible_to(member).pending().select_related("invited_by")
    return render(
        request, "core/members.html", {"memberships": memberships, "invitations": invitations}
    )


@member_required(Role.COORDINATOR)
def member_invite(request: MemberRequest) -> HttpResponse:
    member = request.membership
    form = InviteForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                organisation=member.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("core:members")
    return render(request, "core/member_invite.html", {"form": form})


@member_required(Role.COORDINATOR)
def member_detail(request: MemberRequest, membership_pk: int) -> HttpResponse:
    member = request.membership
    membership = get_visible_or_404(Membership, member, pk=membership_pk)
    form = RoleForm(form_data(request), initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now a %(role)s.")
                % {
                    "name": membership.user.get_full_name(),
                    "role": membership.get_role_display().lower(),
                },
            )
            return redirect("core:members")
    return render(request, "core/member_detail.html", {"membership": membership, "form": form})


@member_required(Role.COORDINATOR)
def member_deactivate(request: MemberRequest, membership_pk: int) -> HttpResponse:
    member = request.membership
    membership = get_visible_or_404(Membership, member, pk=membership_pk)
    error = ""
    if request.method == "POST":
        try:
            services.membership_deactivate(membership=membership, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                _("%(name)s can no longer sign in to %(organisation)s.")
                % {
                    "name": membership.user.get_full_name(),
                    "organisation": membership.organisation.name,
                },
            )
            return redirect("core:members")
    return render(
        request, "core/member_deactivate.html", {"membership": membership, "error": error}
    )


@member_required(Role.COORDINATOR)
def member_reactivate(request: MemberRequest, membership_pk: int) -> HttpResponse:
    member = request.membership
    membership = get_visible_or_404(Membership, member, pk=membership_pk)
    if request.method != "POST":
        return redirect("core:members")
    services.membership_reactivate(membership=membership, by=request.user)
    messages.success(
        request, _("%(name)s is a member again.") % {"name": membership.user.get_full_name()}
    )
    return redirect("core:members")


@member_required(Role.COORDINATOR)
def invitation_cancel(request: MemberRequest, invitation_pk: int) -> HttpResponse:
    member = request.membership
    invitation = get_visible_or_404(Invitation, member, pk=invitation_pk)
    if request.method == "POST":
        services.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(
            request, _("The invitation to %(email)s is cancelled.") % {"email": invitation.email}
        )
        return redirect("core:members")
    return render(request, "core/invitation_cancel.html", {"invitation": invitation})


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "core/invitation_invalid.html", status=404)
    User = get_user_model()
    existing = User.objects.filter(email__iexact=invitation.email).first()
    context: dict[str, object] = {"invitation": invitation}

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as exc:
                context["error"] = exc.messages[0]
            else:
                work_in(request, membership)
                messages.success(
                    request,
                    _("You have joined %(organisation)s.")
                    % {"organisation": invitation.organisation.name},
                )
                return redirect("core:dashboard")
        return render(request, "core/invitation_accept_signed_in.html", context)

    if existing is not None:
        login_url = f"{reverse('account_login')}?next={request.path}"
        return render(
            request, "core/invitation_sign_in_first.html", {**context, "login_url": login_url}
        )

    form = AcceptInvitationForm(form_data(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
            membership = services.invitation_accept(invitation=invitation, user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        work_in(request, membership)
        messages.success(
            request,
            _("Welcome to Amends. You have joined %(organisation)s.")
            % {"organisation": invitation.organisation.name},
        )
        return redirect("core:dashboard")
    return render(request, "core/invitation_accept.html", {**context, "form": form})


# Organisation ----------------------------------------------------------------


@member_required(Role.COORDINATOR)
def organisation_settings(request: MemberRequest) -> HttpResponse:
    member = request.membership
    organisation = member.organisation
    form = OrganisationSettingsForm(
        form_data(request), instance=Organisation.objects.get(pk=organisation.pk)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=form.instance,
                by=request.user,
                loaded_version=form.cleaned_data["version"] or None,
                **{
                    name: form.cleaned_data[name] for name in form.changed_data if name != "version"
                },
            )
        except EditConflict as exc:
            form = OrganisationSettingsForm(instance=exc.current)
            conflict = exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The organisation's details are saved."))
            return redirect("core:organisation_settings")
    return render(request, "core/organisation_settings.html", {"form": form, "conflict": conflict})


@platform_admin_required
def platform_organisations(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    organisations = Organisation.objects.all()
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(town__icontains=query))
    form = NewOrganisationForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        coordinator_email = data.pop("coordinator_email")
        with transaction.atomic():
            organisation = services.organisation_create(by=request.user, **data)
            services.invitation_create(
                organisation=organisation,
                email=coordinator_email,
                role=Role.COORDINATOR,
                by=request.user,
            )
        messages.success(
            request,
            _("%(organisation)s is set up and %(email)s is invited to run it.")
            % {"organisation": organisation.name, "email": coordinator_email},
        )
        return redirect("core:platform_organisations")
    return render(
        request,
        "core/platform_organisations.html",
        {"organisations": organisations, "form": form, "query": query},
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")
