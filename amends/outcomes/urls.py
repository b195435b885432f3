from django.urls import path

from amends.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path(
        "cases/<int:case_pk>/parties/<int:party_pk>/harm-measures/",
        views.harm_measures,
        name="harm_measures",
    ),
    path(
        "cases/<int:case_pk>/parties/<int:party_pk>/victims-code/",
        views.victims_code,
        name="victims_code",
    ),
    path(
        "cases/<int:case_pk>/parties/<int:party_pk>/feedback-link/",
        views.feedback_link_create,
        name="feedback_link_create",
    ),
    path(
        "cases/<int:case_pk>/parties/<int:party_pk>/feedback-link/made/",
        views.feedback_link_ready,
        name="feedback_link_ready",
    ),
    path(
        "cases/<int:case_pk>/parties/<int:party_pk>/feedback-by-phone/",
        views.feedback_by_phone,
        name="feedback_by_phone",
    ),
    path(
        "cases/<int:case_pk>/reoffending-check/",
        views.reoffending_check,
        name="reoffending_check",
    ),
    path("outcomes/harm-questions/", views.questions, name="questions"),
    path(
        "outcomes/reoffending-checks-due/",
        views.reoffending_checks_due,
        name="reoffending_checks_due",
    ),
    path("feedback/thank-you/", views.feedback_thanks, name="feedback_thanks"),
    path("feedback/<str:token>/", views.feedback, name="feedback"),
]
