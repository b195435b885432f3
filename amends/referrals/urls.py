from django.urls import path

from amends.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("harm-types/", views.harm_types, name="harm_types"),
    path("harm-types/<int:harm_type_pk>/toggle/", views.harm_type_toggle, name="harm_type_toggle"),
    path(
        "harm-types/<int:harm_type_pk>/advanced/",
        views.harm_type_advanced,
        name="harm_type_advanced",
    ),
    path("<int:referral_pk>/", views.referral_detail, name="detail"),
    path("<int:referral_pk>/accept/", views.referral_accept, name="accept"),
    path("<int:referral_pk>/decline/", views.referral_decline, name="decline"),
]
