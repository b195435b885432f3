from django.urls import path

from amends.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("add/", views.person_add, name="add"),
    path("<int:person_pk>/", views.person_detail, name="detail"),
    path("<int:person_pk>/edit/", views.person_edit, name="edit"),
    path("<int:person_pk>/identifiers/add/", views.identifier_add, name="identifier_add"),
    path(
        "<int:person_pk>/identifiers/<int:person_identifier_pk>/remove/",
        views.identifier_remove,
        name="identifier_remove",
    ),
]
