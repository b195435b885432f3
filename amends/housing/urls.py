from django.urls import path

from amends.housing import views

app_name = "housing"

urlpatterns = [
    path("households/", views.household_list, name="list"),
    path("households/add/", views.household_add, name="add"),
    path("households/<int:household_pk>/", views.household_detail, name="detail"),
    path("households/<int:household_pk>/edit/", views.household_edit, name="edit"),
    path("households/<int:household_pk>/members/add/", views.member_add, name="member_add"),
    path(
        "households/<int:household_pk>/members/<int:householdmember_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("cases/<int:case_pk>/households/add/", views.case_household_add, name="case_add"),
    path("cases/<int:case_pk>/asb/", views.case_housing_edit, name="case_details"),
    path("organisation/homes/", views.housing_settings, name="settings"),
]
