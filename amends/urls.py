from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("people/", include("amends.people.urls")),
    path("", include("amends.core.urls")),
]
