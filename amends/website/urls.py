from django.urls import path

from amends.website import views

app_name = "website"

urlpatterns = [
    # Public: no sign-in.
    path("", views.home, name="home"),
    path("about-our-training/<slug:sector>/", views.programme, name="programme"),
    path("privacy-notice/", views.page, {"page_slug": "privacy-notice"}, name="privacy"),
    path(
        "accessibility-statement/",
        views.page,
        {"page_slug": "accessibility-statement"},
        name="accessibility",
    ),
    path("contact/", views.contact, name="contact"),
    path("training-enquiry/", views.enquiry_new, name="enquiry_new"),
    path("training-enquiry/sent/", views.enquiry_sent, name="enquiry_sent"),
    path("ask-for-restorative-justice/", views.request_new, name="request_new"),
    path("ask-for-restorative-justice/sent/", views.request_sent, name="request_sent"),
    path("site/brand.css", views.brand_css, name="brand_css"),
    path("site/logo.png", views.logo, name="logo"),
    # Staff.
    path("site-admin/", views.dashboard, name="dashboard"),
    path("site-admin/pages/<slug:page_slug>/", views.page_edit, name="page_edit"),
    path("site-admin/pages/<slug:page_slug>/history/", views.page_history, name="page_history"),
    path(
        "site-admin/pages/<slug:page_slug>/history/<int:number>/",
        views.page_version,
        name="page_version",
    ),
    path("site-admin/brand/", views.brand, name="brand"),
    path("site-admin/brand/logo/", views.logo_upload, name="logo_upload"),
    path("site-admin/brand/logo/remove/", views.logo_remove, name="logo_remove"),
    path("site-admin/contact-details/", views.contact_details, name="contact_details"),
    path("site-admin/routing/", views.routing, name="routing"),
    path("site-admin/routing/remove/", views.routing_remove, name="routing_remove"),
    path("site-admin/enquiries/", views.enquiries, name="enquiries"),
    path("site-admin/enquiries/<int:trainingenquiry_pk>/", views.enquiry, name="enquiry"),
    path(
        "site-admin/enquiries/<int:trainingenquiry_pk>/status/",
        views.enquiry_status,
        name="enquiry_status",
    ),
    path(
        "site-admin/enquiries/<int:trainingenquiry_pk>/notes/",
        views.enquiry_note,
        name="enquiry_note",
    ),
    path("site-admin/requests/", views.help_requests, name="requests"),
    path("site-admin/requests/<int:helprequest_pk>/", views.help_request, name="request"),
]
