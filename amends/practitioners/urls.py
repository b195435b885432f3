from django.urls import path

from amends.practitioners import views

app_name = "practitioners"

urlpatterns = [
    path("practitioners/", views.practitioner_list, name="list"),
    path("practitioners/expectations/", views.practice_settings_edit, name="settings"),
    path("practitioners/<int:membership_pk>/", views.practitioner_detail, name="detail"),
    *[
        path(
            f"practitioners/<int:membership_pk>/{kind}/add/",
            views.record_add,
            {"kind": kind},
            name=f"{kind}_add",
        )
        for kind in views.URL_KINDS
    ],
    path(
        "practitioners/training/<int:trainingrecord_pk>/", views.training_edit, name="training_edit"
    ),
    path(
        "practitioners/training/<int:trainingrecord_pk>/remove/",
        views.training_remove,
        name="training_remove",
    ),
    path(
        "practitioners/training/<int:trainingrecord_pk>/certificate/",
        views.training_evidence,
        name="training_evidence",
    ),
    path(
        "practitioners/registrations/<int:registration_pk>/",
        views.registration_edit,
        name="registration_edit",
    ),
    path(
        "practitioners/supervision/<int:supervisionsession_pk>/",
        views.supervision_edit,
        name="supervision_edit",
    ),
    path(
        "practitioners/development/<int:developmentactivity_pk>/",
        views.development_edit,
        name="development_edit",
    ),
    path(
        "practitioners/development/<int:developmentactivity_pk>/remove/",
        views.development_remove,
        name="development_remove",
    ),
    path("practice/", views.my_practice, name="mine"),
    path("practice/development/add/", views.my_development_add, name="mine_development_add"),
]
