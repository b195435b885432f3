from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("people/", include("amends.people.urls")),
    path("people/", include("amends.privacy.urls")),
    path("referrals/", include("amends.referrals.urls")),
    path("cases/", include("amends.cases.urls")),
    path("cases/", include("amends.documents.urls")),
    path("", include("amends.meetings.urls")),
    path("", include("amends.agreements.urls")),
    path("", include("amends.outcomes.urls")),
    path("", include("amends.core.urls")),
]
