from django.urls import path

from amends.core import audit_views, views

app_name = "core"

urlpatterns = [
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("organisation/settings/", views.organisation_settings, name="organisation_settings"),
    path("organisation/members/", views.members, name="members"),
    path("organisation/members/invite/", views.member_invite, name="member_invite"),
    path("organisation/members/<int:membership_pk>/", views.member_detail, name="member_detail"),
    path(
        "organisation/members/<int:membership_pk>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "organisation/members/<int:membership_pk>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "organisation/invitations/<int:invitation_pk>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("organisation/audit/", audit_views.audit_log, name="audit_log"),
    path("organisation/audit/export.csv", audit_views.audit_log_export, name="audit_log_export"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("platform/organisations/", views.platform_organisations, name="platform_organisations"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
