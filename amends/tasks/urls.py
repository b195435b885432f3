from django.urls import path

from amends.tasks import views

app_name = "deliveries"

urlpatterns = [
    path("", views.deliveries, name="list"),
    path("<uuid:delivery_pk>/try-again/", views.delivery_try_again, name="try_again"),
]
