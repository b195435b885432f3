from django.urls import path

from amends.privacy import views

app_name = "privacy"

urlpatterns = [
    path("<int:person_pk>/contact/", views.reveal_contact, name="reveal_contact"),
    path("<int:person_pk>/rights/", views.subject_access, name="subject_access"),
    path(
        "<int:person_pk>/rights/export.pdf",
        views.subject_access_export,
        {"fmt": "pdf"},
        name="export_pdf",
    ),
    path(
        "<int:person_pk>/rights/export.json",
        views.subject_access_export,
        {"fmt": "json"},
        name="export_json",
    ),
]
