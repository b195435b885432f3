from django.urls import path

from amends.schools import views

app_name = "schools"

urlpatterns = [
    path("schools/conversations/", views.conversations, name="conversations"),
    path("schools/conversations/new/", views.conversation_new, name="conversation_new"),
    path("schools/settings/", views.school_settings, name="settings"),
    path("cases/<int:case_pk>/follow-up/", views.follow_up, name="follow_up"),
    path("cases/<int:case_pk>/exclusion/", views.exclusion, name="exclusion"),
    path("cases/<int:case_pk>/parents-informed/", views.parent_informed, name="parent_informed"),
    path("cases/<int:case_pk>/safeguarding/", views.safeguarding_raise, name="safeguarding"),
    path(
        "cases/<int:case_pk>/safeguarding/resolve/",
        views.safeguarding_resolve,
        name="safeguarding_resolve",
    ),
]
