from django.urls import path

from amends.api import views

app_name = "api_keys"

urlpatterns = [
    path("", views.api_keys, name="list"),
    path("new/", views.api_key_new, name="new"),
    path("<int:apikey_pk>/revoke/", views.api_key_revoke, name="revoke"),
]
