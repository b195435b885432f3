from django.urls import path

from amends.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
]
